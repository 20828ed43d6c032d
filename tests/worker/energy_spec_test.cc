// The --energy spec: parsing, and what SetUpEnergy chooses and records.
#include "worker/energy/energy_spec.h"

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(EnergySpecTest, ParsesAutoNoneAndLists) {
  ASSERT_OK_AND_ASSIGN(EnergySpec automatic, ParseEnergySpec("auto"));
  EXPECT_EQ(automatic.kind, EnergySpec::Kind::kAuto);
  ASSERT_OK_AND_ASSIGN(EnergySpec none, ParseEnergySpec("none"));
  EXPECT_EQ(none.kind, EnergySpec::Kind::kNone);
  ASSERT_OK_AND_ASSIGN(EnergySpec list,
                       ParseEnergySpec("nvml,rapl,prometheus=http://h:9400/metrics#"
                                       "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION,estimate,"
                                       "estimate-params=0.5"));
  ASSERT_EQ(list.kind, EnergySpec::Kind::kList);
  std::vector<EnergySource::Kind> kinds;
  for (const EnergySource& s : list.sources) kinds.push_back(s.kind);
  EXPECT_THAT(kinds,
              ElementsAre(EnergySource::Kind::kNvml, EnergySource::Kind::kRapl,
                          EnergySource::Kind::kPrometheus, EnergySource::Kind::kEstimateCpu,
                          EnergySource::Kind::kEstimateRam, EnergySource::Kind::kEstimateParams));
  EXPECT_EQ(list.sources[2].url, "http://h:9400/metrics");
  EXPECT_EQ(list.sources[2].selector.metric, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
  EXPECT_EQ(list.sources[2].selector.unit, "mJ");
  EXPECT_EQ(list.sources[5].params_k, 0.5);
  ASSERT_OK_AND_ASSIGN(EnergySpec plain, ParseEnergySpec("prometheus=http://h:9400/metrics"));
  EXPECT_EQ(plain.sources[0].selector.metric, "joulebench_sim_energy_joules_total");
  // A selector's labels keep their commas: the list splits outside braces only.
  ASSERT_OK_AND_ASSIGN(
      EnergySpec labelled,
      ParseEnergySpec("nvml,prometheus=http://h:9400/metrics#DCGM_FI_DEV_POWER_USAGE"
                      "{gpu=\"0\",UUID=\"GPU-a\"};domain=gpu,rapl"));
  ASSERT_EQ(labelled.sources.size(), 3u);
  EXPECT_EQ(labelled.sources[1].selector.ToString(),
            "DCGM_FI_DEV_POWER_USAGE{gpu=\"0\",UUID=\"GPU-a\"}");
  EXPECT_EQ(labelled.sources[1].selector.kind, PrometheusSelector::Kind::kGauge);
}

TEST(EnergySpecTest, RejectsBadFormsNamingThePiece) {
  EXPECT_THAT(ParseEnergySpec("nvm"), StatusIs(absl::StatusCode::kInvalidArgument, "'nvm'"));
  EXPECT_THAT(ParseEnergySpec(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseEnergySpec("prometheus=h:9400/metrics"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseEnergySpec("prometheus=http://h/metrics#"),
              StatusIs(absl::StatusCode::kInvalidArgument, "empty selector"));
  EXPECT_THAT(ParseEnergySpec("nvml,auto"),
              StatusIs(absl::StatusCode::kInvalidArgument, "cannot be combined"));
  EXPECT_THAT(ParseEnergySpec("rapl,rapl"),
              StatusIs(absl::StatusCode::kInvalidArgument, "named twice"));
  EXPECT_THAT(ParseEnergySpec("estimate-params=-1"),
              StatusIs(absl::StatusCode::kInvalidArgument, "positive"));
  EXPECT_THAT(ParseEnergySpec("prometheus=http://h/m#node_energy"),
              StatusIs(absl::StatusCode::kInvalidArgument, "add ;unit="));
}

// A worker environment where neither NVML nor RAPL can be read (as on this build machine).
EnergyEnvironment NothingReadable() {
  EnergyEnvironment env;
  env.nvml_library = "/nonexistent/libnvidia-ml.so.1";
  env.powercap_root = (std::filesystem::path(::testing::TempDir()) / "no-powercap").string();
  env.tally = std::make_shared<WorkTally>();
  return env;
}

TEST(SetUpEnergyTest, AutoWithNothingMeasurableUsesTheLabelledEstimatesAndSaysWhy) {
  v1::InferenceServer vllm;
  vllm.set_kind("vllm");
  ASSERT_OK_AND_ASSIGN(EnergySetup setup,
                       SetUpEnergy(*ParseEnergySpec("auto"), vllm, NothingReadable()));
  ASSERT_EQ(setup.probe.size(), 5u);
  EXPECT_THAT(setup.probe[0], StartsWith("prometheus: not used: no --energy-prometheus"));
  EXPECT_THAT(setup.probe[1],
              StartsWith("nvml: not used: /nonexistent/libnvidia-ml.so.1 not found"));
  EXPECT_THAT(setup.probe[2], StartsWith("rapl: not used: no RAPL package zones"));
  EXPECT_THAT(setup.probe[3], StartsWith("estimate-cpu: used"));
  EXPECT_THAT(setup.probe[4], StartsWith("estimate-ram: used"));
  const MeterDescription d = setup.meter->Describe();
  EXPECT_THAT(d.methods,
              ElementsAre(v1::ENERGY_METHOD_ESTIMATE_TDP, v1::ENERGY_METHOD_ESTIMATE_RAM));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> readings, setup.meter->Read());
  ASSERT_EQ(readings.size(), 2u);
  EXPECT_TRUE(readings[0].estimated());
  EXPECT_TRUE(readings[1].estimated());
}

TEST(SetUpEnergyTest, ExplicitSourceThatCannotBeReadStopsWithTheReason) {
  v1::InferenceServer vllm;
  EXPECT_THAT(SetUpEnergy(*ParseEnergySpec("nvml"), vllm, NothingReadable()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "--energy nvml: /nonexistent/libnvidia-ml.so.1 not found"));
  EXPECT_THAT(SetUpEnergy(*ParseEnergySpec("estimate-cpu,rapl"), vllm, NothingReadable()),
              StatusIs(absl::StatusCode::kFailedPrecondition, "--energy rapl: no RAPL"));
}

TEST(SetUpEnergyTest, NoneAndExplicitEstimates) {
  v1::InferenceServer vllm;
  ASSERT_OK_AND_ASSIGN(EnergySetup none,
                       SetUpEnergy(*ParseEnergySpec("none"), vllm, NothingReadable()));
  EXPECT_THAT(none.meter->Describe().methods, ElementsAre(v1::ENERGY_METHOD_NONE));
  ASSERT_OK_AND_ASSIGN(EnergySetup params,
                       SetUpEnergy(*ParseEnergySpec("estimate-params=2"), vllm, NothingReadable()));
  EXPECT_THAT(params.meter->Describe().methods, ElementsAre(v1::ENERGY_METHOD_ESTIMATE_PARAMS));
  EXPECT_THAT(params.probe, ElementsAre(HasSubstr("estimate-params=2: used")));
}

TEST(SetUpEnergyTest, AutoOnTheSimulatorNeedsItsCounter) {
  v1::InferenceServer sim;
  sim.set_simulated(true);
  sim.set_base_url("http://127.0.0.1:1/v1");  // nothing listens on port 1
  EXPECT_THAT(SetUpEnergy(*ParseEnergySpec("auto"), sim, NothingReadable()),
              StatusIs(absl::StatusCode::kFailedPrecondition, "simulator's energy counter"));
}

}  // namespace
}  // namespace jb::worker
