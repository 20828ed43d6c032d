#include "cli/report_model.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::cli {
namespace {

using ::testing::HasSubstr;

// A cell of task "t" with every PER term known: per sample, throughput per GPU, mean
// latency, peak memory, J/query.
storage::CellSummary Cell(const std::string& model, const std::string& hardware_class, double score,
                          double joules, double throughput = 10, double latency_s = 0.1,
                          double memory_mb = 1000) {
  storage::CellSummary c;
  c.task = "t";
  c.model = model;
  c.hardware_class = hardware_class;
  c.score_metric = "none/acc";
  c.score = score;
  c.score_ci = {score - 0.1, std::min(1.0, score + 0.1), "wilson"};
  c.per_unit = "sample";
  c.samples_per_s_per_gpu = throughput;
  c.mean_e2e_s = latency_s;
  c.peak_memory_mb = memory_mb;
  c.joules_per_query = joules;
  c.carbon_g_per_query = joules / 10;
  c.cost_usd_per_query = joules / 1000;
  c.p50_e2e_s = latency_s;
  return c;
}

TEST(ReportModelTest, PerIsComputedOverTheTasksCellsWithEveryTerm) {
  // a is best on accuracy, worst on everything else; b the reverse; c lacks memory.
  std::vector<TaskSection> sections =
      BuildReport({Cell("a", "gpu", 0.9, 10, 5, 0.2, 2000), Cell("b", "gpu", 0.5, 1, 20, 0.05, 500),
                   Cell("c", "gpu", 0.7, 5, 10, 0.1, NAN)});
  ASSERT_EQ(sections.size(), 1u);
  const TaskSection& t = sections[0];
  EXPECT_EQ(t.per_cohort, 2);
  ASSERT_EQ(t.cells.size(), 3u);
  // Ordered by score.
  EXPECT_EQ(t.cells[0].cell.model, "a");
  EXPECT_EQ(t.cells[1].cell.model, "c");
  EXPECT_EQ(t.cells[2].cell.model, "b");
  // a: ACC 1, THR 0 -> PER 0; b: ACC 0 -> PER 0 (the worst on any term scores 0).
  ASSERT_TRUE(t.cells[0].per.has_value());
  EXPECT_EQ(t.cells[0].per->accuracy, 1);
  EXPECT_EQ(t.cells[0].per->throughput, 0);
  EXPECT_EQ(t.cells[0].per->per, 0);
  ASSERT_TRUE(t.cells[2].per.has_value());
  EXPECT_EQ(t.cells[2].per->latency, 1);
  EXPECT_EQ(t.cells[2].per->memory, 1);
  ASSERT_TRUE(t.cells[2].per->per_energy.has_value()) << "every member has J/query";
  EXPECT_FALSE(t.cells[1].per.has_value());
  EXPECT_EQ(t.cells[1].per_missing, "memory");
}

// Generation tasks use tokens/s and ms per output token; a CPU class (no GPU count) its
// throughput per server.
TEST(ReportModelTest, TokenTasksUseTokensPerSecondAndTimePerOutputToken) {
  storage::CellSummary gpu = Cell("a", "gpu", 0.9, 10);
  storage::CellSummary cpu = Cell("b", "cpu", 0.5, 1);
  for (auto* c : {&gpu, &cpu}) c->per_unit = "token";
  gpu.tokens_per_s_per_gpu = 100;
  gpu.mean_tpot_s = 0.01;
  cpu.tokens_per_s_per_gpu = NAN;
  cpu.tokens_per_s = 50;
  cpu.mean_tpot_s = 0.03;
  std::vector<TaskSection> sections = BuildReport({gpu, cpu});
  ASSERT_EQ(sections[0].per_cohort, 2);
  // a: the higher throughput and the lower latency.
  EXPECT_EQ(sections[0].cells[0].per->throughput, 1);
  EXPECT_EQ(sections[0].cells[0].per->latency, 1);
  EXPECT_EQ(sections[0].cells[1].per->throughput, 0);
}

TEST(ReportModelTest, WithoutJoulesForEveryMemberThereIsNoPerE) {
  std::vector<TaskSection> sections =
      BuildReport({Cell("a", "gpu", 0.9, 10), Cell("b", "gpu", 0.5, NAN)});
  ASSERT_EQ(sections[0].per_cohort, 2);
  EXPECT_FALSE(sections[0].cells[0].per->per_energy.has_value());
}

TEST(ReportModelTest, FrontsArePerTaskAndHardwareClass) {
  // On gpu, b costs more for a lower score: dominated by a. On cpu alone, c is on every front.
  std::vector<TaskSection> sections =
      BuildReport({Cell("a", "gpu", 0.9, 1), Cell("b", "gpu", 0.5, 2), Cell("c", "cpu", 0.1, 100)});
  const auto& cells = sections[0].cells;
  auto find = [&](const std::string& m) -> const ReportCell& {
    for (const auto& rc : cells) {
      if (rc.cell.model == m) return rc;
    }
    return cells.front();
  };
  EXPECT_THAT(find("a").on_front, ::testing::Each(true));
  EXPECT_THAT(find("b").on_front, ::testing::Each(false));
  EXPECT_THAT(find("c").on_front, ::testing::Each(true));
}

TEST(ReportModelTest, RecommendPicksTheCheapestCellReachingTheScore) {
  std::vector<storage::CellSummary> cells = {Cell("big", "gpu", 0.95, 20, 10, 0.5),
                                             Cell("mid", "gpu", 0.85, 5, 10, 0.05),
                                             Cell("small", "cpu", 0.6, 1, 10, 0.3)};
  Recommendation energy = Recommend(cells, "t", 0.8, Tradeoff::kEnergy, "");
  ASSERT_TRUE(energy.choice.has_value());
  EXPECT_EQ(energy.choice->model, "mid");
  ASSERT_EQ(energy.alternatives.size(), 2u);
  EXPECT_EQ(energy.alternatives[1].model, "big");
  // mid's interval [0.75, 0.95] reaches below 0.8.
  EXPECT_THAT(energy.explanation, HasSubstr("not met with confidence"));
  EXPECT_EQ(Recommend(cells, "t", 0.5, Tradeoff::kEnergy, "").choice->model, "small");
  EXPECT_EQ(Recommend(cells, "t", 0.5, Tradeoff::kLatency, "").choice->model, "mid");
  EXPECT_EQ(Recommend(cells, "t", 0.5, Tradeoff::kEnergy, "gpu").choice->model, "mid");
}

TEST(ReportModelTest, RecommendExplainsWhyNothingQualifies) {
  std::vector<storage::CellSummary> cells = {Cell("a", "gpu", 0.7, NAN),
                                             Cell("b", "gpu", 0.9, NAN)};
  Recommendation none = Recommend(cells, "t", 0.95, Tradeoff::kEnergy, "");
  EXPECT_FALSE(none.choice.has_value());
  EXPECT_THAT(none.explanation, HasSubstr("no model reaches 0.95 on t; the best is b on gpu"));
  Recommendation unmetered = Recommend(cells, "t", 0.8, Tradeoff::kEnergy, "");
  EXPECT_FALSE(unmetered.choice.has_value());
  EXPECT_THAT(unmetered.explanation, HasSubstr("1 cell(s) reach 0.8 but none has a known J/query"));
  EXPECT_THAT(Recommend(cells, "other", 0.1, Tradeoff::kEnergy, "").explanation,
              HasSubstr("no scored results for task other"));
  EXPECT_THAT(Recommend(cells, "t", 0.1, Tradeoff::kEnergy, "cpu").explanation,
              HasSubstr("no scored results for task t on hardware class cpu"));
}

TEST(ReportModelTest, TradeoffNamesRoundTrip) {
  for (Tradeoff t : kTradeoffs) EXPECT_EQ(ParseTradeoff(TradeoffName(t)), t);
  EXPECT_FALSE(ParseTradeoff("speed").has_value());
}

}  // namespace
}  // namespace jb::cli
