// Renders a report (cli/report_model.h) as a terminal table, Markdown, CSV, JSON or a
// self-contained HTML page with one SVG chart per (task, hardware class, trade-off)
// (cli/svg_chart.h). Every format carries the same figures; every energy figure comes with its
// method, and a simulated or estimated one says so. Unknown values print as "-" (null in JSON,
// empty in CSV). Thread-safety: free functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/report_model.h"

namespace jb::cli {

enum class ReportFormat { kTable, kMarkdown, kCsv, kJson, kHtml };

// "table", "md", "csv", "json", "html".
std::optional<ReportFormat> ParseReportFormat(const std::string& name);

struct ReportHeader {
  std::string title;               // e.g. "Sweep 3 (demo): succeeded, sealed"
  std::vector<std::string> notes;  // printed under the title, one per line
  bool ranked = false;             // show each cell's rank (the leaderboard)
};

std::string RenderReport(const ReportHeader& header, const std::vector<TaskSection>& sections,
                         ReportFormat format);

// `joulebench recommend`'s answer: the choice with its score interval and expected J/query,
// gCO2e, cost and latency, then the other qualifying cells by that cost; or the explanation
// alone. Table and JSON only (others render as the table).
std::string RenderRecommendation(const Recommendation& r, Tradeoff optimize, ReportFormat format);

}  // namespace jb::cli
