// The selector of a Prometheus energy source: metric, labels, unit and domain.
#include "worker/energy/prometheus_selector.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using Kind = PrometheusSelector::Kind;

TEST(PrometheusSelectorTest, KnownMetricsCarryTheirExportersUnitAndDomain) {
  ASSERT_OK_AND_ASSIGN(PrometheusSelector dcgm,
                       ParsePrometheusSelector("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"));
  EXPECT_EQ(dcgm.kind, Kind::kCounter);
  EXPECT_EQ(dcgm.unit, "mJ");
  EXPECT_EQ(dcgm.scale, 1e-3);
  EXPECT_EQ(dcgm.domain, "gpu");
  ASSERT_OK_AND_ASSIGN(PrometheusSelector power,
                       ParsePrometheusSelector("DCGM_FI_DEV_POWER_USAGE"));
  EXPECT_EQ(power.kind, Kind::kGauge);
  EXPECT_EQ(power.unit, "W");
  ASSERT_OK_AND_ASSIGN(PrometheusSelector kepler,
                       ParsePrometheusSelector("kepler_node_cpu_joules_total"));
  EXPECT_EQ(kepler.kind, Kind::kCounter);
  EXPECT_EQ(kepler.domain, std::nullopt);  // per series, from the zone label
}

TEST(PrometheusSelectorTest, LabelsAndOptionsParse) {
  ASSERT_OK_AND_ASSIGN(
      PrometheusSelector selector,
      ParsePrometheusSelector("node_energy_total{ job = \"ipmi\", host=\"a;b\" } ;unit=kWh;"
                              " domain = node"));
  EXPECT_EQ(selector.metric, "node_energy_total");
  ASSERT_EQ(selector.labels.size(), 2u);
  EXPECT_EQ(selector.labels[1].second, "a;b");  // a quoted ';' is not an option separator
  EXPECT_EQ(selector.kind, Kind::kCounter);
  EXPECT_EQ(selector.scale, 3.6e6);
  EXPECT_EQ(selector.domain, "node");
  EXPECT_EQ(selector.ToString(), "node_energy_total{job=\"ipmi\",host=\"a;b\"}");

  ASSERT_OK_AND_ASSIGN(PrometheusSelector gauge,
                       ParsePrometheusSelector("DCGM_FI_DEV_POWER_USAGE;unit=mW;domain=node"));
  EXPECT_EQ(gauge.kind, Kind::kGauge);
  EXPECT_EQ(gauge.scale, 1e-3);
  EXPECT_EQ(gauge.domain, "node");  // the option wins over the table
}

TEST(PrometheusSelectorTest, UnitFromTheNameSuffixOtherwiseRefusedWithTheFix) {
  ASSERT_OK_AND_ASSIGN(PrometheusSelector joules, ParsePrometheusSelector("ipmi_joules_total"));
  EXPECT_EQ(joules.kind, Kind::kCounter);
  EXPECT_EQ(joules.domain, std::nullopt);
  ASSERT_OK_AND_ASSIGN(PrometheusSelector watts, ParsePrometheusSelector("ipmi_power_watts"));
  EXPECT_EQ(watts.kind, Kind::kGauge);
  EXPECT_THAT(ParsePrometheusSelector("ipmi_power"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "selector 'ipmi_power': the unit of ipmi_power is not known; add ;unit=U"));
}

TEST(PrometheusSelectorTest, BadSelectorsSayWhatIsWrong) {
  EXPECT_THAT(ParsePrometheusSelector("m{gpu!=\"0\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument, "only exact label matches"));
  EXPECT_THAT(ParsePrometheusSelector("m{gpu=~\"0|1\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument, "only exact label matches"));
  EXPECT_THAT(ParsePrometheusSelector("m{gpu=\"0\""),
              StatusIs(absl::StatusCode::kInvalidArgument, "write METRIC or METRIC{"));
  EXPECT_THAT(ParsePrometheusSelector("m_joules_total x"),
              StatusIs(absl::StatusCode::kInvalidArgument, "unexpected 'x'"));
  EXPECT_THAT(ParsePrometheusSelector("m_joules_total;unit=cal"),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown unit 'cal'"));
  EXPECT_THAT(ParsePrometheusSelector("m_joules_total;domain=disk"),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown domain 'disk'"));
  EXPECT_THAT(ParsePrometheusSelector("m_joules_total;scale=2"),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown option 'scale=2'"));
}

TEST(PrometheusSelectorTest, MatchesNeedsTheMetricAndEverySelectedLabel) {
  ASSERT_OK_AND_ASSIGN(PrometheusSelector selector,
                       ParsePrometheusSelector("m_joules_total{gpu=\"0\"}"));
  PrometheusSample sample{"m_joules_total", {{"UUID", "GPU-a"}, {"gpu", "0"}}, 1, std::nullopt};
  EXPECT_TRUE(selector.Matches(sample));
  sample.labels[1].second = "1";
  EXPECT_FALSE(selector.Matches(sample));
  sample.labels[1].second = "0";
  sample.name = "m_joules_total_created";
  EXPECT_FALSE(selector.Matches(sample));
  EXPECT_TRUE(selector.Selects("gpu"));
  EXPECT_FALSE(selector.Selects("zone"));
}

TEST(PrometheusSelectorTest, DomainPerSeriesFollowsTheRaplZone) {
  ASSERT_OK_AND_ASSIGN(PrometheusSelector kepler,
                       ParsePrometheusSelector("kepler_node_cpu_joules_total"));
  auto domain = [&](const char* zone) {
    return SeriesDomain(kepler, {"kepler_node_cpu_joules_total", {{"zone", zone}}, 0, {}});
  };
  EXPECT_EQ(domain("package"), "cpu");
  EXPECT_EQ(domain("core"), "cpu");
  EXPECT_EQ(domain("dram"), "dram");
  EXPECT_EQ(domain("psys"), "node");
  EXPECT_EQ(SeriesDomain(kepler, {"kepler_node_cpu_joules_total", {}, 0, {}}), "node");
}

}  // namespace
}  // namespace jb::worker
