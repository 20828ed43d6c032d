-- Reporting (issue 7): joulebench_reader, a role that reads the reporting views and nothing
-- else (docs/sql.md). It may log in (give it a password, or map it in pg_hba.conf) but owns
-- nothing, may read no raw table and write nothing, and every statement it runs is cut off
-- after 30 s. Views run with their owner's rights on the tables below them, so granting a
-- view grants exactly what the view shows.
--
-- Roles belong to the whole cluster, and creating one takes CREATEROLE: where the
-- coordinator's database role lacks it, this warns and an administrator creates the role with
-- the two statements of the inner block; the grants below then apply to it at once if it
-- exists, or when the administrator runs them.
DO $$
BEGIN
  BEGIN
    CREATE ROLE joulebench_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    ALTER ROLE joulebench_reader SET statement_timeout = '30s';
    ALTER ROLE joulebench_reader SET default_transaction_read_only = on;
  EXCEPTION
    WHEN duplicate_object THEN NULL;  -- another database of the cluster created it
    WHEN insufficient_privilege THEN
      RAISE WARNING 'joulebench: this role may not create roles, so joulebench_reader was not '
        'created; an administrator can create it as storage/migrations/0009_reader_role.sql '
        'does (docs/sql.md)';
  END;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'joulebench_reader') THEN
    GRANT USAGE ON SCHEMA public TO joulebench_reader;
    GRANT SELECT ON cell_metrics, energy_methods TO joulebench_reader;
  END IF;
END
$$;
