// The report's SVG scatter charts: ticks, the documented pixel mapping, the Pareto staircase,
// colours and legend, skipped points, escaping, and well-formed, byte-stable output.
#include "cli/svg_chart.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;  // values still escaped
  std::string text;                          // character data directly inside, still escaped
  bool HasClass(std::string_view cls) const {
    const auto it = attrs.find("class");
    if (it == attrs.end()) return false;
    const std::string padded = " " + it->second + " ";
    return padded.find(" " + std::string(cls) + " ") != std::string::npos;
  }
};

bool EntitiesOk(std::string_view s) {
  for (size_t at = s.find('&'); at != std::string_view::npos; at = s.find('&', at + 1)) {
    bool known = false;
    for (const std::string_view e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
      known |= s.substr(at, e.size()) == e;
    }
    if (!known) return false;
  }
  return true;
}

// Parses the XML subset RenderScatterSvg writes (elements, quoted attributes, text) and fails on
// anything not well-formed: crossed or unclosed tags, a bare '<', '>' or '&' in text or values,
// a repeated attribute, text outside the root or more than one root.
::testing::AssertionResult ParseSvg(const std::string& svg, std::vector<Element>* elements) {
  size_t i = 0;
  std::vector<size_t> open;
  int roots = 0;
  const auto fail = [&](std::string_view why) {
    return ::testing::AssertionFailure() << why << " at offset " << i << ": " << svg.substr(i, 60);
  };
  while (i < svg.size()) {
    if (svg[i] != '<') {
      const size_t end = std::min(svg.find('<', i), svg.size());
      const std::string_view text(svg.data() + i, end - i);
      if (!EntitiesOk(text) || text.find('>') != std::string_view::npos) {
        return fail("bad character data");
      }
      if (open.empty() && text.find_first_not_of(" \n") != std::string_view::npos) {
        return fail("text outside the root");
      }
      if (!open.empty()) (*elements)[open.back()].text += text;
      i = end;
      continue;
    }
    if (svg.compare(i, 2, "</") == 0) {
      const size_t end = svg.find('>', i);
      if (end == std::string::npos) return fail("unterminated closing tag");
      const std::string name = svg.substr(i + 2, end - i - 2);
      if (open.empty() || (*elements)[open.back()].name != name) {
        return fail("closing tag </" + name + "> matches no open element");
      }
      open.pop_back();
      i = end + 1;
      continue;
    }
    Element e;
    for (++i; i < svg.size() && (std::isalnum(static_cast<unsigned char>(svg[i])) || svg[i] == '-');
         ++i) {
      e.name += svg[i];
    }
    if (e.name.empty()) return fail("a '<' that opens no element");
    if (open.empty() && ++roots > 1) return fail("a second root");
    bool self_closing = false;
    while (true) {
      while (i < svg.size() && svg[i] == ' ') ++i;
      if (i >= svg.size()) return fail("unterminated tag");
      if (svg[i] == '>') {
        ++i;
        break;
      }
      if (svg.compare(i, 2, "/>") == 0) {
        i += 2;
        self_closing = true;
        break;
      }
      const size_t eq = svg.find("=\"", i);
      if (eq == std::string::npos) return fail("attribute without a quoted value");
      const std::string name = svg.substr(i, eq - i);
      if (name.empty() || name.find_first_of(" <>\"/") != std::string::npos) {
        return fail("bad attribute name");
      }
      const size_t close = svg.find('"', eq + 2);
      if (close == std::string::npos) return fail("unterminated attribute value");
      const std::string value = svg.substr(eq + 2, close - eq - 2);
      if (value.find_first_of("<>") != std::string::npos || !EntitiesOk(value)) {
        return fail("bad attribute value");
      }
      if (!e.attrs.emplace(name, value).second) return fail("repeated attribute " + name);
      i = close + 1;
    }
    elements->push_back(std::move(e));
    if (!self_closing) open.push_back(elements->size() - 1);
  }
  if (!open.empty()) return fail("unclosed <" + (*elements)[open.back()].name + ">");
  if (roots != 1 || elements->empty() || elements->front().name != "svg") {
    return fail("not one <svg> root");
  }
  return ::testing::AssertionSuccess();
}

// Renders and parses; a test fails where the SVG is not well-formed.
std::vector<Element> Render(const ScatterChart& chart, std::string* svg_out = nullptr) {
  const std::string svg = RenderScatterSvg(chart);
  std::vector<Element> elements;
  const ::testing::AssertionResult parsed = ParseSvg(svg, &elements);
  EXPECT_TRUE(parsed) << svg;
  if (!parsed) elements.clear();
  if (svg_out != nullptr) *svg_out = svg;
  return elements;
}

std::vector<Element> WithClass(const std::vector<Element>& elements, std::string_view cls) {
  std::vector<Element> out;
  for (const Element& e : elements) {
    if (e.HasClass(cls)) out.push_back(e);
  }
  return out;
}

std::vector<std::string> Texts(const std::vector<Element>& elements) {
  std::vector<std::string> out;
  for (const Element& e : elements) out.push_back(e.text);
  return out;
}

// The documented layout of a 640 x 400 chart with one legend row: the plot area spans x from
// 64 to 616 and y from 56 to 344, and each axis runs from its lowest tick to its highest, inset
// 8 px from those edges.
double Px(double x, double lo, double hi) { return 72 + (x - lo) / (hi - lo) * (608 - 72); }
double Py(double y, double lo, double hi) { return 336 - (y - lo) / (hi - lo) * (336 - 64); }
std::string F(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

ChartPoint Point(std::string label, double x, double y, std::string series = "H100",
                 bool on_front = false) {
  return ChartPoint{
      .label = std::move(label), .x = x, .y = y, .series = std::move(series), .on_front = on_front};
}

TEST(NiceTicksTest, LinearTicksAreMultiplesOfAOneTwoFiveStep) {
  EXPECT_THAT(NiceTicks(0, 1, false), ElementsAre(0, 0.2, 0.4, 0.6, 0.8, 1));
  EXPECT_THAT(NiceTicks(0.37, 0.91, false), ElementsAre(0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0));
  // 0.3 / 0.1 is 2.9999999999999996 in doubles; that must not add a tick at 0.2.
  EXPECT_THAT(NiceTicks(0.3, 0.9, false), ElementsAre(0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9));
  EXPECT_THAT(NiceTicks(0, 37, false), ElementsAre(0, 10, 20, 30, 40));
  EXPECT_THAT(NiceTicks(-3, 7, false), ElementsAre(-4, -2, 0, 2, 4, 6, 8));
  EXPECT_THAT(NiceTicks(1, 4, false), ElementsAre(1, 1.5, 2, 2.5, 3, 3.5, 4));
}

TEST(NiceTicksTest, LogTicksArePowersOfTenCoveringTheRange) {
  EXPECT_THAT(NiceTicks(0.02, 3000, true), ElementsAre(0.01, 0.1, 1, 10, 100, 1000, 10000));
  EXPECT_THAT(NiceTicks(1, 100, true), ElementsAre(1, 10, 100));
  EXPECT_THAT(NiceTicks(2, 8, true), ElementsAre(1, 10));
}

TEST(NiceTicksTest, AZeroWidthRangeIsPaddedToARealAxis) {
  EXPECT_THAT(NiceTicks(0, 0, false), ElementsAre(-1, -0.5, 0, 0.5, 1));
  EXPECT_THAT(NiceTicks(5, 5, false), ElementsAre(4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6));
  EXPECT_THAT(NiceTicks(10, 10, true), ElementsAre(1, 10, 100));
}

TEST(RenderScatterSvgTest, LogAxisTicksReadAsPowersOfTenWithThousandsAsK) {
  ScatterChart chart{.title = "t", .x_label = "J/query", .y_label = "score", .log_x = true};
  chart.points = {Point("tiny", 0.02, 0.4), Point("huge", 3000, 0.9)};
  const std::vector<Element> ticks = WithClass(Render(chart), "tick");
  std::vector<std::string> x_ticks;
  for (const Element& e : ticks) {
    if (e.attrs.at("text-anchor") == "middle") x_ticks.push_back(e.text);
  }
  EXPECT_THAT(x_ticks, ElementsAre("0.01", "0.1", "1", "10", "100", "1k", "10k"));
}

TEST(RenderScatterSvgTest, LinearTicksAreLabelledWithTheDecimalsTheStepNeeds) {
  ScatterChart chart{.title = "t"};
  chart.points = {Point("a", 0, 0.37), Point("b", 37, 0.91)};
  std::vector<std::string> x_ticks, y_ticks;
  for (const Element& e : WithClass(Render(chart), "tick")) {
    (e.attrs.at("text-anchor") == "middle" ? x_ticks : y_ticks).push_back(e.text);
  }
  EXPECT_THAT(x_ticks, ElementsAre("0", "10", "20", "30", "40"));
  EXPECT_THAT(y_ticks, ElementsAre("0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"));

  chart.points = {Point("a", 1200, 0.5), Point("b", 10800, 0.6)};
  x_ticks.clear();
  for (const Element& e : WithClass(Render(chart), "tick")) {
    if (e.attrs.at("text-anchor") == "middle") x_ticks.push_back(e.text);
  }
  EXPECT_THAT(x_ticks, ElementsAre("0", "2k", "4k", "6k", "8k", "10k", "12k"));
}

TEST(RenderScatterSvgTest, FrontIsAStaircaseThroughFilledFrontPointsSortedByX) {
  ScatterChart chart{.title = "gsm8k on H100", .x_label = "J/query", .y_label = "accuracy"};
  // Out of x order on purpose; x spans ticks 1..4 (step 0.5), y spans 0.5..0.9 (step 0.1).
  chart.points = {Point("c", 4, 0.9, "H100", true), Point("a", 1, 0.5, "H100", true),
                  Point("d", 3, 0.6, "H100", false), Point("b", 2, 0.7, "H100", true)};
  const std::vector<Element> elements = Render(chart);

  const std::vector<Element> front = WithClass(elements, "front");
  ASSERT_EQ(front.size(), 4u) << "the polyline and three front points";
  EXPECT_EQ(front[0].name, "polyline");
  const auto x = [](double v) { return F(Px(v, 1, 4)); };
  const auto y = [](double v) { return F(Py(v, 0.5, 0.9)); };
  EXPECT_EQ(front[0].attrs.at("points"), x(1) + "," + y(0.5) + " " + x(2) + "," + y(0.5) + " " +
                                             x(2) + "," + y(0.7) + " " + x(4) + "," + y(0.7) + " " +
                                             x(4) + "," + y(0.9));
  EXPECT_EQ(front[0].attrs.at("points"),
            "72.0,336.0 250.7,336.0 250.7,200.0 608.0,200.0 608.0,64.0");

  const std::vector<Element> points = WithClass(elements, "point");
  ASSERT_EQ(points.size(), 4u);
  for (const Element& p : points) {
    if (p.HasClass("front")) {
      EXPECT_EQ(p.attrs.at("fill"), p.attrs.at("stroke")) << "front points are filled";
    } else {
      EXPECT_EQ(p.attrs.at("fill"), "#fff") << "other points are hollow";
      EXPECT_EQ(p.attrs.at("cx"), x(3));
      EXPECT_EQ(p.attrs.at("cy"), y(0.6));
    }
  }
}

TEST(RenderScatterSvgTest, EqualFrontPointsAddNoRepeatedVertex) {
  ScatterChart chart{.title = "t"};
  chart.points = {Point("a", 1, 0.5, "H100", true), Point("a again", 1, 0.5, "H100", true),
                  Point("b", 2, 0.7, "H100", true)};
  const std::vector<Element> front = WithClass(Render(chart), "front");
  ASSERT_FALSE(front.empty());
  ASSERT_EQ(front[0].name, "polyline");
  const auto x = [](double v) { return F(Px(v, 1, 2)); };
  const auto y = [](double v) { return F(Py(v, 0.5, 0.7)); };
  EXPECT_EQ(front[0].attrs.at("points"),
            x(1) + "," + y(0.5) + " " + x(2) + "," + y(0.5) + " " + x(2) + "," + y(0.7));
}

TEST(RenderScatterSvgTest, OneFrontPointDrawsNoLine) {
  ScatterChart chart{.title = "t"};
  chart.points = {Point("a", 1, 0.5, "H100", true), Point("b", 2, 0.4)};
  const std::vector<Element> front = WithClass(Render(chart), "front");
  ASSERT_EQ(front.size(), 1u);
  EXPECT_EQ(front[0].name, "circle");
}

TEST(RenderScatterSvgTest, SeriesTakePaletteColoursInOrderOfFirstAppearanceWithALegend) {
  ScatterChart chart{.title = "t"};
  chart.points = {Point("1", 1, 0.1, "L4"), Point("2", 2, 0.2, "A100"), Point("3", 3, 0.3, "L4"),
                  Point("4", 4, 0.4, "H100", true)};
  const std::vector<Element> elements = Render(chart);
  std::vector<std::string> strokes;
  for (const Element& p : WithClass(elements, "point")) strokes.push_back(p.attrs.at("stroke"));
  // Hollow points first, then the front point, each group in input order.
  EXPECT_THAT(strokes, ElementsAre("#0072B2", "#E69F00", "#0072B2", "#009E73"));
  EXPECT_THAT(Texts(WithClass(elements, "legend-entry")),
              ElementsAre("L4", "A100", "H100", "Pareto front"));
  std::vector<std::string> swatches;
  for (const Element& e : elements) {
    if (e.name == "circle" && !e.HasClass("point")) swatches.push_back(e.attrs.at("fill"));
  }
  EXPECT_THAT(swatches, ElementsAre("#0072B2", "#E69F00", "#009E73"));
}

TEST(RenderScatterSvgTest, ColoursCycleAfterEightSeriesAndUnnamedSeriesHaveNoLegendEntry) {
  ScatterChart chart{.title = "t"};
  for (int i = 0; i < 9; ++i) chart.points.push_back(Point("", i, i, "s" + std::to_string(i)));
  chart.points.push_back(Point("", 9, 9, ""));
  const std::vector<Element> points = WithClass(Render(chart), "point");
  ASSERT_EQ(points.size(), 10u);
  EXPECT_EQ(points[8].attrs.at("stroke"), points[0].attrs.at("stroke"));
  EXPECT_NE(points[7].attrs.at("stroke"), points[0].attrs.at("stroke"));
  const std::vector<Element> legend = WithClass(Render(chart), "legend-entry");
  EXPECT_EQ(legend.size(), 9u) << "s0..s8, none for the unnamed series";
}

TEST(RenderScatterSvgTest, ALegendThatDoesNotFitWrapsAndPushesThePlotDown) {
  ScatterChart chart{.title = "t"};
  for (int i = 0; i < 6; ++i) {
    chart.points.push_back(
        Point("", i, i, "a rather long hardware class name " + std::to_string(i)));
  }
  const std::vector<Element> elements = Render(chart);
  double lowest_baseline = 0;
  for (const Element& e : WithClass(elements, "legend-entry")) {
    lowest_baseline = std::max(lowest_baseline, std::stod(e.attrs.at("y")));
    EXPECT_LE(std::stod(e.attrs.at("x")) + e.text.size() * 12 * 0.6, 616.0 + 1e-9) << e.text;
  }
  ASSERT_GT(lowest_baseline, 40) << "more than one legend row";
  const int rows = static_cast<int>((lowest_baseline - 40) / 16) + 1;
  // The highest point sits at the top of the plot area, less the inset.
  double top = 1e9;
  for (const Element& p : WithClass(elements, "point"))
    top = std::min(top, std::stod(p.attrs.at("cy")));
  EXPECT_EQ(top, 40 + 16 * rows + 8);
}

TEST(RenderScatterSvgTest, PointsThatCannotBePlacedAreSkippedAndCounted) {
  ScatterChart chart{.title = "t", .log_x = true};
  chart.points = {Point("ok1", 1, 0.5),     Point("ok2", 10, 0.7), Point("nan", kNaN, 0.5),
                  Point("inf", 2, kInf),    Point("zero", 0, 0.6), Point("neg", -1, 0.6),
                  Point("ninf", -kInf, 0.1)};
  const std::vector<Element> elements = Render(chart);
  EXPECT_THAT(Texts(WithClass(elements, "label")), ElementsAre("ok1", "ok2"));
  EXPECT_THAT(Texts(WithClass(elements, "caption")),
              ElementsAre("Not drawn: 3 points with a NaN or infinite value; 2 points with x "
                          "&lt;= 0 on a log axis."));
  for (const Element& e : elements) {
    for (const auto& [name, value] : e.attrs) {
      EXPECT_THAT(value, Not(HasSubstr("nan"))) << name;
      EXPECT_THAT(value, Not(HasSubstr("inf"))) << name;
    }
  }

  chart.log_x = false;  // zero and negative costs are fine on a linear axis
  const std::vector<Element> linear = Render(chart);
  EXPECT_EQ(WithClass(linear, "point").size(), 4u);
  EXPECT_THAT(Texts(WithClass(linear, "caption")),
              ElementsAre("Not drawn: 3 points with a NaN or infinite value."));
}

TEST(RenderScatterSvgTest, AllPointsPlacedMeansNoCaption) {
  ScatterChart chart{.title = "t"};
  chart.points = {Point("a", 1, 0.5)};
  EXPECT_TRUE(WithClass(Render(chart), "caption").empty());
}

TEST(RenderScatterSvgTest, TextIsEscapedEverywhere) {
  ScatterChart chart{.title = "<b>\"R&D\"</b>", .x_label = "J<query", .y_label = "a&b"};
  chart.points = {Point("m<1>&\"2\"", 1, 0.5, "s&<", true), Point("b", 2, 0.6, "s&<", true)};
  chart.points[0].tooltip = "score <0.5> & \"quoted\"";
  std::string svg;
  const std::vector<Element> elements = Render(chart, &svg);
  EXPECT_THAT(svg, Not(HasSubstr("<b>")));
  EXPECT_THAT(svg, Not(HasSubstr("R&D")));
  EXPECT_THAT(Texts(WithClass(elements, "title")),
              ElementsAre("&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;"));
  ASSERT_FALSE(elements.empty());
  EXPECT_EQ(elements[0].attrs.at("aria-label"), "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;");
  EXPECT_THAT(Texts(WithClass(elements, "axis-label")), ElementsAre("J&lt;query", "a&amp;b"));
  EXPECT_THAT(Texts(WithClass(elements, "label")),
              ElementsAre("m&lt;1&gt;&amp;&quot;2&quot;", "b"));
  EXPECT_THAT(Texts(WithClass(elements, "legend-entry")),
              ElementsAre("s&amp;&lt;", "Pareto front"));
  std::vector<std::string> tooltips;
  for (const Element& e : elements) {
    if (e.name == "title") tooltips.push_back(e.text);
  }
  EXPECT_THAT(tooltips, ElementsAre("score &lt;0.5&gt; &amp; &quot;quoted&quot;"));
}

TEST(RenderScatterSvgTest, NoPointsGiveTheTitleAndNoData) {
  ScatterChart chart{.title = "empty task"};
  const std::vector<Element> elements = Render(chart);
  EXPECT_THAT(Texts(WithClass(elements, "title")), ElementsAre("empty task"));
  EXPECT_THAT(Texts(WithClass(elements, "no-data")), ElementsAre("no data"));
  EXPECT_TRUE(WithClass(elements, "point").empty());
  EXPECT_TRUE(WithClass(elements, "caption").empty());

  chart.points = {Point("unmetered", kNaN, 0.8)};
  const std::vector<Element> skipped = Render(chart);
  EXPECT_THAT(Texts(WithClass(skipped, "no-data")), ElementsAre("no data"));
  EXPECT_THAT(Texts(WithClass(skipped, "caption")),
              ElementsAre("Not drawn: 1 point with a NaN or infinite value."));
}

TEST(RenderScatterSvgTest, ASinglePointGetsAPaddedAxisAndSitsInsideIt) {
  ScatterChart chart{.title = "t"};
  chart.points = {Point("only", 5, 0.8)};
  const std::vector<Element> elements = Render(chart);
  const std::vector<Element> points = WithClass(elements, "point");
  ASSERT_EQ(points.size(), 1u);
  // x: 5 padded to 4.5..5.5, ticks 4.4..5.6; y: 0.8 padded to 0.72..0.88, ticks 0.7..0.9.
  EXPECT_EQ(points[0].attrs.at("cx"), F(Px(5, 4.4, 5.6)));
  EXPECT_EQ(points[0].attrs.at("cy"), F(Py(0.8, 0.7, 0.9)));
  EXPECT_EQ(points[0].attrs.at("cy"), "200.0");
  EXPECT_GE(WithClass(elements, "tick").size(), 4u);
}

TEST(RenderScatterSvgTest, AllEqualValuesStillGiveAnAxis) {
  ScatterChart chart{.title = "t", .log_x = true};
  chart.points = {Point("a", 10, 0), Point("b", 10, 0)};
  const std::vector<Element> points = WithClass(Render(chart), "point");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].attrs.at("cx"), "340.0") << "10 is the middle of 1..100 on a log axis";
  EXPECT_EQ(points[0].attrs.at("cy"), "200.0") << "0 is the middle of -1..1";
}

TEST(RenderScatterSvgTest, ALabelThatWouldRunOffTheRightEdgeGoesLeftOfItsPoint) {
  ScatterChart chart{.title = "t"};
  chart.points = {Point("Qwen2.5-0.5B", 1, 0.3), Point("Llama-3.1-70B-Instruct", 4, 0.9)};
  const std::vector<Element> labels = WithClass(Render(chart), "label");
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0].attrs.at("text-anchor"), "start");
  EXPECT_EQ(labels[0].attrs.at("x"), "78.0");
  EXPECT_EQ(labels[1].attrs.at("text-anchor"), "end");
  EXPECT_EQ(labels[1].attrs.at("x"), "602.0");
}

TEST(RenderScatterSvgTest, SameInputGivesTheSameBytes) {
  ScatterChart chart{.title = "t", .x_label = "gCO2e/query", .y_label = "score", .log_x = true};
  chart.points = {Point("a", 0.013, 0.41, "L4", true), Point("b", 0.7, 0.77, "H100", true),
                  Point("c", 0.3, 0.52, "L4"), Point("d", kNaN, 0.6)};
  chart.points[1].tooltip = "score 0.77 [0.71, 0.82]";
  const std::string first = RenderScatterSvg(chart);
  EXPECT_EQ(RenderScatterSvg(chart), first);
  EXPECT_EQ(RenderScatterSvg(ScatterChart(chart)), first);
}

}  // namespace
}  // namespace jb::cli
