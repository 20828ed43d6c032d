#include "cli/svg_chart.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <utility>

#include "common/utf8.h"

namespace jb::cli {
namespace {

// The layout documented in svg_chart.h.
constexpr double kPlotLeft = 64, kRightMargin = 24, kBottomMargin = 56;
constexpr double kTitleBaseline = 20, kLegendBaseline = 40, kRowHeight = 16;
// The outermost ticks sit this far inside the plot area, so that points at the ends of the data
// range, and the front through them, are not drawn over the axis lines (ggplot2's expansion).
constexpr double kInset = 8;
constexpr int kMaxIntervals = 7;
// Okabe and Ito, "Color Universal Design" (2002), in an order that puts the colours reading
// best on white first; yellow and black (the axes' colour) come last.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                    "#CC79A7", "#56B4E9", "#F0E442", "#000000"};
constexpr const char* kFrontColour = "#444";
// Nothing measures glyphs here, so text widths are estimates: an average sans-serif glyph is
// about 0.6 em wide.
constexpr double kGlyphWidthEm = 0.6;

double TextWidth(std::string_view text, double font_px) {
  return static_cast<double>(Utf8CodePoints(text)) * font_px * kGlyphWidthEm;
}

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
          out += c;
        }
    }
  }
  return out;
}

// Fixed-point text; std::to_chars ignores the locale, which keeps the output byte-stable.
std::string Fixed(double v, int decimals) {
  if (std::fabs(v) < 0.5 * std::pow(10.0, -decimals)) v = 0;  // never "-0.0"
  char buf[400];
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

std::string Coord(double v) { return Fixed(v, 1); }

// 10^e, correctly rounded for the exponents charts meet (|e| <= 22).
double Pow10(int e) {
  double p = 1;
  for (int i = 0; i < std::abs(e); ++i) p *= 10;
  return e < 0 ? 1 / p : p;
}

// i * m * 10^k, computed so that 3 * 10^-1 is the double nearest 0.3, not 0.30000000000000004.
double TickValue(double i, int m, int k) { return k < 0 ? i * m / Pow10(-k) : i * m * Pow10(k); }

std::vector<double> LinearTicks(double lo, double hi) {
  if (lo == hi) {
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  // No step below span / 7 fits, so start at the power of ten just under that and take the
  // first 1-2-5 step that does.
  int k = static_cast<int>(std::floor(std::log10(hi / kMaxIntervals - lo / kMaxIntervals)));
  for (;; ++k) {
    for (const int m : {1, 2, 5}) {
      const double step = TickValue(1, m, k);
      // The tolerance keeps 0.3 / 0.1 == 2.9999999999999996 from adding a tick below 0.3.
      const double first = std::floor(lo / step + 1e-9);
      const double last = std::max(std::ceil(hi / step - 1e-9), first + 1);
      if (last - first > kMaxIntervals) continue;
      std::vector<double> ticks;
      for (double i = first; i <= last; ++i) ticks.push_back(TickValue(i, m, k));
      return ticks;
    }
  }
}

std::vector<double> LogTicks(double lo, double hi) {
  if (lo == hi) {
    lo /= 2;
    hi *= 2;
  }
  const int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int last = std::max(static_cast<int>(std::ceil(std::log10(hi) - 1e-9)), first + 1);
  std::vector<double> ticks;
  for (int e = first; e <= last; ++e) ticks.push_back(Pow10(e));
  return ticks;
}

// Linear tick labels: as many decimals as the step needs, in thousands ("k") or millions ("M")
// once the step reaches them.
std::vector<std::string> LinearTickLabels(const std::vector<double>& ticks) {
  const double step = ticks[1] - ticks[0];
  const double scale = step >= 1e6 * (1 - 1e-9) ? 1e6 : step >= 1e3 * (1 - 1e-9) ? 1e3 : 1;
  const char* suffix = scale == 1e6 ? "M" : scale == 1e3 ? "k" : "";
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step / scale) + 1e-9)));
  std::vector<std::string> labels;
  for (const double t : ticks) {
    labels.push_back(t == 0 ? Fixed(0, decimals) : Fixed(t / scale, decimals) + suffix);
  }
  return labels;
}

// Log tick labels: 0.001 .. 100, then 1k .. 100k, 1M .. 100M, and 1e-4 or 1e9 beyond.
std::string LogTickLabel(double tick) {
  const int e = static_cast<int>(std::lround(std::log10(tick)));
  if (e < -3 || e > 8) return "1e" + std::to_string(e);
  if (e < 0) return Fixed(tick, -e);
  static const char* const kNames[] = {"1", "10", "100", "1k", "10k", "100k", "1M", "10M", "100M"};
  return kNames[e];
}

struct Axis {
  std::vector<double> ticks;
  bool log = false;
  double from_px = 0, to_px = 0;  // where the lowest and the highest tick go

  double Position(double v) const {
    const auto t = [this](double u) { return log ? std::log10(u) : u; };
    const double span = t(ticks.back()) - t(ticks.front());
    return from_px + (t(v) - t(ticks.front())) / (span > 0 ? span : 1) * (to_px - from_px);
  }
  std::vector<std::string> Labels() const {
    if (!log) return LinearTickLabels(ticks);
    std::vector<std::string> labels;
    for (const double t : ticks) labels.push_back(LogTickLabel(t));
    return labels;
  }
};

Axis MakeAxis(double lo, double hi, bool log, double from_px, double to_px) {
  return Axis{.ticks = NiceTicks(lo, hi, log), .log = log, .from_px = from_px, .to_px = to_px};
}

void AppendText(std::string& out, std::string_view cls, double x, double y, std::string_view anchor,
                int font_px, std::string_view text, std::string_view extra_attrs = "") {
  out += "<text class=\"" + std::string(cls) + "\" x=\"" + Coord(x) + "\" y=\"" + Coord(y) +
         "\" text-anchor=\"" + std::string(anchor) + "\" font-size=\"" + std::to_string(font_px) +
         "\"" + std::string(extra_attrs) + ">" + Escape(text) + "</text>\n";
}

void AppendLine(std::string& out, double x1, double y1, double x2, double y2) {
  out += "<line x1=\"" + Coord(x1) + "\" y1=\"" + Coord(y1) + "\" x2=\"" + Coord(x2) + "\" y2=\"" +
         Coord(y2) + "\"/>\n";
}

std::string Plural(int n, std::string_view what) {
  return std::to_string(n) + " " + std::string(what) + (n == 1 ? "" : "s");
}

// Says which points were left out and why; "" when none were.
std::string SkippedCaption(int non_finite, int non_positive_log) {
  std::string caption;
  if (non_finite > 0) caption += Plural(non_finite, "point") + " with a NaN or infinite value";
  if (non_positive_log > 0) {
    if (!caption.empty()) caption += "; ";
    caption += Plural(non_positive_log, "point") + " with x <= 0 on a log axis";
  }
  return caption.empty() ? "" : "Not drawn: " + caption + ".";
}

struct LegendEntry {
  std::string name;
  const char* colour = nullptr;  // null for the front line's entry
  double x = 0, baseline = 0;
};

// Lays out the entries left to right from the plot's left edge, wrapping before an entry that
// would pass `right`. Returns the number of rows used (at least one).
int LayOutLegend(std::vector<LegendEntry>& entries, double right) {
  constexpr double kSwatch = 14, kGap = 16;
  double x = kPlotLeft;
  int rows = 1;
  for (LegendEntry& e : entries) {
    const double w = kSwatch + TextWidth(e.name, 12);
    if (x > kPlotLeft && x + w > right) {
      x = kPlotLeft;
      ++rows;
    }
    e.x = x;
    e.baseline = kLegendBaseline + kRowHeight * (rows - 1);
    x += w + kGap;
  }
  return rows;
}

void AppendLegend(std::string& out, const std::vector<LegendEntry>& entries) {
  out += "<g class=\"legend\">\n";
  for (const LegendEntry& e : entries) {
    const double mid = e.baseline - 4;
    if (e.colour != nullptr) {
      out += "<circle cx=\"" + Coord(e.x + 4) + "\" cy=\"" + Coord(mid) + "\" r=\"4\" fill=\"" +
             e.colour + "\"/>\n";
    } else {
      out += "<polyline points=\"" + Coord(e.x) + "," + Coord(mid + 3) + " " + Coord(e.x + 5) +
             "," + Coord(mid + 3) + " " + Coord(e.x + 5) + "," + Coord(mid - 3) + " " +
             Coord(e.x + 10) + "," + Coord(mid - 3) + "\" fill=\"none\" stroke=\"" + kFrontColour +
             "\" stroke-width=\"1.5\"/>\n";
    }
    AppendText(out, "legend-entry", e.x + 14, e.baseline, "start", 12, e.name);
  }
  out += "</g>\n";
}

struct PlacedPoint {
  const ChartPoint* point;
  double px, py;
  const char* colour;
};

void AppendAxes(std::string& out, const Axis& x, const Axis& y, const ScatterChart& chart) {
  const double top = y.to_px - kInset, bottom = y.from_px + kInset;
  const double left = x.from_px - kInset, right = x.to_px + kInset;
  out += "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">\n";
  for (const double t : x.ticks) AppendLine(out, x.Position(t), top, x.Position(t), bottom);
  for (const double t : y.ticks) AppendLine(out, left, y.Position(t), right, y.Position(t));
  out += "</g>\n<g class=\"axes\" stroke=\"#333\" stroke-width=\"1\">\n";
  AppendLine(out, left, top, left, bottom);
  AppendLine(out, left, bottom, right, bottom);
  for (const double t : x.ticks) AppendLine(out, x.Position(t), bottom, x.Position(t), bottom + 4);
  for (const double t : y.ticks) AppendLine(out, left - 4, y.Position(t), left, y.Position(t));
  out += "</g>\n<g class=\"ticks\" fill=\"#333\">\n";
  const std::vector<std::string> x_labels = x.Labels(), y_labels = y.Labels();
  for (size_t i = 0; i < x.ticks.size(); ++i) {
    AppendText(out, "tick", x.Position(x.ticks[i]), bottom + 16, "middle", 11, x_labels[i]);
  }
  for (size_t i = 0; i < y.ticks.size(); ++i) {
    AppendText(out, "tick", left - 7, y.Position(y.ticks[i]) + 4, "end", 11, y_labels[i]);
  }
  out += "</g>\n";
  AppendText(out, "axis-label", (left + right) / 2, bottom + 36, "middle", 12, chart.x_label);
  const double mid_y = (top + bottom) / 2;
  AppendText(out, "axis-label", 16, mid_y, "middle", 12, chart.y_label,
             " transform=\"rotate(-90 16 " + Coord(mid_y) + ")\"");
}

// The staircase through the front points sorted by x: horizontally to the next point's x, then
// vertically to it. Nothing for fewer than two points.
void AppendFront(std::string& out, std::vector<const PlacedPoint*> front) {
  if (front.size() < 2) return;
  std::sort(front.begin(), front.end(), [](const PlacedPoint* a, const PlacedPoint* b) {
    return a->point->x != b->point->x ? a->point->x < b->point->x : a->point->y < b->point->y;
  });
  std::vector<std::string> vertices = {Coord(front[0]->px) + "," + Coord(front[0]->py)};
  for (size_t i = 1; i < front.size(); ++i) {
    for (const std::string& v : {Coord(front[i]->px) + "," + Coord(front[i - 1]->py),
                                 Coord(front[i]->px) + "," + Coord(front[i]->py)}) {
      if (v != vertices.back()) vertices.push_back(v);
    }
  }
  out += "<polyline class=\"front\" points=\"";
  for (size_t i = 0; i < vertices.size(); ++i) out += (i ? " " : "") + vertices[i];
  out += "\" fill=\"none\" stroke=\"" + std::string(kFrontColour) + "\" stroke-width=\"1.5\"/>\n";
}

void AppendPoints(std::string& out, const std::vector<PlacedPoint>& placed, int width) {
  out += "<g class=\"points\" stroke-width=\"1.5\">\n";
  // Front points last, so that hollow points never hide them.
  for (const bool front_pass : {false, true}) {
    for (const PlacedPoint& p : placed) {
      if (p.point->on_front != front_pass) continue;
      out += "<circle class=\"" + std::string(front_pass ? "point front" : "point") + "\" cx=\"" +
             Coord(p.px) + "\" cy=\"" + Coord(p.py) + "\" r=\"4\" fill=\"" +
             (front_pass ? p.colour : "#fff") + "\" stroke=\"" + p.colour + "\"";
      out += p.point->tooltip.empty()
                 ? "/>\n"
                 : "><title>" + Escape(p.point->tooltip) + "</title></circle>\n";
    }
  }
  // A white halo under each label keeps it readable where it crosses a line or a point.
  out +=
      "</g>\n<g class=\"labels\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"3\" "
      "stroke-linejoin=\"round\" paint-order=\"stroke\">\n";
  // Above and beside the point, clear of the front's horizontal segment through it.
  for (const PlacedPoint& p : placed) {
    if (p.point->label.empty()) continue;
    const bool fits_right = p.px + 6 + TextWidth(p.point->label, 11) <= width - 2;
    AppendText(out, "label", fits_right ? p.px + 6 : p.px - 6, p.py - 6,
               fits_right ? "start" : "end", 11, p.point->label);
  }
  out += "</g>\n";
}

}  // namespace

std::vector<double> NiceTicks(double lo, double hi, bool log) {
  return log ? LogTicks(lo, hi) : LinearTicks(lo, hi);
}

std::string RenderScatterSvg(const ScatterChart& chart) {
  const int width = chart.width, height = chart.height;
  std::vector<PlacedPoint> placed;
  std::vector<std::pair<std::string, const char*>> series;  // in order of first appearance
  int non_finite = 0, non_positive_log = 0;
  bool any_front = false;
  for (const ChartPoint& p : chart.points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
      ++non_finite;
      continue;
    }
    if (chart.log_x && p.x <= 0) {
      ++non_positive_log;
      continue;
    }
    auto it = std::find_if(series.begin(), series.end(),
                           [&](const auto& s) { return s.first == p.series; });
    if (it == series.end()) {
      series.emplace_back(p.series, kPalette[series.size() % std::size(kPalette)]);
      it = series.end() - 1;
    }
    placed.push_back({.point = &p, .px = 0, .py = 0, .colour = it->second});
    any_front |= p.on_front;
  }
  const std::string caption = SkippedCaption(non_finite, non_positive_log);

  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
                    std::to_string(width) + " " + std::to_string(height) +
                    "\" font-family=\"sans-serif\" role=\"img\" aria-label=\"" +
                    Escape(chart.title) + "\">\n";
  out += "<rect width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" fill=\"#fff\"/>\n";
  AppendText(out, "title", kPlotLeft, kTitleBaseline, "start", 14, chart.title,
             " font-weight=\"bold\"");
  if (!caption.empty()) AppendText(out, "caption", 8, height - 6, "start", 11, caption);
  if (placed.empty()) {
    AppendText(out, "no-data", width / 2.0, height / 2.0, "middle", 14, "no data",
               " fill=\"#666\"");
    return out + "</svg>\n";
  }

  std::vector<LegendEntry> legend;
  for (const auto& [name, colour] : series) {
    if (!name.empty()) legend.push_back({.name = name, .colour = colour});
  }
  if (any_front) legend.push_back({.name = "Pareto front", .colour = nullptr});
  const double right = std::max(width - kRightMargin, kPlotLeft + 1);
  const double top = kLegendBaseline + kRowHeight * LayOutLegend(legend, right);
  const double bottom = std::max(height - kBottomMargin, top + 1);

  constexpr double kInf = std::numeric_limits<double>::infinity();
  double x_lo = kInf, x_hi = -kInf, y_lo = kInf, y_hi = -kInf;
  for (const PlacedPoint& p : placed) {
    x_lo = std::min(x_lo, p.point->x);
    x_hi = std::max(x_hi, p.point->x);
    y_lo = std::min(y_lo, p.point->y);
    y_hi = std::max(y_hi, p.point->y);
  }
  const Axis x_axis = MakeAxis(x_lo, x_hi, chart.log_x, kPlotLeft + kInset, right - kInset);
  const Axis y_axis = MakeAxis(y_lo, y_hi, false, bottom - kInset, top + kInset);
  std::vector<const PlacedPoint*> front;
  for (PlacedPoint& p : placed) {
    p.px = x_axis.Position(p.point->x);
    p.py = y_axis.Position(p.point->y);
    if (p.point->on_front) front.push_back(&p);
  }

  AppendLegend(out, legend);
  AppendAxes(out, x_axis, y_axis, chart);
  AppendFront(out, front);
  AppendPoints(out, placed, width);
  return out + "</svg>\n";
}

}  // namespace jb::cli
