// Sweep progress as `joulebench status` and `submit --wait` print it.
#include "cli/sweep_progress.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::cli {
namespace {

namespace v1 = joulebench::v1;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

v1::SweepInfo Running() {
  v1::SweepInfo sweep;
  sweep.set_sweep_id(3);
  sweep.set_name("demo");
  sweep.set_state(v1::SWEEP_STATE_RUNNING);
  sweep.set_shards_total(40);
  sweep.set_shards_succeeded(12);
  sweep.set_shards_leased(4);
  sweep.set_shards_pending(24);
  sweep.set_samples_total(400);
  sweep.set_samples_done(120);
  sweep.set_samples_failed(2);
  sweep.mutable_started_at()->set_seconds(absl::ToUnixSeconds(kStart));
  v1::CellProgress* cell = sweep.add_cells();
  cell->set_model("m");
  cell->set_task("t");
  cell->set_hardware_class("gpu");
  cell->set_shards_total(40);
  cell->set_shards_succeeded(12);
  cell->set_shards_failed(1);
  cell->set_samples_total(400);
  cell->set_samples_done(120);
  cell->set_samples_failed(2);
  cell->set_mean_score(0.8125);
  return sweep;
}

TEST(SweepProgressTest, SummaryHasThroughputSinceTheFirstLeaseAndTheEta) {
  // 120 samples in 60 s: 2 samples/s; 280 to go: 140 s.
  EXPECT_EQ(SweepSummary(Running(), kStart + absl::Seconds(60)),
            "sweep 3 'demo' running: shards 12/40 done (4 leased, 24 pending, 0 failed), "
            "samples 120/400 (2 failed), 2 samples/s, ETA 2m20s");
}

TEST(SweepProgressTest, BeforeAnySampleThereIsNoRateAndAFinishedSweepSaysHowLongItTook) {
  v1::SweepInfo sweep = Running();
  sweep.set_samples_done(0);
  sweep.set_samples_failed(0);
  EXPECT_EQ(SweepSummary(sweep, kStart + absl::Seconds(60)),
            "sweep 3 'demo' running: shards 12/40 done (4 leased, 24 pending, 0 failed), "
            "samples 0/400");
  sweep = Running();
  sweep.set_state(v1::SWEEP_STATE_SUCCEEDED);
  sweep.set_samples_done(400);
  sweep.mutable_finished_at()->set_seconds(absl::ToUnixSeconds(kStart + absl::Seconds(3725)));
  const std::string line = SweepSummary(sweep, kStart + absl::Hours(5));
  EXPECT_THAT(line, HasSubstr(", 0.107 samples/s, in 1h02m"));
  EXPECT_THAT(line, Not(HasSubstr("ETA")));
}

TEST(SweepProgressTest, CellsHaveAProgressBarAndTheirFailures) {
  EXPECT_EQ(ProgressBar(0, 400), "[....................]");
  EXPECT_EQ(ProgressBar(120, 400), "[######..............]");
  EXPECT_EQ(ProgressBar(400, 400), "[####################]");
  EXPECT_EQ(ProgressBar(5, 0), "[....................]");
  const std::string view = RenderSweep(Running(), kStart + absl::Seconds(60));
  EXPECT_THAT(view, HasSubstr("[######..............] 30%"));
  EXPECT_THAT(view, HasSubstr("120/400"));
  EXPECT_THAT(view, HasSubstr("1/2"));  // 1 shard failed for good, 2 samples with errors
  EXPECT_THAT(view, HasSubstr("0.812"));
}

}  // namespace
}  // namespace jb::cli
