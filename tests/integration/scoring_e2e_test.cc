// Scoring through the whole stack (sweep_e2e_fixture.h): built-in suites of each scoring kind
// run by real workers against the simulator, every stored row checked against the oracle's
// draw, and each cell's score and interval checked as the report queries compute them.
//   code-generation  sampled repeats (pass@k), each reply run in the worker's code sandbox;
//   science-mc       multiple_choice on a chat-only server (generative fallback) and on one
//                    with completions logprobs (log-likelihood);
//   summarisation, extractive-qa
//                    greedy generations scored by a graded (rougeL) and a 0/1 (exact) metric,
//                    with Wilson's interval, and the bootstrap when the sweep repeats a cell.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "sim/oracle.h"
#include "sim/profile.h"
#include "storage/report_queries.h"
#include "tasks/aggregate.h"
#include "tasks/confidence.h"
#include "tasks/metrics/pass_at_k.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"
#include "tasks/suite.h"
#include "tests/integration/sweep_e2e_fixture.h"
#include "tests/testing/status_matchers.h"
#include "worker/sample_requests.h"

namespace jb {
namespace {

constexpr char kModel[] = "sim-small-1b";

// One stored sample_results row, with one metric of its metrics map.
struct StoredRow {
  uint32_t sample_index = 0;
  uint32_t repeat_index = 0;
  double score = 0;
  std::optional<double> metric;
  std::string answer_method;
  std::string prediction;
  std::string error;
};

// The rows of one cell, in (sample, repeat) order.
std::vector<StoredRow> CellRows(const std::string& db_url, int64_t sweep_id,
                                const std::string& task, const std::string& hardware_class,
                                const std::string& metric) {
  pqxx::connection c(db_url);
  pqxx::work tx(c);
  std::vector<StoredRow> rows;
  for (const auto& r :
       tx.exec_params("SELECT r.sample_index, r.repeat_index, r.score, (r.metrics->>$5)::float8, "
                      "r.answer_method, r.prediction, r.error FROM sample_results r JOIN shards s "
                      "ON s.id = r.shard_id WHERE s.sweep_id = $1 AND s.model = $2 AND s.task = $3 "
                      "AND s.hardware_class = $4 ORDER BY 1, 2",
                      sweep_id, kModel, task, hardware_class, metric)) {
    StoredRow row;
    row.sample_index = r[0].as<uint32_t>();
    row.repeat_index = r[1].as<uint32_t>();
    row.score = r[2].as<double>();
    if (!r[3].is_null()) row.metric = r[3].as<double>();
    row.answer_method = r[4].as<std::string>();
    row.prediction = r[5].as<std::string>();
    row.error = r[6].as<std::string>();
    rows.push_back(std::move(row));
  }
  return rows;
}

// The summary of every cell of `sweep_id` (storage::SummarizeSweep).
std::vector<storage::CellSummary> Summaries(const std::string& db_url, int64_t sweep_id) {
  pqxx::connection c(db_url);
  pqxx::work tx(c);
  absl::StatusOr<std::vector<storage::CellSummary>> cells = storage::SummarizeSweep(tx, sweep_id);
  EXPECT_TRUE(cells.ok()) << cells.status();
  return cells.ok() ? *cells : std::vector<storage::CellSummary>{};
}

const storage::CellSummary* FindCell(const std::vector<storage::CellSummary>& cells,
                                     const std::string& task, const std::string& hardware_class) {
  for (const storage::CellSummary& cell : cells) {
    if (cell.model == kModel && cell.task == task && cell.hardware_class == hardware_class) {
      return &cell;
    }
  }
  return nullptr;
}

double Skill(const sim::Profile& profile, const std::string& task) {
  const sim::ModelProfile* model = profile.FindModel(kModel);
  return model == nullptr ? 0 : model->Skill(task);
}

// code-generation: 10 sampled repeats per sample, each with its own request seed, so the
// simulator draws each repeat apart; the worker runs every reply with the sample's tests in the
// real sandbox. A repeat passes exactly when its draw said correct (the canonical solution),
// and the cell's pass@1 and pass@10 are Chen's estimator over those counts.
TEST_F(SweepEndToEndTest, CodeGenerationPassesInTheSandboxExactlyWhenTheSampledDrawSaysCorrect) {
  ASSERT_NE(stack_, nullptr);
  constexpr uint32_t kSamples = 8;
  constexpr int64_t kSeed = 11;
  std::string output;
  ASSERT_EQ(SubmitAndWait("code",
                          absl::StrCat("name: code\nmodels: [sim-small-1b]\n"
                                       "tasks: [code-generation]\nhardware_classes: [sim]\n"
                                       "sample_limit: ",
                                       kSamples,
                                       "\nshard_size: 2\nconcurrency: 5\n"
                                       "idle_baseline_s: 0\ngeneration: {seed: ",
                                       kSeed, "}\n"),
                          &output),
            0)
      << output;

  ASSERT_OK_AND_ASSIGN(tasks::Suite suite, tasks::FindBuiltinSuite("code-generation"));
  const uint32_t repeats = suite.task.repeats();
  ASSERT_EQ(repeats, 10u);
  ASSERT_GT(suite.task.generation().temperature(), 0);
  ASSERT_GE(suite.samples.size(), kSamples);
  ASSERT_OK_AND_ASSIGN(sim::Profile profile, sim::DefaultProfile());
  const double skill = Skill(profile, "code-generation");
  ASSERT_GT(skill, 0);
  ASSERT_LT(skill, 1);

  const int64_t sweep = SweepId("code");
  const std::vector<StoredRow> rows =
      CellRows(stack_->db_url(), sweep, "code-generation", "sim", "create_test/pass_at_k");
  ASSERT_EQ(rows.size(), kSamples * repeats);
  std::vector<int64_t> passed(kSamples, 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    const StoredRow& row = rows[i];
    // Ordered by (sample, repeat) and exactly samples x repeats rows: each pair exactly once.
    ASSERT_EQ(row.sample_index, i / repeats);
    ASSERT_EQ(row.repeat_index, i % repeats);
    EXPECT_EQ(row.error, "") << "sample " << row.sample_index << " repeat " << row.repeat_index;
    EXPECT_EQ(row.answer_method, "generate");
    const joulebench::v1::Sample& sample = suite.samples[row.sample_index];
    ASSERT_EQ(sample.index(), row.sample_index);
    ASSERT_OK_AND_ASSIGN(std::string prompt, tasks::BuildPrompt(suite.task, sample));
    const int64_t request_seed = worker::RequestSeed(kSeed, sample.index(), row.repeat_index);
    const bool drawn = sim::Oracle::Draw(profile.seed, kModel, prompt, request_seed) < skill;
    ASSERT_TRUE(row.metric.has_value()) << "sample " << row.sample_index;
    EXPECT_EQ(*row.metric, drawn ? 1.0 : 0.0) << "sample " << row.sample_index << " repeat "
                                              << row.repeat_index << ": " << row.prediction;
    EXPECT_EQ(row.score, *row.metric);
    passed[row.sample_index] += drawn ? 1 : 0;
  }
  // The draws must vary, within samples too, or pass@1 and pass@10 would not be told apart.
  const int64_t mixed = std::count_if(passed.begin(), passed.end(), [&](int64_t c) {
    return c > 0 && c < static_cast<int64_t>(repeats);
  });
  ASSERT_GT(mixed, 0);

  double pass1 = 0, pass10 = 0;
  for (int64_t c : passed) {
    pass1 += static_cast<double>(c) / repeats;
    pass10 += *tasks::metrics::PassAtK(repeats, c, 10);
  }
  pass1 /= kSamples;
  pass10 /= kSamples;
  pqxx::connection c(stack_->db_url());
  pqxx::work tx(c);
  ASSERT_OK_AND_ASSIGN(tasks::TaskScores scores,
                       storage::ScoreCell(tx, sweep, kModel, "code-generation", "sim"));
  EXPECT_EQ(scores.rows, kSamples * repeats);
  EXPECT_EQ(scores.failed_rows, 0u);
  EXPECT_EQ(scores.samples, kSamples);
  ASSERT_EQ(scores.metrics.size(), 2u);
  EXPECT_EQ(scores.metrics[0].name, "create_test/pass@1");
  EXPECT_NEAR(scores.metrics[0].value, pass1, 1e-12);
  EXPECT_EQ(scores.metrics[0].samples, kSamples);
  EXPECT_EQ(scores.metrics[0].ci.method, "bootstrap");
  EXPECT_EQ(scores.metrics[1].name, "create_test/pass@10");
  EXPECT_DOUBLE_EQ(scores.metrics[1].value, pass10);
  EXPECT_NE(pass1, pass10);
}

// science-mc on both servers in one sweep: the chat-only one ("sim-chat") answers the worker's
// completions probe with 404, so its worker uses the generative fallback; the other uses
// log-likelihoods. The oracle answers both methods right on the same samples: those whose
// draw over the plain prompt is below the skill.
TEST_F(SweepEndToEndTest, MultipleChoiceOnAChatOnlyServerFallsBackAndGetsTheSameSamplesRight) {
  ASSERT_NE(stack_, nullptr);
  constexpr uint32_t kSamples = 30;
  std::string output;
  ASSERT_EQ(SubmitAndWait("mc-chat", R"yaml(name: mc-chat
models: [sim-small-1b]
tasks: [science-mc]
hardware_classes: [sim, sim-chat]
sample_limit: 30
shard_size: 10
concurrency: 4
idle_baseline_s: 0
)yaml",
                          &output),
            0)
      << output;

  ASSERT_OK_AND_ASSIGN(tasks::Suite suite, tasks::FindBuiltinSuite("science-mc"));
  ASSERT_GE(suite.samples.size(), kSamples);
  ASSERT_OK_AND_ASSIGN(sim::Profile profile, sim::DefaultProfile());
  const double skill = Skill(profile, "science-mc");
  std::vector<bool> drawn(kSamples);
  int64_t expected = 0;
  for (uint32_t i = 0; i < kSamples; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string prompt, tasks::BuildPrompt(suite.task, suite.samples[i]));
    drawn[i] = sim::Oracle::Draw(profile.seed, kModel, prompt) < skill;
    expected += drawn[i] ? 1 : 0;
  }
  ASSERT_GT(expected, 0);
  ASSERT_LT(expected, kSamples);

  const int64_t sweep = SweepId("mc-chat");
  const std::vector<storage::CellSummary> cells = Summaries(stack_->db_url(), sweep);
  EXPECT_EQ(cells.size(), 2u);
  for (const auto& [hardware_class, method] :
       {std::pair<std::string, std::string>{"sim-chat", "generative-fallback"},
        std::pair<std::string, std::string>{"sim", "loglikelihood"}}) {
    SCOPED_TRACE(hardware_class);
    const std::vector<StoredRow> rows =
        CellRows(stack_->db_url(), sweep, "science-mc", hardware_class, "none/acc");
    ASSERT_EQ(rows.size(), kSamples);
    int64_t correct = 0;
    for (uint32_t i = 0; i < kSamples; ++i) {
      const StoredRow& row = rows[i];
      ASSERT_EQ(row.sample_index, i);
      EXPECT_EQ(row.error, "") << "sample " << i;
      EXPECT_EQ(row.answer_method, method) << "sample " << i;
      ASSERT_TRUE(row.metric.has_value()) << "sample " << i;
      EXPECT_EQ(*row.metric, drawn[i] ? 1.0 : 0.0) << "sample " << i << ": " << row.prediction;
      correct += *row.metric == 1.0 ? 1 : 0;
    }
    EXPECT_EQ(correct, expected);
    const storage::CellSummary* cell = FindCell(cells, "science-mc", hardware_class);
    ASSERT_NE(cell, nullptr);
    EXPECT_EQ(cell->answer_methods, method);
    EXPECT_EQ(cell->samples, kSamples);
    EXPECT_EQ(cell->errors, 0);
    EXPECT_EQ(cell->score_metric, "none/acc");
    EXPECT_DOUBLE_EQ(cell->score, static_cast<double>(expected) / kSamples);
    EXPECT_EQ(cell->score_ci.method, "wilson");
  }
}

// The primary score each of the first `n` samples of `suite` must get from a greedy request:
// the task's own score of the oracle's reply, which is exactly 1 when the draw says correct and
// below 1 otherwise (checked here).
void ExpectedGreedyScores(const sim::Profile& profile, const sim::Oracle& oracle,
                          const tasks::Suite& suite, uint32_t n, std::vector<double>* expected) {
  const double skill = Skill(profile, suite.task.name());
  for (uint32_t i = 0; i < n; ++i) {
    const joulebench::v1::Sample& sample = suite.samples[i];
    ASSERT_EQ(sample.index(), i);
    ASSERT_OK_AND_ASSIGN(std::string prompt, tasks::BuildPrompt(suite.task, sample));
    const bool drawn = sim::Oracle::Draw(profile.seed, kModel, prompt) < skill;
    const sim::OracleAnswer answer = oracle.Answer(kModel, prompt);
    ASSERT_TRUE(answer.known) << "sample " << i;
    ASSERT_EQ(answer.correct, drawn) << "sample " << i;
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> targets,
                         tasks::RenderTargets(suite.task, sample));
    ASSERT_OK_AND_ASSIGN(std::vector<tasks::Score> scored,
                         tasks::ScoreGenerations(suite.task, sample, targets, {answer.text}, {}));
    ASSERT_EQ(scored.size(), 1u);
    if (drawn) {
      ASSERT_EQ(scored[0].score, 1.0) << "sample " << i << ": " << answer.text;
    } else {
      ASSERT_LT(scored[0].score, 1.0) << "sample " << i << ": " << answer.text;
    }
    expected->push_back(scored[0].score);
  }
}

// Greedy generate_until suites with a graded primary metric (summarisation: rougeL) and a 0/1
// one (extractive-qa: exact): each stored score is the task's own score of the oracle's reply,
// exactly 1 for the samples drawn correct and below 1 for the others. One row per sample valued
// 0 or 1 (the oracle's wrong replies score 0 on both) is a proportion: the cell's score is the
// mean with Wilson's interval.
TEST_F(SweepEndToEndTest, GeneratedAnswersScoreOneExactlyWhenDrawnAndProportionsGetWilson) {
  ASSERT_NE(stack_, nullptr);
  constexpr uint32_t kSamples = 12;
  std::string output;
  ASSERT_EQ(SubmitAndWait("graded", R"yaml(name: graded
models: [sim-small-1b]
tasks: [summarisation, extractive-qa]
hardware_classes: [sim]
sample_limit: 12
shard_size: 6
concurrency: 4
idle_baseline_s: 0
)yaml",
                          &output),
            0)
      << output;

  ASSERT_OK_AND_ASSIGN(sim::Profile profile, sim::DefaultProfile());
  const sim::Oracle oracle(profile, {});
  const int64_t sweep = SweepId("graded");
  const std::vector<storage::CellSummary> cells = Summaries(stack_->db_url(), sweep);
  EXPECT_EQ(cells.size(), 2u);
  for (const auto& [task, metric] :
       {std::pair<std::string, std::string>{"summarisation", "none/rougeL"},
        std::pair<std::string, std::string>{"extractive-qa", "none/exact"}}) {
    SCOPED_TRACE(task);
    ASSERT_OK_AND_ASSIGN(tasks::Suite suite, tasks::FindBuiltinSuite(task));
    std::vector<double> expected;
    ASSERT_NO_FATAL_FAILURE(ExpectedGreedyScores(profile, oracle, suite, kSamples, &expected));
    const int64_t correct = std::count(expected.begin(), expected.end(), 1.0);
    ASSERT_GT(correct, 0);
    ASSERT_LT(correct, kSamples);
    // The wrong replies score exactly 0, so these cells are proportions.
    ASSERT_EQ(std::count(expected.begin(), expected.end(), 0.0), kSamples - correct);

    const std::vector<StoredRow> rows = CellRows(stack_->db_url(), sweep, task, "sim", metric);
    ASSERT_EQ(rows.size(), kSamples);
    for (uint32_t i = 0; i < kSamples; ++i) {
      const StoredRow& row = rows[i];
      ASSERT_EQ(row.sample_index, i);
      EXPECT_EQ(row.error, "") << "sample " << i;
      EXPECT_EQ(row.answer_method, "generate");
      ASSERT_TRUE(row.metric.has_value()) << "sample " << i;
      EXPECT_EQ(*row.metric, expected[i]) << "sample " << i << ": " << row.prediction;
      EXPECT_EQ(row.score, expected[i]) << "sample " << i;
    }
    const storage::CellSummary* cell = FindCell(cells, task, "sim");
    ASSERT_NE(cell, nullptr);
    EXPECT_EQ(cell->samples, kSamples);
    EXPECT_EQ(cell->errors, 0);
    EXPECT_EQ(cell->answer_methods, "generate");
    EXPECT_EQ(cell->score_metric, metric);
    EXPECT_DOUBLE_EQ(cell->score, static_cast<double>(correct) / kSamples);
    EXPECT_EQ(cell->score_ci.method, "wilson");
    const tasks::Interval wilson = tasks::WilsonInterval(correct, kSamples);
    EXPECT_DOUBLE_EQ(cell->score_ci.low, wilson.low);
    EXPECT_DOUBLE_EQ(cell->score_ci.high, wilson.high);
  }
}

// The same graded cell run twice by the sweep (repeats: 2): both runs land, each sample counts
// once in the cell's score (the mean over samples of each one's mean), and with two rows per
// sample the score is no proportion, so its interval is the bootstrap over samples.
TEST_F(SweepEndToEndTest, SweepRepeatsCountEachSampleOnceWithABootstrapInterval) {
  ASSERT_NE(stack_, nullptr);
  constexpr uint32_t kSamples = 12;
  std::string output;
  ASSERT_EQ(SubmitAndWait("graded-repeats", R"yaml(name: graded-repeats
models: [sim-small-1b]
tasks: [summarisation]
hardware_classes: [sim]
repeats: 2
sample_limit: 12
shard_size: 6
concurrency: 4
idle_baseline_s: 0
)yaml",
                          &output),
            0)
      << output;

  ASSERT_OK_AND_ASSIGN(sim::Profile profile, sim::DefaultProfile());
  const sim::Oracle oracle(profile, {});
  ASSERT_OK_AND_ASSIGN(tasks::Suite suite, tasks::FindBuiltinSuite("summarisation"));
  std::vector<double> expected;
  ASSERT_NO_FATAL_FAILURE(ExpectedGreedyScores(profile, oracle, suite, kSamples, &expected));
  double sum = 0;
  for (double score : expected) sum += score;

  const int64_t sweep = SweepId("graded-repeats");
  const std::vector<StoredRow> rows =
      CellRows(stack_->db_url(), sweep, "summarisation", "sim", "none/rougeL");
  ASSERT_EQ(rows.size(), 2 * kSamples);
  for (size_t i = 0; i < rows.size(); ++i) {
    // Ordered by sample: each sample exactly twice, greedy, so both rows score the same.
    ASSERT_EQ(rows[i].sample_index, i / 2);
    EXPECT_EQ(rows[i].error, "");
    EXPECT_EQ(rows[i].score, expected[i / 2]) << "sample " << i / 2;
  }
  const std::vector<storage::CellSummary> cells = Summaries(stack_->db_url(), sweep);
  ASSERT_EQ(cells.size(), 1u);
  const storage::CellSummary& cell = cells[0];
  EXPECT_EQ(cell.samples, 2 * kSamples);
  EXPECT_EQ(cell.errors, 0);
  EXPECT_EQ(cell.score_metric, "none/rougeL");
  EXPECT_DOUBLE_EQ(cell.score, sum / kSamples);
  EXPECT_EQ(cell.score_ci.method, "bootstrap");
  // Correct and wrong samples both resampled: a proper interval around the score.
  EXPECT_LT(cell.score_ci.low, cell.score);
  EXPECT_GT(cell.score_ci.high, cell.score);
  EXPECT_GE(cell.score_ci.low, 0);
  EXPECT_LE(cell.score_ci.high, 1);
}

}  // namespace
}  // namespace jb
