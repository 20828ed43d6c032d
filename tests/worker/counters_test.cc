#include "worker/energy/counters.h"

#include "gtest/gtest.h"

namespace jb::worker {
namespace {

TEST(CounterAccumulatorTest, SumsIncreasesFromTheFirstValue) {
  CounterAccumulator counter;
  EXPECT_EQ(counter.Add(1000), 0);
  EXPECT_EQ(counter.Add(1500), 500);
  EXPECT_EQ(counter.Add(1500), 500);
  EXPECT_EQ(counter.Add(1750), 750);
  EXPECT_EQ(counter.resets(), 0u);
}

TEST(CounterAccumulatorTest, DecreaseWithAKnownRangeIsAWrapAround) {
  CounterAccumulator counter(/*wrap_range=*/1000);
  counter.Add(900);
  EXPECT_EQ(counter.Add(50), 150);  // 900 -> 1000 (100) then 0 -> 50
  EXPECT_EQ(counter.Add(60), 160);
  EXPECT_EQ(counter.wraps(), 1u);
  EXPECT_EQ(counter.resets(), 0u);
}

TEST(CounterAccumulatorTest, DecreaseWithoutARangeIsAResetCountingTheNewValue) {
  CounterAccumulator counter;
  counter.Add(5000);
  counter.Add(6000);
  EXPECT_EQ(counter.Add(200), 1200);  // restarted from 0: +200, a lower bound
  EXPECT_EQ(counter.Add(300), 1300);
  EXPECT_EQ(counter.resets(), 1u);
  EXPECT_EQ(counter.wraps(), 0u);
}

TEST(CounterAccumulatorTest, ValueAboveTheRangeThenLowerIsAReset) {
  // A previous value above the declared range cannot be a wrap: it is a reset.
  CounterAccumulator counter(/*wrap_range=*/100);
  counter.Add(500);
  EXPECT_EQ(counter.Add(10), 10);
  EXPECT_EQ(counter.resets(), 1u);
}

TEST(PowerIntegratorTest, TrapezoidOverReadings) {
  PowerIntegrator power;
  EXPECT_EQ(power.Add(absl::Seconds(10), 100), 0);
  EXPECT_DOUBLE_EQ(power.Add(absl::Seconds(11), 200), 150);
  EXPECT_DOUBLE_EQ(power.Add(absl::Milliseconds(11500), 200), 250);
  EXPECT_EQ(power.last_watts(), 200);
}

TEST(PowerIntegratorTest, NonIncreasingTimesAreIgnored) {
  PowerIntegrator power;
  power.Add(absl::Seconds(1), 100);
  power.Add(absl::Seconds(2), 100);
  EXPECT_DOUBLE_EQ(power.Add(absl::Seconds(2), 5000), 100);
  EXPECT_DOUBLE_EQ(power.Add(absl::Seconds(1), 5000), 100);
  EXPECT_EQ(power.last_watts(), 100);
}

}  // namespace
}  // namespace jb::worker
