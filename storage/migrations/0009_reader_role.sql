-- Reporting (issue 7): joulebench_reader, a role that reads the reporting views and nothing
-- else (docs/sql.md). It may log in (give it a password, or map it in pg_hba.conf) but owns
-- nothing, may read no raw table and write nothing, and every statement it runs is cut off
-- after 30 s. Views run with their owner's rights on the tables below them, so granting a
-- view grants exactly what the view shows. Roles belong to the whole cluster: another
-- database of it may have created the role already.
DO $$
BEGIN
  CREATE ROLE joulebench_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
ALTER ROLE joulebench_reader SET statement_timeout = '30s';
ALTER ROLE joulebench_reader SET default_transaction_read_only = on;
GRANT USAGE ON SCHEMA public TO joulebench_reader;
GRANT SELECT ON cell_metrics, energy_methods TO joulebench_reader;
