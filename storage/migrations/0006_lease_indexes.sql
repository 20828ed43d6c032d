-- Scheduling at scale (issue 6): indexes the planner cannot misuse while statistics are stale.
--
-- The statistics of `shards` are taken when a sweep is submitted, when none of its shards is
-- leased. Every write about a lease names the shard by id and says state = 'leased', so the
-- planner, believing the partial index shards_leased empty, walked all of it for each write
-- instead of the primary key: 700 buffer reads per heartbeat with 1,000 workers. These
-- indexes are partial on lease_expires_at IS NOT NULL instead (it is set exactly while a
-- shard is leased), which those writes do not imply; the reaper's `lease_expires_at < now()`
-- does.
DROP INDEX shards_leased;
CREATE INDEX shards_lease_expiry ON shards (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
-- The shard a worker holds, for `joulebench workers`.
CREATE INDEX shards_lease_holder ON shards (lease_owner) WHERE lease_expires_at IS NOT NULL;
-- Claims look pending shards up by sweep (shards_claimable_by_sweep); this one only cost
-- every shard update an index insertion.
DROP INDEX shards_claimable;
