-- The inference server's own counters over each shard window (common.proto ServerCounters):
-- /metrics after minus before, under vLLM's current or older metric names.
ALTER TABLE shard_measurements ADD COLUMN server_counters JSONB NOT NULL DEFAULT '{}';
