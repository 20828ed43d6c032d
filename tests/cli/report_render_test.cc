#include "cli/report_render.h"

#include <cmath>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace jb::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<TaskSection> Sections() {
  storage::CellSummary a;
  a.sweep_id = 7;
  a.task = "t";
  a.model = "m|1";
  a.hardware_class = "gpu";
  a.samples = 40;
  a.completeness = 1;
  a.score_metric = "none/acc";
  a.score = 0.75;
  a.score_ci = {0.6, 0.86, "wilson"};
  a.joules_per_query = 2.5;
  a.method = "prometheus-counter";
  a.simulated = true;
  a.carbon_g_per_query = NAN;
  a.cost_usd_per_query = 0.001;
  a.per_unit = "sample";
  a.peak_memory_mb = NAN;
  storage::CellSummary b = a;
  b.model = "m2";
  b.score = NAN;
  b.samples = 10;
  b.completeness = 0.25;
  return BuildReport({a, b});
}

TEST(ReportRenderTest, FormatsParse) {
  for (const char* f : {"table", "md", "csv", "json", "html"}) {
    EXPECT_TRUE(ParseReportFormat(f).has_value()) << f;
  }
  EXPECT_FALSE(ParseReportFormat("pdf").has_value());
}

TEST(ReportRenderTest, TableLabelsSimulatedEnergyAndUnknowns) {
  const std::string text = RenderReport({"Sweep 7", {"a note"}}, Sections(), ReportFormat::kTable);
  EXPECT_THAT(text, HasSubstr("Sweep 7\na note\n"));
  EXPECT_THAT(text, HasSubstr("0.750 [0.600, 0.860]"));
  EXPECT_THAT(text, HasSubstr("prometheus-counter (simulated)"));
  EXPECT_THAT(text, HasSubstr("10 (25%)"));
  EXPECT_THAT(text, HasSubstr("- (no memory)"));
  EXPECT_THAT(text, Not(HasSubstr("nan")));
  // A PER of 0 is explained where it is read.
  EXPECT_THAT(text, HasSubstr("the worst of them on any term scores 0"));
}

TEST(ReportRenderTest, TableShowsEachCellsMemoryInWholeMegabytes) {
  std::vector<TaskSection> sections = Sections();
  sections[0].cells[0].cell.peak_memory_mb = 134000.4;
  const std::string text = RenderReport({"Sweep 7"}, sections, ReportFormat::kTable);
  EXPECT_THAT(text, HasSubstr("memory MB"));
  EXPECT_THAT(text, HasSubstr(" 134000 "));
}

TEST(ReportRenderTest, MarkdownEscapesPipes) {
  const std::string md = RenderReport({"Sweep 7"}, Sections(), ReportFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("# Sweep 7\n"));
  EXPECT_THAT(md, HasSubstr("| m\\|1 | gpu |"));
}

TEST(ReportRenderTest, JsonAndCsvCarryEveryCellWithNullForUnknown) {
  const nlohmann::json j =
      nlohmann::json::parse(RenderReport({"Sweep 7"}, Sections(), ReportFormat::kJson));
  ASSERT_EQ(j["tasks"].size(), 1u);
  const auto& cells = j["tasks"][0]["cells"];
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0]["model"], "m|1");
  EXPECT_EQ(cells[0]["score"], 0.75);
  EXPECT_EQ(cells[0]["simulated"], true);
  EXPECT_TRUE(cells[0]["gco2e_per_query"].is_null());
  EXPECT_TRUE(cells[1]["score"].is_null());
  EXPECT_TRUE(cells[1]["score_ci_low"].is_null());
  EXPECT_EQ(cells[0]["usd_per_1k_queries"], 1);

  const std::string csv = RenderReport({"Sweep 7"}, Sections(), ReportFormat::kCsv);
  std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("sweep_id,task,model,hardware_class,samples"));
  EXPECT_THAT(lines[1], HasSubstr("7,t,m|1,gpu,40"));
  EXPECT_EQ(std::count(lines[0].begin(), lines[0].end(), ','),
            std::count(lines[1].begin(), lines[1].end(), ','));
  // A field holding a comma is quoted (RFC 4180).
  EXPECT_THAT(lines[2], HasSubstr(",\"score, memory\","));
}

TEST(ReportRenderTest, HtmlEmbedsOneChartPerClassAndTradeoff) {
  const std::string html = RenderReport({"<Sweep>"}, Sections(), ReportFormat::kHtml);
  EXPECT_THAT(html, HasSubstr("<h1>&lt;Sweep&gt;</h1>"));
  size_t svgs = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    ++svgs;
  }
  EXPECT_EQ(svgs, 4u) << "one hardware class, four trade-offs";
  EXPECT_THAT(html, HasSubstr("score against J/query"));
}

TEST(ReportRenderTest, RecommendationShowsTheChoiceOrOnlyTheExplanation) {
  Recommendation none;
  none.explanation = "no model reaches 0.9 on t";
  EXPECT_EQ(RenderRecommendation(none, Tradeoff::kEnergy, ReportFormat::kTable),
            "no model reaches 0.9 on t.\n");
  Recommendation r;
  r.choice = Sections()[0].cells[0].cell;
  r.alternatives = {*r.choice};
  r.explanation = "1 of 2";
  const std::string table = RenderRecommendation(r, Tradeoff::kEnergy, ReportFormat::kTable);
  EXPECT_THAT(table, HasSubstr("2.5 (prometheus-counter (simulated))"));
  const nlohmann::json j =
      nlohmann::json::parse(RenderRecommendation(r, Tradeoff::kCost, ReportFormat::kJson));
  EXPECT_EQ(j["optimize"], "cost");
  EXPECT_EQ(j["choice"]["model"], "m|1");
}

}  // namespace
}  // namespace jb::cli
