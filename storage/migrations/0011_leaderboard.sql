-- Reporting (issue 7): the cross-model leaderboard, its nightly snapshots, and the changes
-- between snapshots (docs/sql.md, "Leaderboard").

-- For every (task, model, hardware class), the cell of the newest sealed sweep that scored
-- it. Materialized, so reading it costs a few hundred rows whatever the size of
-- sample_results; the coordinator refreshes it concurrently after sealing a sweep, and
-- `joulebench leaderboard --snapshot` refreshes it before taking a snapshot. The unique index
-- is what REFRESH ... CONCURRENTLY needs: readers are never blocked by a refresh.
CREATE MATERIALIZED VIEW leaderboard AS
SELECT DISTINCT ON (cm.task, cm.model, cm.hardware_class) cm.*
FROM cell_metrics cm JOIN sweeps w ON w.id = cm.sweep_id
WHERE w.sealed_at IS NOT NULL AND cm.score IS NOT NULL
ORDER BY cm.task, cm.model, cm.hardware_class, cm.sweep_id DESC;
CREATE UNIQUE INDEX leaderboard_cell ON leaderboard (task, model, hardware_class);

-- Dated copies of the leaderboard, one per day (a second snapshot the same day replaces the
-- first). Each records the bands its change flags use: a relative change in J/query or
-- end-to-end latency beyond the band is flagged.
CREATE TABLE leaderboard_snapshots (
  snapshot_date    DATE NOT NULL,
  task             TEXT NOT NULL,
  model            TEXT NOT NULL,
  hardware_class   TEXT NOT NULL,
  sweep_id         BIGINT NOT NULL,
  score_metric     TEXT NOT NULL,
  score            DOUBLE PRECISION NOT NULL,
  score_ci_low     DOUBLE PRECISION NOT NULL,
  score_ci_high    DOUBLE PRECISION NOT NULL,
  j_per_query      DOUBLE PRECISION,
  energy_method    TEXT NOT NULL,
  simulated        BOOLEAN NOT NULL,
  gco2e_per_query  DOUBLE PRECISION,
  usd_per_1k_queries DOUBLE PRECISION,
  e2e_p50_s        DOUBLE PRECISION,
  energy_band      DOUBLE PRECISION NOT NULL CHECK (energy_band >= 0),
  latency_band     DOUBLE PRECISION NOT NULL CHECK (latency_band >= 0),
  taken_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (snapshot_date, task, model, hardware_class)
);

-- Each cell of the newest snapshot against the same cell in the snapshot before it (the
-- newest earlier date that has the cell). Flags:
--   score_changed    the new score lies outside the previous snapshot's 95% interval;
--   energy_changed   J/query moved by more than energy_band, relative to the previous value;
--   latency_changed  median end-to-end latency moved by more than latency_band, relative;
--   method_changed   the energy method differs (the figures are then not comparable as
--                    measurements).
-- A cell new in the newest snapshot has no previous row and no flag.
CREATE VIEW leaderboard_changes AS
WITH latest AS (SELECT max(snapshot_date) AS d FROM leaderboard_snapshots)
SELECT cur.task, cur.model, cur.hardware_class,
       prev.snapshot_date AS previous_date, cur.snapshot_date AS current_date,
       prev.sweep_id AS previous_sweep_id, cur.sweep_id AS current_sweep_id,
       cur.score_metric,
       prev.score AS previous_score, cur.score AS current_score,
       prev.score_ci_low AS previous_ci_low, prev.score_ci_high AS previous_ci_high,
       prev.j_per_query AS previous_j_per_query, cur.j_per_query AS current_j_per_query,
       prev.e2e_p50_s AS previous_e2e_p50_s, cur.e2e_p50_s AS current_e2e_p50_s,
       prev.energy_method AS previous_energy_method, cur.energy_method AS current_energy_method,
       (cur.score < prev.score_ci_low OR cur.score > prev.score_ci_high) AS score_changed,
       COALESCE(abs(cur.j_per_query - prev.j_per_query)
                > cur.energy_band * abs(prev.j_per_query), false) AS energy_changed,
       COALESCE(abs(cur.e2e_p50_s - prev.e2e_p50_s)
                > cur.latency_band * abs(prev.e2e_p50_s), false) AS latency_changed,
       cur.energy_method <> prev.energy_method AS method_changed
FROM leaderboard_snapshots cur
     JOIN latest ON cur.snapshot_date = latest.d
     JOIN LATERAL (
       SELECT * FROM leaderboard_snapshots p
       WHERE p.task = cur.task AND p.model = cur.model AND p.hardware_class = cur.hardware_class
         AND p.snapshot_date < cur.snapshot_date
       ORDER BY p.snapshot_date DESC LIMIT 1) prev ON true;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'joulebench_reader') THEN
    GRANT SELECT ON leaderboard, leaderboard_snapshots, leaderboard_changes
      TO joulebench_reader;
  END IF;
END
$$;
