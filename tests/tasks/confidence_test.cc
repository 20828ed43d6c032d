#include "tasks/confidence.h"

#include <numeric>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::tasks {
namespace {

// Reference values: Python 3.11 on this machine, statistics.NormalDist().inv_cdf and the
// Wilson formula in tasks/confidence.h (they agree with statsmodels' proportion_confint(...,
// method="wilson"), e.g. 8/10 -> (0.4902, 0.9433)).
TEST(NormalQuantileTest, MatchesPythonsInverseCdf) {
  EXPECT_NEAR(NormalQuantile(0.95), 1.9599639845400536, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.90), 1.6448536269514715, 1e-12);
}

TEST(WilsonIntervalTest, MatchesTheReferenceFormula) {
  Interval i = WilsonInterval(8, 10);
  EXPECT_EQ(i.method, "wilson");
  EXPECT_NEAR(i.low, 0.49016247153664183, 1e-12);
  EXPECT_NEAR(i.high, 0.9433178485456247, 1e-12);
  i = WilsonInterval(50, 100);
  EXPECT_NEAR(i.low, 0.4038315303659957, 1e-12);
  EXPECT_NEAR(i.high, 0.5961684696340044, 1e-12);
  i = WilsonInterval(1, 3);
  EXPECT_NEAR(i.low, 0.06149194472039632, 1e-12);
  EXPECT_NEAR(i.high, 0.7923403991979523, 1e-12);
}

TEST(WilsonIntervalTest, StaysInsideZeroOneAtTheEdges) {
  Interval none = WilsonInterval(0, 10);
  EXPECT_NEAR(none.low, 0, 1e-12);
  EXPECT_GE(none.low, 0);
  EXPECT_NEAR(none.high, 0.27753279986288915, 1e-12);
  Interval all = WilsonInterval(10, 10);
  EXPECT_NEAR(all.low, 0.7224672001371109, 1e-12);
  EXPECT_LE(all.high, 1);
}

TEST(WilsonIntervalTest, NoDataHasNoInterval) {
  Interval i = WilsonInterval(0, 0);
  EXPECT_EQ(i.method, "none");
  EXPECT_EQ(i.low, 0);
  EXPECT_EQ(i.high, 0);
}

// numpy.percentile([1, 2, 3, 4], q) with the default linear interpolation.
TEST(PercentileTest, InterpolatesLinearlyAsNumpy) {
  EXPECT_DOUBLE_EQ(Percentile({4, 1, 3, 2}, 0), 1);
  EXPECT_DOUBLE_EQ(Percentile({4, 1, 3, 2}, 100), 4);
  EXPECT_DOUBLE_EQ(Percentile({4, 1, 3, 2}, 50), 2.5);
  EXPECT_DOUBLE_EQ(Percentile({4, 1, 3, 2}, 2.5), 1.075);
  EXPECT_DOUBLE_EQ(Percentile({4, 1, 3, 2}, 97.5), 3.925);
  EXPECT_DOUBLE_EQ(Percentile({7}, 30), 7);
}

double Mean(const std::vector<double>& values, const std::vector<uint32_t>& counts) {
  double sum = 0, n = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    sum += counts[i] * values[i];
    n += counts[i];
  }
  return sum / n;
}

TEST(BootstrapIntervalTest, IsSeededAndBracketsTheMean) {
  std::vector<double> values;
  for (int i = 0; i < 200; ++i) values.push_back((i * 37 % 100) / 100.0);
  auto statistic = [&](const std::vector<uint32_t>& counts) { return Mean(values, counts); };
  Interval a = BootstrapInterval(values.size(), statistic);
  Interval b = BootstrapInterval(values.size(), statistic);
  EXPECT_EQ(a.method, "bootstrap");
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  EXPECT_LT(a.low, mean);
  EXPECT_GT(a.high, mean);
  // The standard error of the mean of these values is about 0.0204, so the 95% interval is
  // about mean +- 0.04; the bootstrap must land near it.
  EXPECT_NEAR(a.high - a.low, 2 * 1.96 * 0.0204, 0.015);
  BootstrapOptions other;
  other.seed = 7;
  Interval c = BootstrapInterval(values.size(), statistic, other);
  EXPECT_NE(a.low, c.low);
}

TEST(BootstrapIntervalTest, EveryResampleDrawsExactlyUnitsUnits) {
  int calls = 0;
  BootstrapOptions options;
  options.resamples = 50;
  BootstrapInterval(
      17,
      [&](const std::vector<uint32_t>& counts) {
        ++calls;
        EXPECT_EQ(counts.size(), 17u);
        EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), 0u), 17u);
        return 0.0;
      },
      options);
  EXPECT_EQ(calls, 50);
}

TEST(BootstrapIntervalTest, NoUnitsHasNoInterval) {
  Interval i = BootstrapInterval(0, [](const std::vector<uint32_t>&) { return 1.0; });
  EXPECT_EQ(i.method, "none");
}

}  // namespace
}  // namespace jb::tasks
