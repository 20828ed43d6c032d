#include "tasks/aggregate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/metrics/bleu.h"

namespace jb::tasks {
namespace {

using joulebench::v1::TaskDefinition;

TaskDefinition Task(std::vector<std::string> metrics, std::vector<std::string> pipelines = {}) {
  TaskDefinition task;
  task.set_output_type(joulebench::v1::OUTPUT_TYPE_GENERATE_UNTIL);
  for (const std::string& p : pipelines) task.add_filters()->set_name(p);
  for (const std::string& m : metrics) {
    auto* spec = task.add_metrics();
    spec->set_metric(m);
    spec->set_higher_is_better(true);
  }
  return task;
}

ScoredRow Row(uint32_t sample, std::map<std::string, double> metrics) {
  ScoredRow row;
  row.sample_index = sample;
  row.metrics = std::move(metrics);
  return row;
}

const MetricEstimate* Find(const TaskScores& scores, const std::string& name) {
  for (const MetricEstimate& m : scores.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

TEST(AggregateTaskTest, OneZeroOneRowPerSampleIsAProportionWithWilson) {
  std::vector<ScoredRow> rows;
  for (uint32_t i = 0; i < 10; ++i) rows.push_back(Row(i, {{"none/exact_match", i < 8 ? 1 : 0}}));
  TaskScores scores = AggregateTask(Task({"exact_match"}), rows);
  ASSERT_EQ(scores.metrics.size(), 1u);
  const MetricEstimate& m = scores.metrics[0];
  EXPECT_EQ(m.name, "none/exact_match");
  EXPECT_DOUBLE_EQ(m.value, 0.8);
  EXPECT_EQ(m.samples, 10u);
  EXPECT_EQ(m.ci.method, "wilson");
  EXPECT_NEAR(m.ci.low, 0.49016247153664183, 1e-12);
  EXPECT_NEAR(m.ci.high, 0.9433178485456247, 1e-12);
  EXPECT_EQ(scores.rows, 10u);
  EXPECT_EQ(scores.samples, 10u);
}

TEST(AggregateTaskTest, RepeatsAverageWithinASampleAndUseTheBootstrap) {
  // Sample 0: 1 and 0 (mean 0.5); sample 1: 1 and 1; sample 2: 0 and 0.
  std::vector<ScoredRow> rows = {
      Row(0, {{"none/exact_match", 1}}), Row(0, {{"none/exact_match", 0}}),
      Row(1, {{"none/exact_match", 1}}), Row(1, {{"none/exact_match", 1}}),
      Row(2, {{"none/exact_match", 0}}), Row(2, {{"none/exact_match", 0}})};
  TaskScores scores = AggregateTask(Task({"exact_match"}), rows);
  ASSERT_EQ(scores.metrics.size(), 1u);
  EXPECT_DOUBLE_EQ(scores.metrics[0].value, 0.5);
  EXPECT_EQ(scores.metrics[0].samples, 3u);
  EXPECT_EQ(scores.metrics[0].ci.method, "bootstrap");
  EXPECT_GE(scores.metrics[0].ci.low, 0);
  EXPECT_LE(scores.metrics[0].ci.high, 1);
}

TEST(AggregateTaskTest, GradedScoresUseTheBootstrap) {
  std::vector<ScoredRow> rows;
  for (uint32_t i = 0; i < 20; ++i) rows.push_back(Row(i, {{"none/rougeL", 0.05 * i}}));
  TaskScores scores = AggregateTask(Task({"rougeL"}), rows);
  ASSERT_EQ(scores.metrics.size(), 1u);
  EXPECT_NEAR(scores.metrics[0].value, 0.475, 1e-12);
  EXPECT_EQ(scores.metrics[0].ci.method, "bootstrap");
  EXPECT_LT(scores.metrics[0].ci.low, 0.475);
  EXPECT_GT(scores.metrics[0].ci.high, 0.475);
}

TEST(AggregateTaskTest, FailedRowsAreCountedApartNotScoredZero) {
  std::vector<ScoredRow> rows = {Row(0, {{"none/acc", 1}}), Row(1, {{"none/acc", 1}})};
  ScoredRow failed;
  failed.sample_index = 2;
  failed.failed = true;
  rows.push_back(failed);
  TaskScores scores = AggregateTask(Task({"acc"}), rows);
  EXPECT_EQ(scores.rows, 3u);
  EXPECT_EQ(scores.failed_rows, 1u);
  EXPECT_EQ(scores.samples, 2u);
  EXPECT_DOUBLE_EQ(scores.metrics[0].value, 1.0);
  EXPECT_EQ(scores.metrics[0].samples, 2u);
}

TEST(AggregateTaskTest, PrimaryComesFirstThenTheTaskOrder) {
  std::vector<ScoredRow> rows = {Row(
      0, {{"strict/exact_match", 0}, {"strict/f1", 0.5}, {"flex/exact_match", 1}, {"flex/f1", 1}})};
  TaskScores scores = AggregateTask(Task({"exact_match", "f1"}, {"strict", "flex"}), rows);
  std::vector<std::string> names;
  for (const auto& m : scores.metrics) names.push_back(m.name);
  EXPECT_THAT(names, ::testing::ElementsAre("strict/exact_match", "strict/f1", "flex/exact_match",
                                            "flex/f1"));
}

TEST(AggregateTaskTest, PassAtKUsesChensEstimatorPerSample) {
  TaskDefinition task = Task({"pass_at_k"}, {"create_test"});
  task.mutable_metrics(0)->add_k(1);
  task.mutable_metrics(0)->add_k(5);
  task.mutable_metrics(0)->add_k(20);
  std::vector<ScoredRow> rows;
  // Sample 0: 3 of 10 pass; sample 1: none of 10.
  for (int r = 0; r < 10; ++r) rows.push_back(Row(0, {{"create_test/pass_at_k", r < 3 ? 1 : 0}}));
  for (int r = 0; r < 10; ++r) rows.push_back(Row(1, {{"create_test/pass_at_k", 0}}));
  TaskScores scores = AggregateTask(task, rows);
  const MetricEstimate* p1 = Find(scores, "create_test/pass@1");
  const MetricEstimate* p5 = Find(scores, "create_test/pass@5");
  ASSERT_NE(p1, nullptr);
  ASSERT_NE(p5, nullptr);
  // pass@1 = c/n per sample: (0.3 + 0) / 2. pass@5 = 1 - C(7,5)/C(10,5) = 1 - 21/252.
  EXPECT_NEAR(p1->value, 0.15, 1e-12);
  EXPECT_NEAR(p5->value, (1 - 21.0 / 252.0) / 2, 1e-12);
  EXPECT_EQ(p1->ci.method, "bootstrap");
  // k = 20 needs 20 generations per sample: no sample qualifies, so no value.
  EXPECT_EQ(Find(scores, "create_test/pass@20"), nullptr);
  EXPECT_EQ(scores.metrics[0].name, "create_test/pass@1");
}

TEST(AggregateTaskTest, PassAtOneWithOneGenerationIsAProportion) {
  TaskDefinition task = Task({"pass_at_k"}, {"create_test"});
  std::vector<ScoredRow> rows = {Row(0, {{"create_test/pass_at_k", 1}}),
                                 Row(1, {{"create_test/pass_at_k", 0}})};
  TaskScores scores = AggregateTask(task, rows);
  ASSERT_EQ(scores.metrics.size(), 1u);
  EXPECT_EQ(scores.metrics[0].name, "create_test/pass@1");
  EXPECT_DOUBLE_EQ(scores.metrics[0].value, 0.5);
  EXPECT_EQ(scores.metrics[0].ci.method, "wilson");
}

TEST(AggregateTaskTest, BleuIsTheCorpusBleuOfSummedStatistics) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"the cat sat on the mat", "the cat sat on the mat"},
      {"a quick brown fox", "the quick brown fox jumps"},
      {"hello there world", "hello world"}};
  std::vector<ScoredRow> rows;
  metrics::BleuStats total;
  for (uint32_t i = 0; i < pairs.size(); ++i) {
    metrics::BleuStats stats = metrics::SentenceBleuStats(pairs[i].first, {pairs[i].second});
    total += stats;
    ScoredRow row = Row(i, {{"none/bleu", metrics::SentenceBleu(stats)}});
    row.corpus_stats["none/bleu"] = stats.ToVector();
    rows.push_back(row);
  }
  TaskScores scores = AggregateTask(Task({"bleu"}), rows);
  ASSERT_EQ(scores.metrics.size(), 1u);
  EXPECT_NEAR(scores.metrics[0].value, metrics::CorpusBleu(total), 1e-9);
  EXPECT_EQ(scores.metrics[0].ci.method, "bootstrap");
  // Corpus BLEU is not the mean of sentence BLEU.
  double mean_sentence = 0;
  for (const auto& row : rows) mean_sentence += row.metrics.at("none/bleu") / rows.size();
  EXPECT_GT(std::abs(scores.metrics[0].value - mean_sentence), 1e-6);
}

TEST(AggregateTaskTest, MultipleChoiceF1IsSklearnsBinaryF1) {
  TaskDefinition task = Task({"f1"});
  task.set_output_type(joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE);
  // golds 1,0,1,1 and predictions 1,1,0,1: tp 2, fp 1, fn 1 -> F1 = 4/6
  // (sklearn.metrics.f1_score([1,0,1,1], [1,1,0,1]) == 0.6666666666666666).
  const std::vector<std::vector<double>> stats = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}};
  std::vector<ScoredRow> rows;
  for (uint32_t i = 0; i < stats.size(); ++i) {
    ScoredRow row = Row(i, {{"none/f1", i == 0 || i == 3 ? 1 : 0}});
    row.corpus_stats["none/f1"] = stats[i];
    rows.push_back(row);
  }
  TaskScores scores = AggregateTask(task, rows);
  ASSERT_EQ(scores.metrics.size(), 1u);
  EXPECT_NEAR(scores.metrics[0].value, 2.0 / 3.0, 1e-12);
}

TEST(AggregateTaskTest, NoRowsNoMetrics) {
  TaskScores scores = AggregateTask(Task({"acc"}), {});
  EXPECT_TRUE(scores.metrics.empty());
  EXPECT_EQ(scores.samples, 0u);
}

}  // namespace
}  // namespace jb::tasks
