-- Reporting (issue 7): scores in SQL, and cells sealed when their sweep ends.
--
-- A task's score is its own aggregation over the cell's rows (corpus BLEU, pass@k, Wilson or
-- bootstrap intervals: tasks/aggregate.h), so C++ computes it. When a sweep has ended
-- (succeeded, failed or cancelled), no shard of it can be leased again and its rows no longer
-- change: the coordinator's reaper then seals it once (storage/sealed_cells.h), storing each
-- cell's scores and the statistics that need every row (counts, latency percentiles), and
-- sets sweeps.sealed_at. Reports over sealed sweeps read those rows instead of re-reading
-- millions of sample rows; a running sweep's cells are still aggregated live.

ALTER TABLE sweeps ADD COLUMN sealed_at TIMESTAMPTZ;
CREATE INDEX sweeps_unsealed ON sweeps (id) WHERE sealed_at IS NULL;

-- Every metric of a sealed cell's task, with its 95% interval. ordinal 0 is the task's primary
-- metric (the one reports rank by), then the others in the task's order.
CREATE TABLE cell_scores (
  sweep_id         BIGINT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  model            TEXT NOT NULL,
  task             TEXT NOT NULL,
  hardware_class   TEXT NOT NULL,
  metric           TEXT NOT NULL,              -- "pipeline/metric", e.g. "none/acc"
  ordinal          INTEGER NOT NULL,
  value            DOUBLE PRECISION NOT NULL,
  ci_low           DOUBLE PRECISION NOT NULL,
  ci_high          DOUBLE PRECISION NOT NULL,
  ci_method        TEXT NOT NULL,              -- wilson, bootstrap, none
  samples          BIGINT NOT NULL,            -- samples the value covers
  higher_is_better BOOLEAN NOT NULL,
  PRIMARY KEY (sweep_id, model, task, hardware_class, metric),
  UNIQUE (sweep_id, model, task, hardware_class, ordinal)
);

-- The row statistics of a sealed cell: what cell_metrics otherwise computes from
-- sample_results.
CREATE TABLE sealed_cells (
  sweep_id         BIGINT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  model            TEXT NOT NULL,
  task             TEXT NOT NULL,
  hardware_class   TEXT NOT NULL,
  samples          BIGINT NOT NULL,            -- result rows
  errors           BIGINT NOT NULL,
  measured_samples BIGINT NOT NULL,            -- rows of shards with a measurement
  answer_methods   TEXT NOT NULL,
  ttft_p50_s       DOUBLE PRECISION,
  ttft_p95_s       DOUBLE PRECISION,
  tpot_p50_s       DOUBLE PRECISION,
  tpot_p95_s       DOUBLE PRECISION,
  e2e_p50_s        DOUBLE PRECISION,
  e2e_p95_s        DOUBLE PRECISION,
  tpot_mean_s      DOUBLE PRECISION,
  e2e_mean_s       DOUBLE PRECISION,
  PRIMARY KEY (sweep_id, model, task, hardware_class)
);

-- The peak device memory of a shard's window, for PER's memory term, and where it came from:
-- nvml-peak (the most memory the metered GPUs used, read every sampling period),
-- server-reported (the inference server's own gauge) or profile (the model's memory as the
-- sweep file states it); NULL and '' when nothing was known.
ALTER TABLE shard_measurements ADD COLUMN peak_memory_mb DOUBLE PRECISION;
ALTER TABLE shard_measurements ADD COLUMN memory_source TEXT NOT NULL DEFAULT '';

-- The row statistics of every cell of a sweep not sealed yet, computed from its rows; sealing
-- stores exactly these (INSERT INTO sealed_cells SELECT ...), so a cell reads the same before
-- and after. Percentiles of TTFT and TPOT skip the rows that did not stream (NULL).
CREATE VIEW unsealed_cell_rows AS
SELECT s.sweep_id, s.model, s.task, s.hardware_class,
       count(*) AS samples,
       count(*) FILTER (WHERE r.error <> '') AS errors,
       count(m.shard_id) AS measured_samples,
       COALESCE(string_agg(DISTINCT NULLIF(r.answer_method, ''), ','), '') AS answer_methods,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ttft_s) AS ttft_p50_s,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY r.ttft_s) AS ttft_p95_s,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.tpot_s) AS tpot_p50_s,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY r.tpot_s) AS tpot_p95_s,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.e2e_s) AS e2e_p50_s,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY r.e2e_s) AS e2e_p95_s,
       avg(r.tpot_s) AS tpot_mean_s,
       avg(r.e2e_s) AS e2e_mean_s
FROM shards s JOIN sweeps w ON w.id = s.sweep_id AND w.sealed_at IS NULL
     JOIN sample_results r ON r.shard_id = s.id
     LEFT JOIN shard_measurements m ON m.shard_id = s.id
GROUP BY s.sweep_id, s.model, s.task, s.hardware_class;

-- cell_metrics gains the primary score with its interval, the peak memory, mean latencies and
-- the unit of PER's throughput and latency terms (docs/methodology.md), and reads sealed
-- cells from sealed_cells. Columns are only added, at the end, so queries written against
-- 0008's view keep working.
CREATE OR REPLACE VIEW cell_metrics AS
WITH cells AS (
  SELECT s.sweep_id, s.model, s.task, s.hardware_class,
         count(*) AS shards,
         count(*) FILTER (WHERE s.state = 'succeeded') AS shards_succeeded,
         sum((s.sample_end - s.sample_begin)::bigint
             * GREATEST(COALESCE((su.task_definition->>'repeats')::bigint, 1), 1))
           AS samples_planned,
         -- Cao et al.'s two kinds of task, for PER's throughput and latency terms: answers
         -- that are a label (multiple choice, or at most 16 generated tokens) are counted per
         -- sample, longer generations per output token.
         CASE WHEN bool_and(su.task_definition->>'output_type' = 'OUTPUT_TYPE_MULTIPLE_CHOICE'
                            OR COALESCE((su.task_definition->'generation'->>'max_tokens')::int,
                                        0) BETWEEN 1 AND 16)
              THEN 'sample' ELSE 'token'
         END AS per_unit
  FROM shards s JOIN suites su ON su.content_hash = s.suite_hash
  GROUP BY s.sweep_id, s.model, s.task, s.hardware_class
), results AS (
  SELECT sweep_id, model, task, hardware_class, samples, errors, measured_samples,
         answer_methods, ttft_p50_s, ttft_p95_s, tpot_p50_s, tpot_p95_s, e2e_p50_s, e2e_p95_s,
         tpot_mean_s, e2e_mean_s
  FROM sealed_cells
  UNION ALL
  SELECT * FROM unsealed_cell_rows
), energy AS (
  SELECT s.sweep_id, s.model, s.task, s.hardware_class,
         count(*) AS shards_measured,
         sum(m.total_energy_j) AS energy_j,
         sum(m.above_idle_energy_j) AS above_idle_energy_j,
         max(COALESCE(em.rank, 9)) AS weakest_rank,
         bool_or(m.estimated) AS estimated,
         bool_or(m.simulated) AS simulated,
         sum(m.wall_time_s) AS wall_time_s,
         sum(m.completion_tokens) AS measured_tokens,
         sum(m.total_energy_j / 3.6e6 * m.pue) AS facility_kwh,
         CASE WHEN count(m.carbon_intensity_g_per_kwh) = count(*)
              THEN sum(m.total_energy_j / 3.6e6 * m.pue * m.carbon_intensity_g_per_kwh)
         END AS carbon_g,
         string_agg(DISTINCT NULLIF(m.carbon_intensity_source, ''), '; ') AS carbon_sources,
         max(m.peak_memory_mb) AS peak_memory_mb,
         string_agg(DISTINCT NULLIF(m.memory_source, ''), ',') AS memory_sources
  FROM shards s JOIN shard_measurements m ON m.shard_id = s.id
       LEFT JOIN energy_methods em ON em.name = m.method
  GROUP BY s.sweep_id, s.model, s.task, s.hardware_class
), priced AS (
  SELECT c.*, COALESCE(r.samples, 0) AS samples, COALESCE(r.errors, 0) AS errors,
         COALESCE(r.answer_methods, '') AS answer_methods,
         r.ttft_p50_s, r.ttft_p95_s, r.tpot_p50_s, r.tpot_p95_s, r.e2e_p50_s, r.e2e_p95_s,
         r.tpot_mean_s, r.e2e_mean_s,
         COALESCE(e.shards_measured, 0) AS shards_measured, e.energy_j, e.above_idle_energy_j,
         COALESCE(em.name, 'none') AS energy_method,
         COALESCE(e.estimated, false) AS estimated, COALESCE(e.simulated, false) AS simulated,
         e.wall_time_s, e.measured_tokens, r.measured_samples, e.carbon_g,
         COALESCE(e.carbon_sources, '') AS carbon_sources, h.gpu_count,
         h.price_per_hour_usd * e.wall_time_s / 3600 AS hardware_usd,
         h.electricity_usd_per_kwh * e.facility_kwh AS electricity_usd,
         e.peak_memory_mb, COALESCE(e.memory_sources, '') AS memory_sources
  FROM cells c
       LEFT JOIN results r USING (sweep_id, model, task, hardware_class)
       LEFT JOIN energy e USING (sweep_id, model, task, hardware_class)
       LEFT JOIN energy_methods em ON em.rank = e.weakest_rank
       LEFT JOIN hardware_classes h ON h.name = c.hardware_class
)
SELECT p.sweep_id, p.model, p.task, p.hardware_class,
       shards, shards_succeeded, shards_measured, samples_planned, p.samples, errors,
       p.samples::double precision / NULLIF(samples_planned, 0) AS completeness,
       answer_methods,
       energy_j, above_idle_energy_j,
       energy_j / NULLIF(p.samples, 0) AS j_per_query,
       above_idle_energy_j / NULLIF(p.samples, 0) AS j_per_query_above_idle,
       energy_method, estimated, simulated,
       carbon_g / NULLIF(p.samples, 0) AS gco2e_per_query,
       carbon_sources,
       CASE WHEN hardware_usd IS NOT NULL OR electricity_usd IS NOT NULL
            THEN 1000 * (COALESCE(hardware_usd, 0) + COALESCE(electricity_usd, 0))
                 / NULLIF(p.samples, 0)
       END AS usd_per_1k_queries,
       CASE WHEN hardware_usd IS NOT NULL AND electricity_usd IS NOT NULL
              THEN 'hardware+electricity'
            WHEN hardware_usd IS NOT NULL THEN 'hardware'
            WHEN electricity_usd IS NOT NULL THEN 'electricity'
            ELSE ''
       END AS cost_basis,
       ttft_p50_s, ttft_p95_s, tpot_p50_s, tpot_p95_s, e2e_p50_s, e2e_p95_s,
       wall_time_s,
       measured_tokens / NULLIF(wall_time_s, 0) AS tokens_per_s,
       measured_samples / NULLIF(wall_time_s, 0) AS samples_per_s,
       measured_tokens / NULLIF(wall_time_s, 0) / NULLIF(gpu_count, 0) AS tokens_per_s_per_gpu,
       measured_samples / NULLIF(wall_time_s, 0) / NULLIF(gpu_count, 0) AS samples_per_s_per_gpu,
       sc.metric AS score_metric, sc.value AS score, sc.ci_low AS score_ci_low,
       sc.ci_high AS score_ci_high, sc.ci_method AS score_ci_method,
       peak_memory_mb, memory_sources, tpot_mean_s, e2e_mean_s, per_unit
FROM priced p
     LEFT JOIN cell_scores sc
       ON sc.sweep_id = p.sweep_id AND sc.model = p.model AND sc.task = p.task
          AND sc.hardware_class = p.hardware_class AND sc.ordinal = 0;

-- The sweeps, for reports and readers: everything but the submitted file.
CREATE VIEW sweep_overview AS
SELECT id AS sweep_id, name, state, priority, labels, source_name, created_at, finished_at,
       sealed_at
FROM sweeps;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'joulebench_reader') THEN
    GRANT SELECT ON cell_scores, sweep_overview TO joulebench_reader;
  END IF;
END
$$;
