#include "worker/energy/estimate_meters.h"

#include <cmath>
#include <deque>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;

// CodeCarbon's formula, written out as in codecarbon/external/hardware.py
// (_get_power_from_cpu_load, machine mode), for the test's expected values.
double CodeCarbonCpuWatts(double tdp, double cpu_load) {
  const double load_factor = 0.1 + 0.9 * std::pow(cpu_load / 100.0, 3);
  return tdp * load_factor;
}

TEST(CpuTdpEstimateTest, EnergyIsCodeCarbonsFormulaOverEachInterval) {
  FakeClock clock;
  std::deque<std::string> stats = {
      "cpu  1000 0 0 9000 0 0 0 0 0 0\n",   // t = 0
      "cpu  1500 0 0 9500 0 0 0 0 0 0\n",   // +1000 jiffies, 500 busy: 50 %
      "cpu  2400 0 0 9600 0 0 0 0 0 0\n"};  // +1000, 900 busy: 90 %
  CpuTdpEstimateMeter meter({280, "AMD EPYC 7763: 280 W TDP"}, &clock, [&] {
    std::string next = stats.front();
    stats.pop_front();
    return absl::StatusOr<std::string>(next);
  });
  ASSERT_OK_AND_ASSIGN(auto first, meter.Read());
  EXPECT_EQ(first[0].energy_j(), 0);
  clock.Advance(absl::Seconds(2));
  ASSERT_OK_AND_ASSIGN(auto second, meter.Read());
  EXPECT_DOUBLE_EQ(second[0].energy_j(), CodeCarbonCpuWatts(280, 50) * 2);  // 133 W x 2 s
  clock.Advance(absl::Milliseconds(500));
  ASSERT_OK_AND_ASSIGN(auto third, meter.Read());
  EXPECT_DOUBLE_EQ(third[0].energy_j(),
                   CodeCarbonCpuWatts(280, 50) * 2 + CodeCarbonCpuWatts(280, 90) * 0.5);
  EXPECT_EQ(third[0].method(), v1::ENERGY_METHOD_ESTIMATE_TDP);
  EXPECT_TRUE(third[0].estimated());
  EXPECT_EQ(third[0].domain(), "cpu");
  EXPECT_TRUE(meter.Describe().needs_sampling);
  EXPECT_DOUBLE_EQ(CpuPowerAtLoad(280, 50), 59.5);  // 280 x (0.1 + 0.9 x 0.125)
}

TEST(RamEstimateTest, CodeCarbonDimmModel) {
  EXPECT_EQ(RamPowerWatts(8, false), 10);    // 2 DIMMs
  EXPECT_EQ(RamPowerWatts(24, false), 20);   // 4 DIMMs
  EXPECT_EQ(RamPowerWatts(128, false), 38);  // 8 DIMMs: 4 x 5 + 4 x 4.5
  EXPECT_EQ(RamPowerWatts(200, false), 58);  // 13 x 16 GiB: 20 + 18 + 5 x 4
  EXPECT_EQ(RamPowerWatts(1, false), 10);    // 1 DIMM, at least two DIMMs' worth on x86
  EXPECT_EQ(RamPowerWatts(8, true), 3);      // ARM: 2 x 1.5 W
}

TEST(RamEstimateTest, ConstantPowerOverTime) {
  FakeClock clock;
  RamEstimateMeter meter(uint64_t{32} << 30, false, &clock);
  ASSERT_OK_AND_ASSIGN(auto first, meter.Read());
  clock.Advance(absl::Seconds(10));
  ASSERT_OK_AND_ASSIGN(auto later, meter.Read());
  EXPECT_EQ(first[0].energy_j(), 0);
  EXPECT_DOUBLE_EQ(later[0].energy_j(), 200);  // 20 W x 10 s
  EXPECT_EQ(later[0].method(), v1::ENERGY_METHOD_ESTIMATE_RAM);
  EXPECT_TRUE(later[0].estimated());
}

TEST(ParamsEstimateTest, GargKTimesActiveParametersTimesTokens) {
  EXPECT_NEAR(kGargJoulesPerBillionParamToken, 1.871, 0.001);
  auto tally = std::make_shared<WorkTally>();
  ParamsEstimateMeter meter(tally);
  ASSERT_OK_AND_ASSIGN(auto start, meter.Read());
  tally->active_parameters = 7e9;
  tally->tokens += 150;
  ASSERT_OK_AND_ASSIGN(auto after, meter.Read());
  EXPECT_DOUBLE_EQ(after[0].energy_j(), kGargJoulesPerBillionParamToken * 7 * 150);
  // Converting back at 475 g/kWh gives Garg's carbon: K_g x 7 B x 150 tokens.
  EXPECT_NEAR(after[0].energy_j() / 3.6e6 * 475, 4.32 / 100 / 175 * 7 * 150, 1e-12);
  // A new shard's model: its own parameters from then on.
  tally->active_parameters = 1e9;
  tally->tokens += 100;
  ASSERT_OK_AND_ASSIGN(auto more, meter.Read());
  EXPECT_DOUBLE_EQ(more[0].energy_j(), kGargJoulesPerBillionParamToken * (7 * 150 + 1 * 100));
  EXPECT_EQ(more[0].method(), v1::ENERGY_METHOD_ESTIMATE_PARAMS);
}

TEST(ParamsEstimateTest, UnknownParametersAreAnErrorThatSaysWhatToDeclare) {
  auto tally = std::make_shared<WorkTally>();
  ParamsEstimateMeter meter(tally, 0.5);
  ASSERT_OK(meter.Read().status());
  tally->tokens += 10;
  EXPECT_THAT(meter.Read(), StatusIs(absl::StatusCode::kFailedPrecondition, "active_parameters"));
}

}  // namespace
}  // namespace jb::worker
