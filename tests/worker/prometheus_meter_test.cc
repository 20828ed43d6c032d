// PrometheusCounterMeter: counters and gauges on a Prometheus text endpoint.
#include "worker/energy/prometheus_meter.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/worker/fakes.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using ::testing::HasSubstr;

TEST(PrometheusCounterMeterTest, SumsSeriesScaledToJoules) {
  std::vector<std::string> urls;
  PrometheusCounterOptions options =
      CounterOptionsForMetric("http://dcgm:9400/metrics", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
  PrometheusCounterMeter meter(options, [&](const std::string& url) -> absl::StatusOr<std::string> {
    urls.push_back(url);
    return "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n"
           "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\",UUID=\"GPU-a\"} 1500\n"
           "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"1\",UUID=\"GPU-b\"} 2500\n";
  });
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> readings, meter.Read());
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].energy_j(), 4.0);  // 4000 mJ
  EXPECT_EQ(readings[0].domain(), "gpu");
  EXPECT_EQ(readings[0].method(), v1::ENERGY_METHOD_PROMETHEUS_COUNTER);
  EXPECT_FALSE(readings[0].estimated());
  EXPECT_EQ(readings[0].source(), "http://dcgm:9400/metrics DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
  EXPECT_EQ(urls, std::vector<std::string>{"http://dcgm:9400/metrics"});
}

TEST(PrometheusCounterMeterTest, MissingMetricIsNotFoundAndProbeSaysWhere) {
  PrometheusCounterOptions options;
  options.url = "http://sim:8000/metrics";
  PrometheusCounterMeter meter(options, [](const std::string&) -> absl::StatusOr<std::string> {
    return std::string("vllm:num_requests_running 0\n");
  });
  EXPECT_THAT(meter.Read(), StatusIs(absl::StatusCode::kNotFound, "http://sim:8000/metrics"));
  EXPECT_THAT(meter.Probe(),
              StatusIs(absl::StatusCode::kNotFound, "joulebench_sim_energy_joules_total"));
}

TEST(PrometheusCounterMeterTest, ScrapeFailureAndNonFiniteSumAreErrors) {
  PrometheusCounterOptions options;
  options.url = "http://sim:8000/metrics";
  PrometheusCounterMeter down(options, [](const std::string&) -> absl::StatusOr<std::string> {
    return absl::UnavailableError("connection refused");
  });
  EXPECT_THAT(down.Read(), StatusIs(absl::StatusCode::kUnavailable));
  PrometheusCounterMeter nan(options, [](const std::string&) -> absl::StatusOr<std::string> {
    return std::string("joulebench_sim_energy_joules_total NaN\n");
  });
  EXPECT_THAT(nan.Read(), StatusIs(absl::StatusCode::kInvalidArgument, "finite"));
}

}  // namespace
}  // namespace jb::worker
