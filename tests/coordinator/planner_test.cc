#include "coordinator/planner.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::coordinator {
namespace {

tasks::Suite FakeSuite(const std::string& name, int samples, int repeats) {
  tasks::Suite suite;
  suite.task.set_name(name);
  suite.task.set_content_hash("hash-" + name);
  suite.task.set_repeats(repeats);
  suite.task.mutable_generation()->set_max_tokens(32);
  for (int i = 0; i < samples; ++i) {
    auto& s = suite.samples.emplace_back();
    s.set_index(i);
    s.set_doc_json("{}");
  }
  return suite;
}

SweepSpec Spec() {
  SweepSpec spec;
  spec.name = "t";
  spec.models.resize(2);
  spec.models[0].spec.set_name("a");
  spec.models[1].spec.set_name("b");
  spec.tasks = {{"x", false, 1}, {"y", false, 1}};
  spec.hardware_classes = {"gpu"};
  spec.shard_size = 4;
  return spec;
}

TEST(PlannerTest, ShardsCoverEveryCellInRangesOfShardSize) {
  SweepSpec spec = Spec();
  SweepPlan plan = PlanSweep(spec, {FakeSuite("x", 10, 1), FakeSuite("y", 3, 1)});
  // x: [0,4) [4,8) [8,10); y: [0,3); per model.
  ASSERT_EQ(plan.shards.size(), 2u * (3 + 1));
  EXPECT_EQ(plan.samples_total, 2u * (10 + 3));
  EXPECT_EQ(plan.shards[2].sample_begin, 8u);
  EXPECT_EQ(plan.shards[2].sample_end, 10u);
  EXPECT_EQ(plan.shards[3].task, "y");
  EXPECT_EQ(plan.shards[3].suite_hash, "hash-y");
  ASSERT_EQ(plan.cells.size(), 4u);
  EXPECT_EQ(plan.cells[0].shards(), 3u);
  EXPECT_EQ(plan.cells[0].samples(), 10u);
}

TEST(PlannerTest, ShardDurationSizesCellsWithHistoryAndLeavesTheRestAtShardSize) {
  SweepSpec spec = Spec();
  spec.shard_duration_s = 3;
  HistoryByCell history;
  history[{"a", "x", "gpu"}] = {0.5, 12};   // 3 s / 0.5 s = 6 samples per shard
  history[{"b", "x", "gpu"}] = {100.0, 2};  // slower than the target: 1 sample per shard
  SweepPlan plan = PlanSweep(spec, {FakeSuite("x", 10, 1), FakeSuite("y", 3, 1)}, history);
  ASSERT_EQ(plan.cells.size(), 4u);
  EXPECT_EQ(plan.cells[0].shard_size(), 6u);
  EXPECT_EQ(plan.cells[0].shards(), 2u);  // [0,6) [6,10)
  EXPECT_EQ(plan.cells[0].sized_by(), "history: 0.5 s per sample over 12 shards");
  EXPECT_EQ(plan.cells[1].shard_size(), 3u);  // a/y: no history, shard_size 4 > y's 3 samples
  EXPECT_EQ(plan.cells[1].sized_by(), "no history: shard_size");
  EXPECT_EQ(plan.cells[2].shard_size(), 1u);
  EXPECT_EQ(plan.cells[2].shards(), 10u);
  EXPECT_EQ(plan.shards[1].sample_begin, 6u);
  EXPECT_EQ(plan.shards[1].sample_end, 10u);
  EXPECT_EQ(plan.samples_total, 2u * (10 + 3));

  spec.shard_duration_s.reset();  // history is ignored without a target duration
  plan = PlanSweep(spec, {FakeSuite("x", 10, 1), FakeSuite("y", 3, 1)}, history);
  EXPECT_EQ(plan.cells[0].shard_size(), 4u);
  EXPECT_EQ(plan.cells[0].sized_by(), "shard_size");
}

TEST(PlannerTest, RepeatsLimitsAndTaskRepeatsMultiply) {
  SweepSpec spec = Spec();
  spec.models.resize(1);
  spec.tasks.resize(1);
  spec.hardware_classes = {"gpu", "cpu"};
  spec.repeats = 3;
  spec.sample_limit = 6;
  SweepPlan plan = PlanSweep(spec, {FakeSuite("x", 10, 5)});
  // 2 classes x 3 repeats x ceil(6/4)=2 shards.
  ASSERT_EQ(plan.shards.size(), 12u);
  EXPECT_EQ(plan.samples_total, 2u * 3 * 6 * 5);
  EXPECT_EQ(plan.shards.back().sweep_repeat, 2u);
  EXPECT_EQ(plan.shards.back().hardware_class, "cpu");
  EXPECT_EQ(plan.shards.back().sample_end, 6u);
}

TEST(PlannerTest, SettingsCarryOverridesAndRoundTripThroughJson) {
  SweepSpec spec = Spec();
  spec.concurrency = 7;
  spec.idle_baseline_s = 0.25;
  spec.generation.max_tokens = 99;
  SweepPlan plan = PlanSweep(spec, {FakeSuite("x", 1, 1), FakeSuite("y", 1, 1)});
  ASSERT_OK_AND_ASSIGN(ShardSettings back,
                       SettingsFromJson(SettingsToJson(plan.shards[0].settings)));
  EXPECT_EQ(back.concurrency, 7u);
  EXPECT_EQ(back.idle_baseline_s, 0.25);
  EXPECT_EQ(back.generation.max_tokens(), 99u);
  EXPECT_EQ(back.generation.endpoint(), joulebench::v1::ENDPOINT_CHAT);
}

TEST(PlannerTest, MalformedSettingsJsonIsAnError) {
  EXPECT_THAT(SettingsFromJson("{"), testing::StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(SettingsFromJson("{}"), testing::StatusIs(absl::StatusCode::kInternal));
}

}  // namespace
}  // namespace jb::coordinator
