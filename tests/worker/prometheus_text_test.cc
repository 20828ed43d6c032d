#include "worker/energy/prometheus_text.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

TEST(PrometheusTextTest, ParsesNameLabelsValueAndTimestamp) {
  ASSERT_OK_AND_ASSIGN(auto samples,
                       ParsePrometheusText("http_requests_total{method=\"post\",code=\"200\"} "
                                           "1027 1395066363000\n"));
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].name, "http_requests_total");
  EXPECT_THAT(samples[0].labels, ElementsAre(Pair("method", "post"), Pair("code", "200")));
  EXPECT_EQ(samples[0].value, 1027);
  EXPECT_EQ(samples[0].timestamp_ms, 1395066363000);
}

TEST(PrometheusTextTest, ParsesSampleWithoutLabelsOrTimestamp) {
  ASSERT_OK_AND_ASSIGN(auto samples, ParsePrometheusText("up 1\n"));
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].name, "up");
  EXPECT_TRUE(samples[0].labels.empty());
  EXPECT_EQ(samples[0].value, 1);
  EXPECT_FALSE(samples[0].timestamp_ms.has_value());
}

TEST(PrometheusTextTest, UnescapesLabelValues) {
  ASSERT_OK_AND_ASSIGN(
      auto samples,
      ParsePrometheusText(R"(msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",)"
                          R"(error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9)"));
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_THAT(samples[0].labels, ElementsAre(Pair("path", "C:\\DIR\\FILE.TXT"),
                                             Pair("error", "Cannot find file:\n\"FILE.TXT\"")));
  EXPECT_EQ(samples[0].value, 1.458255915e9);
}

TEST(PrometheusTextTest, LabelValuesMayHoldBracesCommasAndHashes) {
  ASSERT_OK_AND_ASSIGN(auto samples, ParsePrometheusText("m{a=\"x}, y # z\", b = \"\" ,} 2\n"));
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_THAT(samples[0].labels, ElementsAre(Pair("a", "x}, y # z"), Pair("b", "")));
  EXPECT_EQ(samples[0].value, 2);
}

TEST(PrometheusTextTest, ParsesSpecialAndScientificValues) {
  ASSERT_OK_AND_ASSIGN(auto samples, ParsePrometheusText("a NaN\n"
                                                         "b +Inf\n"
                                                         "c -Inf\n"
                                                         "d 1.5e-3\n"
                                                         "e -2E+2\n"));
  ASSERT_EQ(samples.size(), 5u);
  EXPECT_TRUE(std::isnan(samples[0].value));
  EXPECT_EQ(samples[1].value, INFINITY);
  EXPECT_EQ(samples[2].value, -INFINITY);
  EXPECT_DOUBLE_EQ(samples[3].value, 0.0015);
  EXPECT_EQ(samples[4].value, -200);
}

TEST(PrometheusTextTest, SkipsCommentsBlankLinesAndEof) {
  ASSERT_OK_AND_ASSIGN(auto samples, ParsePrometheusText("# HELP x An x.\n"
                                                         "# TYPE x counter\n"
                                                         "\n"
                                                         "   # indented comment\n"
                                                         "x_total 3\r\n"
                                                         "# EOF\n"));
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].name, "x_total");
  EXPECT_EQ(samples[0].value, 3);
}

TEST(PrometheusTextTest, MalformedLineFailsNamingItsLineNumber) {
  EXPECT_THAT(ParsePrometheusText("ok 1\nbroken{a=\"1\" 2\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "line 2"));
  EXPECT_THAT(ParsePrometheusText("x abc\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "not a number"));
  EXPECT_THAT(ParsePrometheusText("x{a=\"unterminated} 1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "line 1"));
  EXPECT_THAT(ParsePrometheusText("x\n"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePrometheusText("x 1 2 3\n"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PrometheusTextTest, OnlyMetricParsesThatMetricsLinesAlone) {
  const char* text =
      "# TYPE m_total counter\n"
      "m_total{gpu=\"0\"} 1\n"
      "m_total_created{gpu=\"0\"} 1700000000\n"
      "other{ broken\n"
      "m_total 2\n";
  ASSERT_OK_AND_ASSIGN(std::vector<PrometheusSample> samples, ParsePrometheusText(text, "m_total"));
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].value, 1);
  EXPECT_EQ(samples[1].value, 2);
  EXPECT_THAT(ParsePrometheusText(text), StatusIs(absl::StatusCode::kInvalidArgument, "line 4"));
  EXPECT_THAT(ParsePrometheusText("m_total{ 1\n", "m_total"),
              StatusIs(absl::StatusCode::kInvalidArgument, "line 1"));
}

TEST(PrometheusTextTest, SeriesParseWithoutAValue) {
  ASSERT_OK_AND_ASSIGN(PrometheusSample bare, ParsePrometheusSeries(" m_total "));
  EXPECT_EQ(bare.name, "m_total");
  EXPECT_TRUE(bare.labels.empty());
  ASSERT_OK_AND_ASSIGN(PrometheusSample labelled,
                       ParsePrometheusSeries("m{zone=\"package\", path=\"/a,b\"}"));
  EXPECT_EQ(LabelValue(labelled, "path"), "/a,b");
  EXPECT_EQ(LabelValue(labelled, "gpu"), std::nullopt);
  EXPECT_THAT(ParsePrometheusSeries("m 1"),
              StatusIs(absl::StatusCode::kInvalidArgument, "unexpected '1' after the series"));
  EXPECT_THAT(ParsePrometheusSeries("{a=\"b\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected a metric name"));
}

}  // namespace
}  // namespace jb::worker
