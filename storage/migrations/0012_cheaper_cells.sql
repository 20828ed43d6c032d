-- Reporting (issue 7), made cheaper and steadier to read: cell_metrics, column for column and
-- row for row the same, with two changes to how it is computed (bench/report_bench.cc,
-- docs/performance.md):
--   * It reads two small stored columns of `suites` instead of its task definition, which may
--     hold many KB of few-shot examples, stored compressed, and was read three times per
--     shard: at 10,000 shards that was most of a sealed sweep's report. Stored generated
--     columns keep them true to the definition by construction.
--   * Each cell's row statistics are joined laterally: its sealed row, or the aggregate of its
--     own rows while its sweep is unsealed. Joined as one live aggregate over every unsealed
--     sweep, the planner could re-run that aggregate once per cell (a leaderboard refresh once
--     took 54 s instead of 0.1 s at a million rows).
--
-- Report reads also turn JIT compilation off (storage/report_queries.h): the live branch is
-- planned over a sweep's rows even when the sweep is sealed and the branch reads nothing, and
-- that estimate made PostgreSQL compile the query for longer than the query runs.
-- joulebench_reader gets jit = off for its sessions for the same reason.

-- Each sample runs `repeats` times (at least once).
ALTER TABLE suites ADD COLUMN repeats BIGINT GENERATED ALWAYS AS
  (GREATEST(COALESCE((task_definition->>'repeats')::bigint, 1), 1)) STORED;
-- Cao et al.'s two kinds of task, for PER's throughput and latency terms (docs/methodology.md):
-- answers that are a label (multiple choice, or at most 16 generated tokens) are counted per
-- sample, longer generations per output token.
ALTER TABLE suites ADD COLUMN per_sample BOOLEAN GENERATED ALWAYS AS
  (task_definition->>'output_type' = 'OUTPUT_TYPE_MULTIPLE_CHOICE'
   OR COALESCE((task_definition->'generation'->>'max_tokens')::int, 0) BETWEEN 1 AND 16) STORED;

CREATE OR REPLACE VIEW cell_metrics AS
WITH cells AS (
  SELECT s.sweep_id, s.model, s.task, s.hardware_class,
         count(*) AS shards,
         count(*) FILTER (WHERE s.state = 'succeeded') AS shards_succeeded,
         sum((s.sample_end - s.sample_begin)::bigint * su.repeats) AS samples_planned,
         CASE WHEN bool_and(su.per_sample) THEN 'sample' ELSE 'token' END AS per_unit
  FROM shards s JOIN suites su ON su.content_hash = s.suite_hash
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
       -- Per cell: its sealed row statistics, or, while its sweep is not sealed, those
       -- aggregated from its own rows. Lateral, so each cell reads only its own rows (by
       -- index) and a sealed cell's live branch stops at its sweep; a live branch planned
       -- over every sweep's rows could be re-run once per cell.
       LEFT JOIN LATERAL (
         SELECT x.samples, x.errors, x.measured_samples, x.answer_methods, x.ttft_p50_s,
                x.ttft_p95_s, x.tpot_p50_s, x.tpot_p95_s, x.e2e_p50_s, x.e2e_p95_s,
                x.tpot_mean_s, x.e2e_mean_s
         FROM sealed_cells x
         WHERE x.sweep_id = c.sweep_id AND x.model = c.model AND x.task = c.task
           AND x.hardware_class = c.hardware_class
         UNION ALL
         SELECT u.samples, u.errors, u.measured_samples, u.answer_methods, u.ttft_p50_s,
                u.ttft_p95_s, u.tpot_p50_s, u.tpot_p95_s, u.e2e_p50_s, u.e2e_p95_s,
                u.tpot_mean_s, u.e2e_mean_s
         FROM unsealed_cell_rows u
         WHERE u.sweep_id = c.sweep_id AND u.model = c.model AND u.task = c.task
           AND u.hardware_class = c.hardware_class
       ) r ON true
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

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'joulebench_reader') THEN
    BEGIN
      ALTER ROLE joulebench_reader SET jit = off;
    EXCEPTION
      WHEN insufficient_privilege THEN
        RAISE WARNING 'joulebench: this role may not alter joulebench_reader; an administrator '
          'can run ALTER ROLE joulebench_reader SET jit = off (docs/sql.md)';
    END;
  END IF;
END
$$;
