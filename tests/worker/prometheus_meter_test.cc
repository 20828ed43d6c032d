// PrometheusMeter on the exposition text DCGM exporter and Kepler serve: counters per series
// with resets, gauges integrated, GPU selection, Kepler's zones, and the errors.
#include "worker/energy/prometheus_meter.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using ::testing::HasSubstr;

// DCGM exporter's /metrics on a two-GPU node, in its own format: HELP texts from its
// etc/default-counters.csv, ", "-separated labels as in its README, and series as published in
// NVIDIA's DCGM exporter documentation (GPU 0, an A100) and a user's exporter output (GPU 1).
constexpr char kDcgmExporter[] = R"(# HELP DCGM_FI_DEV_SM_CLOCK SM clock frequency (in MHz).
# TYPE DCGM_FI_DEV_SM_CLOCK gauge
# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
# TYPE DCGM_FI_DEV_POWER_USAGE gauge
# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Total energy consumption since boot (in mJ).
# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter
DCGM_FI_DEV_SM_CLOCK{gpu="0", UUID="GPU-34319582-d595-d1c7-d1d2-179bcfa61660", device="nvidia0", Hostname="ub20-a100-k8s"} 1215
DCGM_FI_DEV_SM_CLOCK{gpu="1", UUID="GPU-8c16e996-bd76-aa91-17e7-b48bcd0208ba", device="nvidia1", Hostname="ub20-a100-k8s"} 885
DCGM_FI_DEV_POWER_USAGE{gpu="0", UUID="GPU-34319582-d595-d1c7-d1d2-179bcfa61660", device="nvidia0", Hostname="ub20-a100-k8s"} 409.692000
DCGM_FI_DEV_POWER_USAGE{gpu="1", UUID="GPU-8c16e996-bd76-aa91-17e7-b48bcd0208ba", device="nvidia1", Hostname="ub20-a100-k8s"} 23.528000
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0", UUID="GPU-34319582-d595-d1c7-d1d2-179bcfa61660", device="nvidia0", Hostname="ub20-a100-k8s"} 319159391
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="1", UUID="GPU-8c16e996-bd76-aa91-17e7-b48bcd0208ba", device="nvidia1", Hostname="ub20-a100-k8s"} 31035686671
)";

constexpr char kGpu0[] = "GPU-34319582-d595-d1c7-d1d2-179bcfa61660";
constexpr char kGpu1[] = "GPU-8c16e996-bd76-aa91-17e7-b48bcd0208ba";

// Kepler 0.10's node CPU series as its collector writes them (power_collector.go: zone and
// path labels, the node_name constant label, HELP texts), on a machine with package, core,
// DRAM and psys zones.
constexpr char kKepler[] =
    R"(# HELP kepler_node_cpu_joules_total Energy consumption of cpu at node level in joules
# TYPE kepler_node_cpu_joules_total counter
kepler_node_cpu_joules_total{node_name="worker-1",path="/sys/class/powercap/intel-rapl/intel-rapl:0",zone="package"} 12300
kepler_node_cpu_joules_total{node_name="worker-1",path="/sys/class/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:0",zone="core"} 8100.5
kepler_node_cpu_joules_total{node_name="worker-1",path="/sys/class/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:1",zone="dram"} 2340
kepler_node_cpu_joules_total{node_name="worker-1",path="/sys/class/powercap/intel-rapl/intel-rapl:1",zone="psys"} 20100.25
# HELP kepler_node_cpu_watts Power consumption of cpu at node level in watts
# TYPE kepler_node_cpu_watts gauge
kepler_node_cpu_watts{node_name="worker-1",path="/sys/class/powercap/intel-rapl/intel-rapl:0",zone="package"} 12
kepler_node_cpu_watts{node_name="worker-1",path="/sys/class/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:1",zone="dram"} 2
)";

// An endpoint that serves the texts given, in order, repeating the last.
class ScriptedEndpoint {
 public:
  explicit ScriptedEndpoint(std::vector<std::string> texts) : texts_(std::move(texts)) {}
  MetricsFetcher Fetcher() {
    return [this](const std::string& url) -> absl::StatusOr<std::string> {
      urls.push_back(url);
      const size_t i = std::min(next_++, texts_.size() - 1);
      return texts_[i];
    };
  }
  std::vector<std::string> urls;

 private:
  std::vector<std::string> texts_;
  size_t next_ = 0;
};

PrometheusOptions Options(const std::string& selector) {
  PrometheusOptions options;
  options.url = "http://127.0.0.1:9400/metrics";
  options.selector = *ParsePrometheusSelector(selector);
  return options;
}

// kDcgmExporter with GPU 0's and GPU 1's energy counters replaced.
std::string DcgmWithEnergy(const std::string& gpu0_mj, const std::string& gpu1_mj) {
  return absl::StrReplaceAll(kDcgmExporter, {{"} 319159391", absl::StrCat("} ", gpu0_mj)},
                                             {"} 31035686671", absl::StrCat("} ", gpu1_mj)}});
}

TEST(PrometheusMeterTest, DcgmEnergyCounterIsOneReadingPerGpuInJoules) {
  FakeClock clock;
  ScriptedEndpoint dcgm({kDcgmExporter, DcgmWithEnergy("319164391", "31035688671")});
  PrometheusMeter meter(Options("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"), &clock, dcgm.Fetcher());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> first, meter.Read());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> second, meter.Read());
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].energy_j(), 0.0);  // the meter's origin is its first read
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].device(), kGpu0);
  EXPECT_EQ(second[0].domain(), "gpu");
  EXPECT_DOUBLE_EQ(second[0].energy_j(), 5.0);  // 5000 mJ
  EXPECT_EQ(second[1].device(), kGpu1);
  EXPECT_DOUBLE_EQ(second[1].energy_j(), 2.0);
  EXPECT_EQ(second[1].method(), v1::ENERGY_METHOD_PROMETHEUS_COUNTER);
  EXPECT_FALSE(second[1].estimated());
  EXPECT_EQ(second[1].counter_resets(), 0u);
  EXPECT_EQ(second[1].source(),
            "http://127.0.0.1:9400/metrics DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
  EXPECT_EQ(dcgm.urls.size(), 2u);
  const MeterDescription description = meter.Describe();
  EXPECT_FALSE(description.needs_sampling);
  EXPECT_FALSE(description.simulated);
  EXPECT_THAT(description.summary, HasSubstr("prometheus-counter"));
  EXPECT_THAT(description.summary, HasSubstr("(mJ, 2 series)"));
}

TEST(PrometheusMeterTest, AnExporterRestartIsCountedAndItsNewCountAdded) {
  FakeClock clock;
  ScriptedEndpoint dcgm({kDcgmExporter, DcgmWithEnergy("1500", "31035686671"),
                         DcgmWithEnergy("2500", "31035686671")});
  PrometheusMeter meter(Options("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"), &clock, dcgm.Fetcher());
  ASSERT_OK(meter.Read().status());
  ASSERT_OK(meter.Read().status());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> readings, meter.Read());
  EXPECT_DOUBLE_EQ(readings[0].energy_j(), 2.5);  // 1500 mJ after the restart, then 1000 more
  EXPECT_EQ(readings[0].counter_resets(), 1u);
  EXPECT_EQ(readings[1].counter_resets(), 0u);
  EXPECT_EQ(readings[1].energy_j(), 0.0);
}

TEST(PrometheusMeterTest, OnlyTheSelectedGpusAreRead) {
  FakeClock clock;
  ScriptedEndpoint dcgm({kDcgmExporter});
  PrometheusOptions options = Options("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
  options.gpus = {kGpu1};
  PrometheusMeter meter(options, &clock, dcgm.Fetcher());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> readings, meter.Read());
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].device(), kGpu1);

  // By PCI bus id, when the exporter labels it (any case and domain width).
  const std::string with_bus = absl::StrReplaceAll(
      kDcgmExporter,
      {{"device=\"nvidia0\"", "device=\"nvidia0\", pci_bus_id=\"00000000:3b:00.0\""}});
  ScriptedEndpoint bus({with_bus});
  options.gpus = {"00000000:3B:00.0"};
  PrometheusMeter by_bus(options, &clock, bus.Fetcher());
  ASSERT_OK_AND_ASSIGN(readings, by_bus.Read());
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].device(), kGpu0);

  options.gpus = {"GPU-ffffffff-0000-0000-0000-000000000000"};
  PrometheusMeter none(options, &clock, dcgm.Fetcher());
  EXPECT_THAT(none.Read(), StatusIs(absl::StatusCode::kNotFound,
                                    "2 series are of GPUs other than the selected"));
}

TEST(PrometheusMeterTest, DcgmPowerGaugeIsIntegratedBetweenReads) {
  FakeClock clock;
  const std::string lower = absl::StrReplaceAll(kDcgmExporter, {{"409.692000", "209.692000"}});
  ScriptedEndpoint dcgm({kDcgmExporter, lower, lower});
  PrometheusMeter meter(Options("DCGM_FI_DEV_POWER_USAGE{gpu=\"0\"}"), &clock, dcgm.Fetcher());
  ASSERT_OK(meter.Read().status());
  clock.Advance(absl::Seconds(2));
  ASSERT_OK(meter.Read().status());
  clock.Advance(absl::Milliseconds(500));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> readings, meter.Read());
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].device(), kGpu0);
  // Trapezoids: 2 s from 409.692 W to 209.692 W, then 0.5 s at 209.692 W.
  EXPECT_NEAR(readings[0].energy_j(), 2 * 309.692 + 0.5 * 209.692, 1e-9);
  EXPECT_EQ(readings[0].method(), v1::ENERGY_METHOD_PROMETHEUS_POWER_INTEGRATED);
  const MeterDescription description = meter.Describe();
  EXPECT_TRUE(description.needs_sampling);
  EXPECT_EQ(description.methods,
            std::vector<v1::EnergyMethod>{v1::ENERGY_METHOD_PROMETHEUS_POWER_INTEGRATED});
}

TEST(PrometheusMeterTest, KeplerCpuJoulesArePackageAndDramWithoutTheOverlappingZones) {
  FakeClock clock;
  const std::string later = absl::StrReplaceAll(
      kKepler, {{"} 12300\n", "} 12400\n"}, {"} 2340\n", "} 2350.5\n"}, {"} 20100.25", "} 21000"}});
  ScriptedEndpoint kepler({kKepler, later});
  PrometheusMeter meter(Options("kepler_node_cpu_joules_total"), &clock, kepler.Fetcher());
  ASSERT_OK(meter.Read().status());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> readings, meter.Read());
  ASSERT_EQ(readings.size(), 2u);
  EXPECT_EQ(readings[0].domain(), "cpu");
  EXPECT_EQ(readings[0].device(), "/sys/class/powercap/intel-rapl/intel-rapl:0");
  EXPECT_DOUBLE_EQ(readings[0].energy_j(), 100.0);
  EXPECT_EQ(readings[1].domain(), "dram");
  EXPECT_DOUBLE_EQ(readings[1].energy_j(), 10.5);

  // Naming the zone reads it, here the platform (psys) as the node.
  ScriptedEndpoint again({kKepler, later});
  PrometheusMeter psys(Options("kepler_node_cpu_joules_total{zone=\"psys\"}"), &clock,
                       again.Fetcher());
  ASSERT_OK(psys.Read().status());
  ASSERT_OK_AND_ASSIGN(readings, psys.Read());
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].domain(), "node");
  EXPECT_DOUBLE_EQ(readings[0].energy_j(), 899.75);
}

TEST(PrometheusMeterTest, OnlyOverlappingZonesIsNotFoundWithTheFix) {
  FakeClock clock;
  ScriptedEndpoint kepler(
      {"kepler_node_cpu_joules_total{node_name=\"n\",path=\"/p\",zone=\"psys\"} 5\n"});
  PrometheusMeter meter(Options("kepler_node_cpu_joules_total"), &clock, kepler.Fetcher());
  EXPECT_THAT(meter.Probe(),
              StatusIs(absl::StatusCode::kNotFound, "left out unless the selector names the zone"));
}

TEST(PrometheusMeterTest, TwoSeriesOfOneDeviceAreRefusedNotAdded) {
  // DCGM exporter's pod attribution: one GPU, a series per pod using it.
  FakeClock clock;
  ScriptedEndpoint dcgm(
      {"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\",UUID=\"GPU-a\",pod=\"vllm-1\"} 100\n"
       "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\",UUID=\"GPU-a\",pod=\"vllm-2\"} 100\n"});
  PrometheusMeter meter(Options("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"), &clock, dcgm.Fetcher());
  EXPECT_THAT(meter.Read(), StatusIs(absl::StatusCode::kInvalidArgument,
                                     "two series of DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION are "
                                     "device 'GPU-a'"));
  PrometheusMeter narrowed(Options("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{pod=\"vllm-2\"}"), &clock,
                           dcgm.Fetcher());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> readings, narrowed.Read());
  EXPECT_EQ(readings.size(), 1u);
}

TEST(PrometheusMeterTest, MissingSeriesSaysWhichThereAre) {
  FakeClock clock;
  ScriptedEndpoint dcgm({kDcgmExporter});
  PrometheusMeter absent(Options("joulebench_sim_energy_joules_total"), &clock, dcgm.Fetcher());
  EXPECT_THAT(absent.Probe(),
              StatusIs(absl::StatusCode::kNotFound,
                       "joulebench_sim_energy_joules_total at http://127.0.0.1:9400/metrics is "
                       "not readable: http://127.0.0.1:9400/metrics: no series of metric"));
  PrometheusMeter unmatched(Options("DCGM_FI_DEV_POWER_USAGE{gpu=\"7\"}"), &clock, dcgm.Fetcher());
  EXPECT_THAT(unmatched.Read(),
              StatusIs(absl::StatusCode::kNotFound,
                       "none of the 2 series of DCGM_FI_DEV_POWER_USAGE ({gpu=\"0\",UUID="));
}

TEST(PrometheusMeterTest, ScrapeFailureBadTextAndNonFiniteValuesAreErrors) {
  FakeClock clock;
  PrometheusMeter down(Options("joulebench_sim_energy_joules_total"), &clock,
                       [](const std::string&) -> absl::StatusOr<std::string> {
                         return absl::UnavailableError("connection refused");
                       });
  EXPECT_THAT(down.Read(), StatusIs(absl::StatusCode::kUnavailable, "connection refused"));
  ScriptedEndpoint broken({"joulebench_sim_energy_joules_total{ 1\n"});
  PrometheusMeter bad(Options("joulebench_sim_energy_joules_total"), &clock, broken.Fetcher());
  EXPECT_THAT(bad.Read(), StatusIs(absl::StatusCode::kInvalidArgument, "line 1"));
  ScriptedEndpoint nan({"joulebench_sim_energy_joules_total{hardware=\"a100\"} NaN\n"});
  PrometheusMeter not_finite(Options("joulebench_sim_energy_joules_total"), &clock, nan.Fetcher());
  EXPECT_THAT(not_finite.Read(), StatusIs(absl::StatusCode::kInvalidArgument, "finite"));
}

}  // namespace
}  // namespace jb::worker
