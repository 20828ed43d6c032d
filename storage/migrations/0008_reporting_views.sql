-- Reporting (issue 7): what people query with SQL (docs/sql.md) and reports read.
--
-- Joules are the stored truth. Carbon and cost are derived here, at query time, from the
-- shards' measurements and the hardware classes' prices, so a corrected price or intensity
-- re-prices history.

-- Energy methods from strongest (1, a hardware energy counter) to weakest (9, none). A cell
-- shows the weakest method among its shards. The same order as common/energy_method.cc; a
-- test keeps the two equal.
CREATE TABLE energy_methods (
  name      TEXT PRIMARY KEY,
  rank      INTEGER NOT NULL UNIQUE,
  estimated BOOLEAN NOT NULL
);
INSERT INTO energy_methods (name, rank, estimated) VALUES
  ('nvml-energy-counter', 1, false),
  ('rapl', 2, false),
  ('prometheus-counter', 3, false),
  ('nvml-power-integrated', 4, false),
  ('prometheus-power-integrated', 5, false),
  ('estimate-tdp', 6, true),
  ('estimate-ram', 7, true),
  ('estimate-params', 8, true),
  ('none', 9, false);

-- One row per cell: (sweep, model, task, hardware class). Per query means per stored result
-- row. Latency percentiles are over the rows (TTFT and TPOT over streamed rows only).
-- Throughput is per server: the cell's measured shards' completion tokens and result rows
-- over their summed wall time, at the sweep's concurrency; per GPU divides by the class's GPU
-- count (NULL for CPU classes). Carbon is NULL unless every measured shard recorded an
-- intensity; cost sums the parts that are priced (cost_basis says which).
CREATE VIEW cell_metrics AS
WITH cells AS (
  SELECT s.sweep_id, s.model, s.task, s.hardware_class,
         count(*) AS shards,
         count(*) FILTER (WHERE s.state = 'succeeded') AS shards_succeeded,
         sum((s.sample_end - s.sample_begin)::bigint
             * GREATEST(COALESCE((su.task_definition->>'repeats')::bigint, 1), 1))
           AS samples_planned
  FROM shards s JOIN suites su ON su.content_hash = s.suite_hash
  GROUP BY s.sweep_id, s.model, s.task, s.hardware_class
), results AS (
  SELECT s.sweep_id, s.model, s.task, s.hardware_class,
         count(*) AS samples,
         count(*) FILTER (WHERE r.error <> '') AS errors,
         string_agg(DISTINCT NULLIF(r.answer_method, ''), ',') AS answer_methods,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ttft_s) AS ttft_p50_s,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY r.ttft_s) AS ttft_p95_s,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY r.tpot_s) AS tpot_p50_s,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY r.tpot_s) AS tpot_p95_s,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY r.e2e_s) AS e2e_p50_s,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY r.e2e_s) AS e2e_p95_s
  FROM shards s JOIN sample_results r ON r.shard_id = s.id
  GROUP BY s.sweep_id, s.model, s.task, s.hardware_class
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
         sum((SELECT count(*) FROM sample_results r WHERE r.shard_id = s.id)) AS measured_samples,
         sum(m.total_energy_j / 3.6e6 * m.pue) AS facility_kwh,
         CASE WHEN count(m.carbon_intensity_g_per_kwh) = count(*)
              THEN sum(m.total_energy_j / 3.6e6 * m.pue * m.carbon_intensity_g_per_kwh)
         END AS carbon_g,
         string_agg(DISTINCT NULLIF(m.carbon_intensity_source, ''), '; ') AS carbon_sources
  FROM shards s JOIN shard_measurements m ON m.shard_id = s.id
       LEFT JOIN energy_methods em ON em.name = m.method
  GROUP BY s.sweep_id, s.model, s.task, s.hardware_class
), priced AS (
  SELECT c.*, COALESCE(r.samples, 0) AS samples, COALESCE(r.errors, 0) AS errors,
         COALESCE(r.answer_methods, '') AS answer_methods,
         r.ttft_p50_s, r.ttft_p95_s, r.tpot_p50_s, r.tpot_p95_s, r.e2e_p50_s, r.e2e_p95_s,
         COALESCE(e.shards_measured, 0) AS shards_measured, e.energy_j, e.above_idle_energy_j,
         COALESCE(em.name, 'none') AS energy_method,
         COALESCE(e.estimated, false) AS estimated, COALESCE(e.simulated, false) AS simulated,
         e.wall_time_s, e.measured_tokens, e.measured_samples, e.carbon_g,
         COALESCE(e.carbon_sources, '') AS carbon_sources, h.gpu_count,
         h.price_per_hour_usd * e.wall_time_s / 3600 AS hardware_usd,
         h.electricity_usd_per_kwh * e.facility_kwh AS electricity_usd
  FROM cells c
       LEFT JOIN results r USING (sweep_id, model, task, hardware_class)
       LEFT JOIN energy e USING (sweep_id, model, task, hardware_class)
       LEFT JOIN energy_methods em ON em.rank = e.weakest_rank
       LEFT JOIN hardware_classes h ON h.name = c.hardware_class
)
SELECT sweep_id, model, task, hardware_class,
       shards, shards_succeeded, shards_measured, samples_planned, samples, errors,
       samples::double precision / NULLIF(samples_planned, 0) AS completeness,
       answer_methods,
       energy_j, above_idle_energy_j,
       energy_j / NULLIF(samples, 0) AS j_per_query,
       above_idle_energy_j / NULLIF(samples, 0) AS j_per_query_above_idle,
       energy_method, estimated, simulated,
       carbon_g / NULLIF(samples, 0) AS gco2e_per_query,
       carbon_sources,
       CASE WHEN hardware_usd IS NOT NULL OR electricity_usd IS NOT NULL
            THEN 1000 * (COALESCE(hardware_usd, 0) + COALESCE(electricity_usd, 0))
                 / NULLIF(samples, 0)
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
       measured_samples / NULLIF(wall_time_s, 0) / NULLIF(gpu_count, 0) AS samples_per_s_per_gpu
FROM priced;
