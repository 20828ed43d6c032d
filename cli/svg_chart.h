// Scatter charts as standalone SVG, for the HTML report: one chart per (task, hardware class,
// trade-off), score (y) against a cost (x: J/query, gCO2e/query, USD per 1k queries, latency),
// with the Pareto front (tasks/pareto.h) drawn as a staircase. No dependencies, no scripts: the
// report embeds the returned <svg> element as it is, and hovering a point shows its tooltip.
//
// Layout (pixels, origin top left), which tests and callers may rely on:
//   - title at the top, a legend row below it (wrapping to more rows when it does not fit);
//   - the plot area, framed by the axis lines on its left and bottom, spans x from 64 to
//     width - 24 and y from top = 40 + 16 * legend rows (at least one row) to height - 56;
//   - each axis runs from its lowest tick to its highest (NiceTicks of the drawn points' range),
//     inset 8 px inside the plot area: x from 72 to width - 32, y from height - 64 up to
//     top + 8. A value v maps linearly onto that span (log10(v) on a log axis); y grows upwards;
//   - coordinates are printed with one decimal ("%.1f"), so equal input gives equal bytes.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <string>
#include <vector>

namespace jb::cli {

struct ChartPoint {
  std::string label;  // shown next to the point (a model name)
  double x = 0, y = 0;
  std::string series;     // colour group and legend entry (e.g. hardware class); "" has no entry
  bool on_front = false;  // on the Pareto front: drawn filled and joined by the front line
  std::string tooltip;    // shown on hover, e.g. "score 0.81 [0.76, 0.85], 12.3 J/query"
};

struct ScatterChart {
  std::string title, x_label, y_label;
  bool log_x = false;  // for x spanning orders of magnitude (J/query of 0.5B against 70B models)
  std::vector<ChartPoint> points;
  int width = 640, height = 400;
};

// Tick values for an axis covering [lo, hi], ascending; the first is <= lo and the last >= hi.
// Linear: multiples of a 1-2-5 step (1, 2 or 5 times a power of ten), the smallest step that
// needs at most 7 intervals. Log: every power of ten from the one at or below lo to the one at
// or above hi. A zero-width range is padded first (linear: by 10% of |lo| each side, or by 1
// around 0; log: to [lo / 2, hi * 2]), so a single value still gets an axis.
// REQUIRES: lo <= hi, both finite; lo > 0 when log.
std::vector<double> NiceTicks(double lo, double hi, bool log);

// A standalone <svg> element (no XML prolog): title, legend, axes with NiceTicks and their
// labels (log ticks read 0.01, 0.1, 1, 10, 100, 1k, 10k, ..., 1M), axis labels, the points and
// their labels, and the front. Series get colours from the Okabe-Ito colour-blind-safe palette in
// order of first appearance among the drawn points (cycling after eight); the legend lists each
// named series, then "Pareto front" when a front point is drawn. Front points are filled, the
// others hollow.
// The front line is the staircase through the drawn front points sorted by x (then y): from each
// point horizontally to the next one's x, then vertically to it, since "better" is lower x and
// higher y. A label that would run past the right edge is put left of its point.
// Points with a NaN or infinite coordinate, or x <= 0 on a log axis, are not drawn; a caption
// at the bottom counts them by reason. With no drawable point, the SVG holds the title, "no
// data" and that caption. All text is XML-escaped.
// REQUIRES: width >= 200 and height >= 160, or the plot area has no room.
std::string RenderScatterSvg(const ScatterChart& chart);

}  // namespace jb::cli
