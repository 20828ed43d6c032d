-- Scheduling (issue 6): AcquireShard picks a sweep first, so that concurrent sweeps of equal
-- priority share the workers, then claims that sweep's next shard. Both steps look pending
-- shards up by sweep, class and model.
CREATE INDEX shards_claimable_by_sweep ON shards (sweep_id, hardware_class, model, priority DESC, id)
  WHERE state = 'pending';
