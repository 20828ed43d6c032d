-- Energy metering (issue 5): why a window was not exclusive (another process on a metered GPU,
-- a MIG instance metered as its whole board) and how many sampler reads failed in it.
-- Counter resets travel in each reading of the readings JSON (counter_resets).
ALTER TABLE shard_measurements ADD COLUMN shared_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE shard_measurements ADD COLUMN failed_samples INTEGER NOT NULL DEFAULT 0;
