// StorageTest: PostgresTest plus the rows most storage tests need (a suite, models, a worker,
// a sweep with shards), so each test states only what it is about.
#pragma once

#include <string>
#include <vector>

#include "joulebench/v1/common.pb.h"
#include "storage/shard_queue.h"
#include "tests/testing/postgres_fixture.h"

namespace jb::storage::testing {

inline constexpr char kSuiteHash[] = "hash-mini";
inline constexpr char kClass[] = "gpu-a";

class StorageTest : public jb::testing::PostgresTest {
 protected:
  // The task of suite "mini" (hash kSuiteHash) with `repeats` generations per sample.
  static joulebench::v1::TaskDefinition MiniTask(int repeats = 0);
  // Samples 0..n-1 with docs {"text": "doc <i>", "label": <i % 2>}.
  static std::vector<joulebench::v1::Sample> MiniSamples(int n);
  // A shard of suite "mini" on class kClass.
  static PlannedShard Planned(const std::string& model, int begin, int end, int max_attempts = 3,
                              int priority = 0, const std::string& hardware_class = kClass);
  static joulebench::v1::SampleResult Result(int sample_index, double score, int repeat = 0);

  // Stores suite "mini" (`samples` samples) and models m1 and m2. Fails the test on error.
  void SeedSuite(int samples = 20, int repeats = 0);
  // A running sweep holding `shards`; returns its id (0 after a test failure).
  int64_t AddSweep(const std::vector<PlannedShard>& shards, const std::string& name = "sweep");
  // Registers worker `name` of `hardware_class` serving `models`; returns its id.
  std::string AddWorker(const std::string& name, const std::vector<std::string>& models,
                        const std::string& hardware_class = kClass);
  // Leases for `worker` with `ttl`; nullopt when none.
  std::optional<LeasedShard> Acquire(const std::string& worker,
                                     absl::Duration ttl = absl::Minutes(1));
  ShardRecord Shard(int64_t shard_id);
  // Ends the sweep as the shard queue would once its shards are done: every shard succeeded
  // (cancelled for a cancelled sweep) and the sweep in `state`, with finished_at.
  void EndSweep(int64_t sweep_id, const std::string& state = "succeeded");
  // Leases the next shard for `worker`, stores `results` rows scored `score` (streamed, TTFT
  // 0.1 s x (index + 1), TPOT 0.02 s, 3 completion tokens each) and a measurement of `joules`
  // by `method` with `wall_s`, PUE and grid intensity (0: none recorded).
  void RunShard(const std::string& worker, int results, double joules,
                joulebench::v1::EnergyMethod method, double score = 1, double wall_s = 0,
                double pue = 1, double intensity = 0);
  // Runs one SQL statement returning a single value, as text ("" for NULL).
  std::string Scalar(const std::string& sql);
};

}  // namespace jb::storage::testing
