// The thin slice end to end, as real processes (sweep_e2e_fixture.h: a private PostgreSQL,
// simulators, a coordinator and workers), and `joulebench submit --wait` as a user runs it.
// Asserts that every planned sample landed exactly once with a score, that every shard has a
// measurement, and that the accuracy is exactly what the simulator's oracle decided.
#include <optional>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "sim/oracle.h"
#include "sim/profile.h"
#include "tasks/prompt.h"
#include "tasks/suite.h"
#include "tests/integration/sweep_e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace jb {
namespace {

constexpr char kSweep[] = R"yaml(name: e2e
models:
  - {name: sim-small-1b, parameters: 1.1e9}
  - {name: sim-large-70b, parameters: 7.0e10}
tasks: [sentiment-mini, arith-mini]
hardware_classes: [sim]
shard_size: 7
concurrency: 3
idle_baseline_s: 0.2
generation: {temperature: 0, seed: 7}
)yaml";

TEST_F(SweepEndToEndTest, EverySampleLandsExactlyOnceWithScoreAndEveryShardIsMeasured) {
  ASSERT_NE(stack_, nullptr);
  std::string sweep = WriteFile("e2e.yaml", kSweep);
  std::string output;
  ASSERT_EQ(Joulebench({"submit", sweep, "--wait", "--poll-interval", "0.3", "--coordinator",
                        stack_->coordinator_address()},
                       &output),
            0)
      << output;

  // Two suites: sentiment-mini (zero-shot, chat) and arith-mini (two-shot, completions).
  ASSERT_OK_AND_ASSIGN(tasks::Suite sentiment, tasks::FindBuiltinSuite("sentiment-mini"));
  ASSERT_OK_AND_ASSIGN(tasks::Suite arith, tasks::FindBuiltinSuite("arith-mini"));
  const std::vector<tasks::Suite> suites = {sentiment, arith};
  const int64_t n = static_cast<int64_t>(sentiment.samples.size() + arith.samples.size());
  const int64_t shards_per_model =
      static_cast<int64_t>((sentiment.samples.size() + 6) / 7 + (arith.samples.size() + 6) / 7);

  // Every query below reads this sweep's rows only, so other tests' sweeps do not count.
  const int64_t id = SweepId("e2e");
  const std::string shards = absl::StrCat("(SELECT * FROM shards WHERE sweep_id = ", id, ")");
  const std::string results = absl::StrCat(
      "(SELECT r.* FROM sample_results r JOIN shards s ON s.id = r.shard_id WHERE s.sweep_id = ",
      id, ")");
  const std::string measurements = absl::StrCat(
      "(SELECT m.* FROM shard_measurements m JOIN shards s ON s.id = m.shard_id "
      "WHERE s.sweep_id = ",
      id, ")");
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM ", shards, " s")), 2 * shards_per_model);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM ", shards, " s WHERE state = 'succeeded'")),
            2 * shards_per_model);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM ", results, " r")), 2 * n);
  // Exactly once per (model, sample): no sample is missing and none is counted twice.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM (SELECT s.model, s.task, r.sample_index FROM ",
                               results,
                               " r JOIN shards s ON s.id = r.shard_id GROUP BY 1, 2, 3 "
                               "HAVING count(*) = 1) x")),
            2 * n);
  // Each shard's results cover exactly its range.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM ", shards,
                               " s WHERE (SELECT count(*) FROM sample_results r "
                               "WHERE r.shard_id = s.id AND r.sample_index >= s.sample_begin AND "
                               "r.sample_index < s.sample_end) <> s.sample_end - s.sample_begin")),
            0);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM ", results, " r WHERE error <> ''")), 0);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM ", results, " r WHERE score NOT IN (0, 1)")),
            0);
  // Every shard has its measurement, read from the simulator's counter and labelled simulated.
  // Both workers share one simulator here, so windows overlap: only presence is asserted.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM ", measurements, " m")), 2 * shards_per_model);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM ", measurements,
                               " m WHERE method = 'prometheus-counter' AND simulated AND "
                               "total_energy_j > 0")),
            2 * shards_per_model);

  // Accuracy is exactly the oracle's: the simulator answers deterministically per prompt.
  ASSERT_OK_AND_ASSIGN(sim::Profile profile, sim::DefaultProfile());
  sim::Oracle oracle(profile, {});
  for (const std::string model : {"sim-small-1b", "sim-large-70b"}) {
    for (const tasks::Suite& suite : suites) {
      int64_t expected = 0;
      for (const auto& sample : suite.samples) {
        ASSERT_OK_AND_ASSIGN(std::string prompt, tasks::BuildPrompt(suite.task, sample));
        sim::OracleAnswer answer = oracle.Answer(model, prompt);
        ASSERT_TRUE(answer.known) << suite.task.name() << " sample " << sample.index();
        expected += answer.correct ? 1 : 0;
      }
      EXPECT_EQ(Count(absl::StrCat("SELECT COALESCE(sum(score), 0)::bigint FROM ", results,
                                   " r JOIN shards s ON s.id = r.shard_id WHERE s.model = '", model,
                                   "' AND s.task = '", suite.task.name(), "'")),
                expected)
          << model << " on " << suite.task.name();
    }
  }
  // Every prompt the workers sent was one the simulator knows: none got its generic reply.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM ", results,
                               " r WHERE prediction LIKE "
                               "'This is a simulated reply from joulebench-sim%'")),
            0);
}

// multiple_choice end to end: one echo/logprobs request per choice, the likeliest choice
// predicted, and the score exactly what the simulator's oracle drew for each sample.
TEST_F(SweepEndToEndTest, MultipleChoiceIsScoredByLogLikelihoodExactlyAsTheOracleDrew) {
  ASSERT_NE(stack_, nullptr);
  const std::string sweep = WriteFile("mc.yaml", R"yaml(name: mc
models: [sim-small-1b, sim-large-70b]
tasks: [./mc-colours]
hardware_classes: [sim]
shard_size: 5
concurrency: 4
idle_baseline_s: 0
)yaml");
  std::string output;
  ASSERT_EQ(Joulebench({"submit", sweep, "--wait", "--poll-interval", "0.3", "--coordinator",
                        stack_->coordinator_address()},
                       &output),
            0)
      << output;

  ASSERT_OK_AND_ASSIGN(tasks::Suite suite, tasks::LoadSuiteDir(dir_ + "/mc-colours"));
  ASSERT_OK_AND_ASSIGN(sim::Profile profile, sim::DefaultProfile());
  sim::Oracle oracle(profile, {suite});
  const std::string where =
      "FROM sample_results r JOIN shards s ON s.id = r.shard_id "
      "WHERE s.task = 'mc-colours'";
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) ", where)), 2 * 12);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) ", where, " AND r.error <> ''")), 0);
  // One generated token per choice request, four choices.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) ", where, " AND r.completion_tokens <> 4")), 0);
  for (const std::string model : {"sim-small-1b", "sim-large-70b"}) {
    int64_t expected = 0;
    for (const auto& sample : suite.samples) {
      ASSERT_OK_AND_ASSIGN(std::string context, tasks::BuildPrompt(suite.task, sample));
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> continuations,
                           tasks::ChoiceContinuations(suite.task, sample));
      std::optional<sim::ChoiceOutcome> outcome;
      oracle.ScorePrompt(model, context + continuations[0], &outcome);
      ASSERT_TRUE(outcome.has_value()) << "sample " << sample.index();
      expected += outcome->winner == outcome->gold ? 1 : 0;
    }
    EXPECT_EQ(Count(absl::StrCat("SELECT COALESCE(sum(score), 0)::bigint ", where,
                                 " AND s.model = '", model, "'")),
              expected)
        << model;
  }
  // The prediction is always one of the sample's choices, and right exactly when scored 1.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) ", where,
                               " AND (r.prediction = r.target) <> (r.score = 1)")),
            0);
}

TEST_F(SweepEndToEndTest, BadSweepFilesExitTwoNamingTheProblemAndWriteNothing) {
  ASSERT_NE(stack_, nullptr);
  const int64_t sweeps_before = Count("SELECT count(*) FROM sweeps");
  const int64_t shards_before = Count("SELECT count(*) FROM shards");
  struct Case {
    std::string name;
    std::string contents;  // empty: the file is not created
    std::vector<std::string> expected;
  } cases[] = {
      {"missing.yaml", "", {"missing.yaml", "cannot be read"}},
      {"not-yaml.yaml", "name: x\nmodels: [a\n", {"not-yaml.yaml:", "not valid YAML"}},
      {"unknown-field.yaml",
       "name: x\nmodels: [sim-small-1b]\ntasks: [sentiment-mini]\nhardware_classes: [sim]\n"
       "concurency: 4\n",
       {"unknown-field.yaml:5", "concurency", "unknown field"}},
      {"unknown-task.yaml",
       "name: x\nmodels: [sim-small-1b]\ntasks:\n  - sentiment-mini\n  - no-such-task\n"
       "hardware_classes: [sim]\n",
       {"unknown-task.yaml:5", "tasks[1]", "unknown task 'no-such-task'"}},
      {"unknown-model.yaml",
       "name: x\nmodels:\n  - sim-small-1b\n  - gpt-nonexistent\ntasks: [sentiment-mini]\n"
       "hardware_classes: [sim]\n",
       {"unknown-model.yaml:4", "models[1]", "unknown model 'gpt-nonexistent'"}},
  };
  for (const Case& c : cases) {
    std::string path = dir_ + "/" + c.name;
    if (!c.contents.empty()) WriteFile(c.name, c.contents);
    std::string output;
    EXPECT_EQ(Joulebench({"submit", path, "--coordinator", stack_->coordinator_address()}, &output),
              2)
        << c.name << ": " << output;
    for (const std::string& want : c.expected) {
      EXPECT_NE(output.find(want), std::string::npos) << c.name << ": '" << want << "' not in\n"
                                                      << output;
    }
  }
  EXPECT_EQ(Count("SELECT count(*) FROM sweeps"), sweeps_before);
  EXPECT_EQ(Count("SELECT count(*) FROM shards"), shards_before);
}

}  // namespace
}  // namespace jb
