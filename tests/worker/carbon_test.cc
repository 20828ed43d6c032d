#include "worker/energy/carbon.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "worker/energy/energy_tables.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using ::testing::HasSubstr;

// A downward-API style labels file in the test's temporary directory.
std::string LabelsFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CarbonIntensityTest, CountryFromTheTableWithItsYear) {
  // global_energy_mix.json: FRA carbon_intensity 56.039, year 2023.
  CarbonIntensity fra = ResolveCarbonIntensity("FRA", std::nullopt);
  EXPECT_DOUBLE_EQ(fra.g_per_kwh, 56.039);
  EXPECT_THAT(fra.source, HasSubstr("country-table:FRA:2023"));
  EXPECT_FALSE(fra.fallback);
  EXPECT_DOUBLE_EQ(ResolveCarbonIntensity("ind", std::nullopt).g_per_kwh, 713.441);
}

TEST(CarbonIntensityTest, CloudRegionWithOrWithoutItsProvider) {
  // cloud_impact.csv: gcp europe-west1 (Belgium) 122 g/kWh.
  CarbonIntensity region = ResolveCarbonIntensity("europe-west1", std::nullopt);
  EXPECT_DOUBLE_EQ(region.g_per_kwh, 122);
  EXPECT_THAT(region.source, HasSubstr("cloud-region:gcp:europe-west1"));
  EXPECT_DOUBLE_EQ(ResolveCarbonIntensity("gcp:europe-west1", std::nullopt).g_per_kwh, 122);
  EXPECT_TRUE(ResolveCarbonIntensity("aws:europe-west1", std::nullopt).fallback);
}

TEST(CarbonIntensityTest, UnknownOrMissingRegionIsTheLabelledWorldAverage) {
  CarbonIntensity unknown = ResolveCarbonIntensity("us-east-1", std::nullopt);
  EXPECT_EQ(unknown.g_per_kwh, 475);
  EXPECT_TRUE(unknown.fallback);
  EXPECT_THAT(unknown.source, HasSubstr("world-average:475"));
  EXPECT_THAT(unknown.source, HasSubstr("'us-east-1' not in the tables"));
  CarbonIntensity missing = ResolveCarbonIntensity("", std::nullopt);
  EXPECT_EQ(missing.g_per_kwh, 475);
  EXPECT_THAT(missing.source, HasSubstr("region unknown"));
}

TEST(CarbonIntensityTest, OverrideWins) {
  CarbonIntensity configured = ResolveCarbonIntensity("FRA", 20.5);
  EXPECT_EQ(configured.g_per_kwh, 20.5);
  EXPECT_EQ(configured.source, "configured");
  EXPECT_FALSE(configured.fallback);
}

TEST(CarbonSettingsTest, FlagThenEnvironmentThenLabelsFile) {
  const std::string labels =
      LabelsFile("labels", "app=\"worker\"\ntopology.kubernetes.io/region=\"DEU\"\nzone=\"b\"\n");
  ASSERT_OK_AND_ASSIGN(CarbonSettings flag, ResolveCarbonSettings("FRA", "USA", labels, {}, 1.1));
  EXPECT_EQ(flag.region, "FRA");
  EXPECT_EQ(flag.region_source, "--region");
  EXPECT_EQ(flag.pue, 1.1);
  ASSERT_OK_AND_ASSIGN(CarbonSettings env, ResolveCarbonSettings("", "USA", labels, {}, 1.0));
  EXPECT_EQ(env.region, "USA");
  EXPECT_EQ(env.region_source, "JOULEBENCH_REGION");
  ASSERT_OK_AND_ASSIGN(CarbonSettings node, ResolveCarbonSettings("", "", labels, {}, 1.0));
  EXPECT_EQ(node.region, "DEU");
  EXPECT_THAT(node.region_source, HasSubstr("topology.kubernetes.io/region"));
  EXPECT_DOUBLE_EQ(node.intensity.g_per_kwh, 380.95);
}

TEST(CarbonSettingsTest, JoulebenchLabelBeatsTheTopologyLabel) {
  const std::string labels = LabelsFile(
      "labels2", "joulebench.io/region=\"FRA\"\ntopology.kubernetes.io/region=\"DEU\"\n");
  ASSERT_OK_AND_ASSIGN(CarbonSettings node, ResolveCarbonSettings("", "", labels, {}, 1.0));
  EXPECT_EQ(node.region, "FRA");
}

TEST(CarbonSettingsTest, NoRegionAnywhereIsTheFallback) {
  ASSERT_OK_AND_ASSIGN(CarbonSettings none, ResolveCarbonSettings("", "", "", {}, 1.0));
  EXPECT_EQ(none.region, "");
  EXPECT_EQ(none.region_source, "");
  EXPECT_TRUE(none.intensity.fallback);
}

TEST(CarbonSettingsTest, BadPueAndUnreadableLabelsAreErrors) {
  EXPECT_THAT(ResolveCarbonSettings("FRA", "", "", {}, 0.9),
              StatusIs(absl::StatusCode::kInvalidArgument, "--pue is 0.9"));
  EXPECT_THAT(ResolveCarbonSettings("FRA", "", "", {}, 3.5),
              StatusIs(absl::StatusCode::kInvalidArgument, "--pue"));
  EXPECT_THAT(ResolveCarbonSettings("", "", "/nonexistent/labels", {}, 1.0),
              StatusIs(absl::StatusCode::kNotFound, "--node-labels /nonexistent/labels"));
}

TEST(CarbonTablesTest, EveryRowHasAValueAYearAndASource) {
  int countries = 0;
  for (absl::string_view line :
       absl::StrSplit(EnergyTable("carbon_intensity_countries.csv"), '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#") || absl::StartsWith(line, "iso3,")) continue;
    std::vector<std::string> f = absl::StrSplit(line, ',');
    ASSERT_EQ(f.size(), 5u) << line;
    EXPECT_EQ(f[0].size(), 3u) << line;
    EXPECT_EQ(f[3].size(), 4u) << line;  // a year
    EXPECT_FALSE(f[4].empty()) << line;
    ++countries;
  }
  EXPECT_EQ(countries, 213);  // every country of global_energy_mix.json
}

}  // namespace
}  // namespace jb::worker
