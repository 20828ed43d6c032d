#include "common/energy_method.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb {
namespace {

namespace v1 = joulebench::v1;

TEST(EnergyMethodTest, NamesRoundTripForEveryMethod) {
  for (int m = v1::ENERGY_METHOD_NVML_ENERGY_COUNTER; m <= v1::ENERGY_METHOD_ESTIMATE_RAM; ++m) {
    auto method = static_cast<v1::EnergyMethod>(m);
    ASSERT_OK_AND_ASSIGN(v1::EnergyMethod back, EnergyMethodFromName(EnergyMethodName(method)));
    EXPECT_EQ(back, method);
  }
  EXPECT_EQ(EnergyMethodName(v1::ENERGY_METHOD_PROMETHEUS_COUNTER), "prometheus-counter");
}

TEST(EnergyMethodTest, UnknownNameIsRejectedWithTheValidNames) {
  EXPECT_THAT(EnergyMethodFromName("guess"),
              testing::StatusIs(absl::StatusCode::kInvalidArgument, "estimate-tdp"));
}

TEST(EnergyMethodTest, EstimatesRankBelowEveryCounter) {
  EXPECT_TRUE(IsEstimate(v1::ENERGY_METHOD_ESTIMATE_PARAMS));
  EXPECT_FALSE(IsEstimate(v1::ENERGY_METHOD_RAPL));
  EXPECT_LT(EnergyMethodRank(v1::ENERGY_METHOD_NVML_ENERGY_COUNTER),
            EnergyMethodRank(v1::ENERGY_METHOD_PROMETHEUS_COUNTER));
  EXPECT_LT(EnergyMethodRank(v1::ENERGY_METHOD_NVML_POWER_INTEGRATED),
            EnergyMethodRank(v1::ENERGY_METHOD_ESTIMATE_TDP));
  EXPECT_TRUE(IsEstimate(v1::ENERGY_METHOD_ESTIMATE_RAM));
  EXPECT_LT(EnergyMethodRank(v1::ENERGY_METHOD_PROMETHEUS_POWER_INTEGRATED),
            EnergyMethodRank(v1::ENERGY_METHOD_ESTIMATE_TDP));
  EXPECT_LT(EnergyMethodRank(v1::ENERGY_METHOD_ESTIMATE_PARAMS),
            EnergyMethodRank(v1::ENERGY_METHOD_NONE));
  EXPECT_EQ(EnergyMethodRank(v1::ENERGY_METHOD_NONE), 9);
}

}  // namespace
}  // namespace jb
