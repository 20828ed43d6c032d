// Faults during a sweep, as real processes (cli/local_stack.h: a private PostgreSQL, a
// simulator, coordinators and workers, each a `joulebench` process): a worker killed with
// SIGKILL mid-shard, the coordinator killed and restarted, PostgreSQL restarted, the simulator
// failing 5 % of requests with 503 and 1 % with a mid-stream disconnect, and two coordinator
// replicas on one database. Every test ends with every planned sample row present exactly
// once, every shard succeeded and measured, and the exact counts of what the fault cost.
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/local_stack.h"
#include "common/process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pqxx/pqxx"
#include "tests/testing/status_matchers.h"
#include "worker/inference/http_fetch.h"

namespace jb {
namespace {

// 40 samples of sentiment-mini in shards of 5, two requests in flight: each request takes
// about 150 ms + 7 x 15 ms, so a shard runs for about a second.
constexpr int kSamples = 40;
constexpr int kShardSize = 5;

std::string SweepYaml(const std::string& name, int repeats) {
  return absl::StrCat("name: ", name, R"(
models: [{name: sim-small-1b, parameters: 1.1e9}]
tasks: [sentiment-mini]
hardware_classes: [sim]
sample_limit: )",
                      kSamples, "\nshard_size: ", kShardSize, "\nrepeats: ", repeats, R"(
concurrency: 2
idle_baseline_s: 0
generation: {max_tokens: 8, temperature: 0, seed: 3}
)");
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jb-fault-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // As root, PostgreSQL runs as the postgres user, which must be able to enter it.
    chmod(dir_.c_str(), 0755);
  }

  void TearDown() override {
    stack_.reset();
    std::filesystem::remove_all(dir_);
  }

  // One simulator with latency and `failures` (its failure_injection map), `workers` workers
  // spread over `coordinators` replicas; leases of 3 s, reaped every 0.5 s.
  void StartStack(int workers, const std::string& failures = "{}", int coordinators = 1) {
    const std::string profile = dir_ + "/profile.yaml";
    std::ofstream(profile) << "seed: 7\nhardware: {name: sim-fault, idle_w: 10, busy_w: 50}\n"
                           << "failure_injection: " << failures << "\n"
                           << "models:\n  - {name: sim-small-1b, parameters: 1.1e9, ttft_ms: "
                              "150, itl_ms: 15, jitter: 0, max_num_seqs: 64}\n";
    cli::LocalStackOptions options;
    options.binary = JB_BINARY;
    options.state_dir = dir_ + "/state";
    options.sims = {{.profile = profile, .hardware_class = "sim", .workers = workers}};
    options.lease_ttl = absl::Seconds(3);
    options.reaper_interval = absl::Milliseconds(500);
    options.coordinators = coordinators;
    auto stack = cli::LocalStack::Start(options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
  }

  // Submits the sweep (without waiting) and returns its id.
  int64_t Submit(const std::string& name, int repeats = 1) {
    const std::string path = dir_ + "/" + name + ".yaml";
    std::ofstream(path) << SweepYaml(name, repeats);
    std::string output;
    auto code = RunCommand(
        {.argv = {JB_BINARY, "submit", path, "--coordinator", stack_->coordinator_address()}},
        &output, absl::Minutes(1));
    EXPECT_TRUE(code.ok() && *code == 0) << output;
    return Count(absl::StrCat("SELECT id FROM sweeps WHERE name = '", name, "'"));
  }

  // Polls `done` every 100 ms for at most `timeout`.
  static bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return done();
  }

  // One value of `sql`; -1 when the database cannot be reached right now (e.g. restarting).
  int64_t Count(const std::string& sql) {
    try {
      pqxx::connection c(stack_->db_url());
      pqxx::work tx(c);
      pqxx::row row = tx.exec1(sql);
      return row[0].is_null() ? 0 : row[0].as<int64_t>();
    } catch (const std::exception&) {
      return -1;
    }
  }
  std::string Text(const std::string& sql) {
    pqxx::connection c(stack_->db_url());
    pqxx::work tx(c);
    return tx.exec1(sql)[0].as<std::string>();
  }

  int64_t ShardsIn(int64_t sweep, const std::string& state) {
    return Count(absl::StrCat("SELECT count(*) FROM shards WHERE sweep_id = ", sweep,
                              " AND state = '", state, "'"));
  }

  void WaitUntilFinished(int64_t sweep) {
    ASSERT_TRUE(WaitFor(
        [&] {
          return Count(absl::StrCat("SELECT count(*) FROM sweeps WHERE id = ", sweep,
                                    " AND state <> 'running'")) == 1;
        },
        absl::Seconds(120)))
        << "sweep " << sweep << " did not finish; logs in " << dir_ << "/state/logs";
  }

  // Every planned row is stored exactly once, every shard succeeded with one measurement.
  void ExpectEverySampleOnce(int64_t sweep, int repeats) {
    const std::string rows = absl::StrCat(
        "FROM sample_results r JOIN shards s ON s.id = r.shard_id WHERE s.sweep_id = ", sweep);
    const int64_t planned = int64_t{kSamples} * repeats;
    const int64_t shards = planned / kShardSize;
    EXPECT_EQ(Text(absl::StrCat("SELECT state FROM sweeps WHERE id = ", sweep)), "succeeded");
    EXPECT_EQ(Count(absl::StrCat("SELECT count(*) ", rows)), planned);
    EXPECT_EQ(Count(absl::StrCat(
                  "SELECT count(DISTINCT (r.shard_id, r.sample_index, r.repeat_index)) ", rows)),
              planned);
    EXPECT_EQ(Count(absl::StrCat("SELECT count(DISTINCT (s.sweep_repeat, r.sample_index)) ", rows)),
              planned)
        << "each sample of each sweep repeat in exactly one shard";
    EXPECT_EQ(Count(absl::StrCat("SELECT count(*) ", rows, " AND r.error <> ''")), 0);
    EXPECT_EQ(ShardsIn(sweep, "succeeded"), shards);
    EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM shard_measurements m JOIN shards s ON "
                                 "s.id = m.shard_id WHERE s.sweep_id = ",
                                 sweep)),
              shards);
  }

  std::string dir_;
  std::unique_ptr<cli::LocalStack> stack_;
};

TEST_F(FaultTest, AWorkerKilledMidShardLosesItsLeaseAndAnotherFinishesTheShard) {
  StartStack(/*workers=*/2);
  const int64_t sweep = Submit("kill-worker");
  const std::string victim = Text("SELECT id FROM workers WHERE name = 'local-worker-1'");
  // Wait until the victim holds a lease, let it work on it, then kill it.
  const std::string held =
      absl::StrCat("SELECT coalesce(min(id), 0) FROM shards WHERE sweep_id = ", sweep,
                   " AND state = 'leased' AND lease_owner = '", victim, "'");
  ASSERT_TRUE(WaitFor([&] { return Count(held) > 0; }, absl::Seconds(30)));
  const int64_t shard = Count(held);
  absl::SleepFor(absl::Milliseconds(400));
  stack_->worker(0).Signal(SIGKILL);
  WaitUntilFinished(sweep);

  ExpectEverySampleOnce(sweep, 1);
  // The killed shard: leased twice, its first lease expired and was reaped; every other shard
  // ran once.
  EXPECT_EQ(Count(absl::StrCat("SELECT attempts FROM shards WHERE id = ", shard)), 2);
  EXPECT_EQ(Count(absl::StrCat("SELECT lease_epoch FROM shards WHERE id = ", shard)), 2);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM shards WHERE sweep_id = ", sweep,
                               " AND attempts <> 1")),
            1);
  EXPECT_NE(Text(absl::StrCat("SELECT lease_owner FROM shards WHERE id = ", shard)), victim);
  EXPECT_EQ(Count("SELECT count(*) FROM workers WHERE name = 'local-worker-1' AND state = 'lost'"),
            1);
}

TEST_F(FaultTest, TheCoordinatorKilledAndRestartedMidSweepLosesNothing) {
  StartStack(/*workers=*/2);
  const int64_t sweep = Submit("kill-coordinator");
  ASSERT_TRUE(WaitFor([&] { return ShardsIn(sweep, "succeeded") >= 2; }, absl::Seconds(30)));
  ASSERT_GT(ShardsIn(sweep, "pending"), 0) << "the sweep ended before the fault";
  ASSERT_OK(stack_->RestartCoordinator(/*kill=*/true));
  WaitUntilFinished(sweep);

  ExpectEverySampleOnce(sweep, 1);
  // Workers kept their leases through the outage (it is shorter than a lease), or got their
  // shard again after it expired: at most the two shards in flight ran twice.
  EXPECT_LE(Count(absl::StrCat("SELECT count(*) FROM shards WHERE sweep_id = ", sweep,
                               " AND attempts > 1")),
            2);
}

TEST_F(FaultTest, PostgresRestartedMidSweepLosesNothing) {
  StartStack(/*workers=*/2);
  const int64_t sweep = Submit("restart-postgres");
  ASSERT_TRUE(WaitFor([&] { return ShardsIn(sweep, "succeeded") >= 2; }, absl::Seconds(30)));
  ASSERT_GT(ShardsIn(sweep, "pending"), 0) << "the sweep ended before the fault";
  ASSERT_OK(stack_->postgres().Restart());
  WaitUntilFinished(sweep);

  ExpectEverySampleOnce(sweep, 1);
  EXPECT_LE(Count(absl::StrCat("SELECT count(*) FROM shards WHERE sweep_id = ", sweep,
                               " AND attempts > 1")),
            2);
}

// 5 % of requests answered 503 and 1 % cut mid-stream: the client retries each, so every row
// is stored without error, and the simulator saw exactly one extra request per failure.
TEST_F(FaultTest, InjectedServerFailuresAreRetriedAndEveryRowStoredOnce) {
  StartStack(/*workers=*/2, "{rate_503: 0.05, rate_disconnect: 0.01, retry_after_s: 0}");
  const int64_t sweep = Submit("injected-failures", /*repeats=*/3);
  WaitUntilFinished(sweep);
  ExpectEverySampleOnce(sweep, 3);

  ASSERT_OK_AND_ASSIGN(std::string records,
                       worker::HttpGetUrl(absl::StrCat(stack_->sim_url(0), "/sim/requests")));
  int served = 0;
  int injected_503 = 0;
  int injected_disconnect = 0;
  const nlohmann::json parsed = nlohmann::json::parse(records);
  for (const nlohmann::json& r : parsed["requests"]) {
    const nlohmann::json& failure = r["injected_failure"];
    if (failure.is_null()) {
      ++served;
    } else if (failure == "503") {
      ++injected_503;
    } else if (failure == "disconnect") {
      ++injected_disconnect;
    } else {
      ADD_FAILURE() << "unexpected failure kind " << failure;
    }
  }
  EXPECT_EQ(served, 3 * kSamples) << "each sample answered once";
  EXPECT_GT(injected_503, 0) << "with 120 requests at 5 %, some 503 are expected";
  // Each failure was retried: the shards' attempts stayed at one, and nothing else asked.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM shards WHERE sweep_id = ", sweep,
                               " AND attempts <> 1")),
            0);
  std::cout << "injected: " << injected_503 << " x 503, " << injected_disconnect
            << " x disconnect\n";
}

TEST_F(FaultTest, TwoCoordinatorReplicasOnOneDatabaseServeEachSampleOnce) {
  StartStack(/*workers=*/2, "{}", /*coordinators=*/2);
  const int64_t sweep = Submit("two-replicas", /*repeats=*/2);
  WaitUntilFinished(sweep);
  ExpectEverySampleOnce(sweep, 2);
  // Both workers, each talking to its own replica, ran shards.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(DISTINCT lease_owner) FROM shards WHERE sweep_id = ",
                               sweep)),
            2);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM shards WHERE sweep_id = ", sweep,
                               " AND attempts <> 1")),
            0);
}

}  // namespace
}  // namespace jb
