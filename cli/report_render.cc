#include "cli/report_render.h"

#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cli/svg_chart.h"
#include "common/text_table.h"
#include "nlohmann/json.hpp"

namespace jb::cli {
namespace {

bool Known(double x) { return std::isfinite(x); }
// `digits` significant digits, or "-" when unknown.
std::string G(double x, int digits = 4) {
  return Known(x) ? absl::StrFormat("%.*g", digits, x) : "-";
}
std::string Ms(double seconds) { return G(seconds * 1000); }
std::string Mb(double mb) { return Known(mb) ? absl::StrFormat("%.0f", mb) : "-"; }

std::string ScoreText(const storage::CellSummary& c) {
  if (!Known(c.score)) return "-";
  std::string s = absl::StrFormat("%.3f [%.3f, %.3f]", c.score, c.score_ci.low, c.score_ci.high);
  if (c.score_provisional) absl::StrAppend(&s, " (provisional)");
  return s;
}

// The energy method, and whether the joules were simulated.
std::string MethodText(const storage::CellSummary& c) {
  return c.simulated ? absl::StrCat(c.method, " (simulated)") : c.method;
}

// PER's throughput: per GPU where the class has GPUs, per server otherwise.
std::string ThroughputText(const storage::CellSummary& c) {
  const bool per_sample = c.per_unit == "sample";
  const double per_gpu = per_sample ? c.samples_per_s_per_gpu : c.tokens_per_s_per_gpu;
  if (Known(per_gpu)) return absl::StrCat(G(per_gpu), per_sample ? " samples/s/GPU" : " tok/s/GPU");
  const double per_server = per_sample ? c.samples_per_s : c.tokens_per_s;
  if (!Known(per_server)) return "-";
  return absl::StrCat(G(per_server), per_sample ? " samples/s" : " tok/s");
}

std::string FrontText(const ReportCell& rc) {
  static constexpr const char* kLetters[] = {"E", "C", "$", "L"};
  std::string s;
  for (size_t t = 0; t < rc.on_front.size(); ++t) {
    if (rc.on_front[t]) s += kLetters[t];
  }
  return s.empty() ? "-" : s;
}

std::string PerText(const ReportCell& rc) {
  return rc.per ? absl::StrFormat("%.3f", rc.per->per)
                : absl::StrCat("- (no ", rc.per_missing, ")");
}
std::string PerEText(const ReportCell& rc) {
  return rc.per && rc.per->per_energy ? absl::StrFormat("%.3f", *rc.per->per_energy) : "-";
}

std::vector<std::string> Header(const ReportHeader& h, bool changes) {
  std::vector<std::string> cols;
  if (h.ranked) cols.push_back("rank");
  for (const char* c :
       {"model", "hardware", "samples", "score [95% CI]", "J/query", "energy method", "gCO2e/query",
        "USD/1k", "TTFT p50 ms", "TPOT p50 ms", "e2e p50 s", "e2e p95 s", "throughput", "memory MB",
        "PER", "PER-E", "front"}) {
    cols.push_back(c);
  }
  if (changes) cols.push_back("changed");
  return cols;
}

std::vector<std::string> Row(const ReportHeader& h, const ReportCell& rc, bool changes) {
  const storage::CellSummary& c = rc.cell;
  std::vector<std::string> row;
  if (h.ranked) row.push_back(absl::StrCat(rc.rank));
  std::string samples = absl::StrCat(c.samples);
  if (Known(c.completeness) && c.completeness < 1) {
    absl::StrAppend(&samples, absl::StrFormat(" (%.0f%%)", 100 * c.completeness));
  }
  row.insert(row.end(),
             {c.model, c.hardware_class, samples, ScoreText(c), G(c.joules_per_query),
              MethodText(c), G(c.carbon_g_per_query), G(c.cost_usd_per_query * 1000),
              Ms(c.p50_ttft_s), Ms(c.p50_tpot_s), G(c.p50_e2e_s), G(c.p95_e2e_s), ThroughputText(c),
              Mb(c.peak_memory_mb), PerText(rc), PerEText(rc), FrontText(rc)});
  if (changes) row.push_back(rc.changes.empty() ? "-" : rc.changes);
  return row;
}

bool AnyChanges(const std::vector<TaskSection>& sections) {
  for (const auto& s : sections) {
    for (const auto& rc : s.cells) {
      if (!rc.changes.empty()) return true;
    }
  }
  return false;
}

std::string SectionTitle(const TaskSection& s) {
  return absl::StrCat(s.task, ": ", s.score_metric.empty() ? "no score" : s.score_metric,
                      ", PER over ", s.per_cohort, " of ", s.cells.size(), " cells (per ",
                      s.per_unit, ")");
}

constexpr char kLegend[] =
    "front: on the Pareto front of score against E = J/query, C = gCO2e/query, $ = USD/1k "
    "queries, L = e2e p50 latency, per task and hardware class. PER and PER-E "
    "(docs/methodology.md) are min-max normalised over the task's cells shown: a cell that is "
    "the worst of them on any term scores 0.";

std::string RenderText(const ReportHeader& h, const std::vector<TaskSection>& sections) {
  const bool changes = AnyChanges(sections);
  std::string out = absl::StrCat(h.title, "\n");
  for (const auto& note : h.notes) absl::StrAppend(&out, note, "\n");
  for (const TaskSection& s : sections) {
    TextTable table(Header(h, changes));
    for (const ReportCell& rc : s.cells) table.AddRow(Row(h, rc, changes));
    absl::StrAppend(&out, "\n", SectionTitle(s), "\n", table.Render());
  }
  absl::StrAppend(&out, "\n", kLegend, "\n");
  return out;
}

std::string MdEscape(const std::string& s) { return absl::StrReplaceAll(s, {{"|", "\\|"}}); }

std::string MarkdownTable(const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows) {
  auto line = [](const std::vector<std::string>& cells) {
    std::vector<std::string> escaped;
    for (const auto& c : cells) escaped.push_back(MdEscape(c));
    return absl::StrCat("| ", absl::StrJoin(escaped, " | "), " |\n");
  };
  std::string out = line(header);
  absl::StrAppend(&out, "|", absl::StrJoin(std::vector<std::string>(header.size(), " --- "), "|"),
                  "|\n");
  for (const auto& r : rows) absl::StrAppend(&out, line(r));
  return out;
}

std::string RenderMarkdown(const ReportHeader& h, const std::vector<TaskSection>& sections) {
  const bool changes = AnyChanges(sections);
  std::string out = absl::StrCat("# ", h.title, "\n\n");
  for (const auto& note : h.notes) absl::StrAppend(&out, note, "\n\n");
  for (const TaskSection& s : sections) {
    std::vector<std::vector<std::string>> rows;
    for (const ReportCell& rc : s.cells) rows.push_back(Row(h, rc, changes));
    absl::StrAppend(&out, "## ", SectionTitle(s), "\n\n", MarkdownTable(Header(h, changes), rows),
                    "\n");
  }
  absl::StrAppend(&out, kLegend, "\n");
  return out;
}

// Every figure of a cell, unrounded, for CSV and JSON.
nlohmann::ordered_json CellJson(const ReportHeader& h, const ReportCell& rc) {
  const storage::CellSummary& c = rc.cell;
  auto num = [](double x) { return Known(x) ? nlohmann::ordered_json(x) : nullptr; };
  nlohmann::ordered_json j;
  if (h.ranked) j["rank"] = rc.rank;
  j["sweep_id"] = c.sweep_id;
  j["task"] = c.task;
  j["model"] = c.model;
  j["hardware_class"] = c.hardware_class;
  j["samples"] = c.samples;
  j["samples_planned"] = c.samples_planned;
  j["errors"] = c.errors;
  j["completeness"] = num(c.completeness);
  j["score_metric"] = c.score_metric;
  j["score"] = num(c.score);
  j["score_ci_low"] = Known(c.score) ? num(c.score_ci.low) : nullptr;
  j["score_ci_high"] = Known(c.score) ? num(c.score_ci.high) : nullptr;
  j["score_ci_method"] = c.score_ci.method;
  j["score_provisional"] = c.score_provisional;
  j["j_per_query"] = num(c.joules_per_query);
  j["j_per_query_above_idle"] = num(c.above_idle_joules_per_query);
  j["energy_method"] = c.method;
  j["estimated"] = c.estimated;
  j["simulated"] = c.simulated;
  j["gco2e_per_query"] = num(c.carbon_g_per_query);
  j["carbon_sources"] = c.carbon_sources;
  j["usd_per_1k_queries"] = num(c.cost_usd_per_query * 1000);
  j["cost_basis"] = c.cost_basis;
  j["ttft_p50_s"] = num(c.p50_ttft_s);
  j["ttft_p95_s"] = num(c.p95_ttft_s);
  j["tpot_p50_s"] = num(c.p50_tpot_s);
  j["tpot_p95_s"] = num(c.p95_tpot_s);
  j["e2e_p50_s"] = num(c.p50_e2e_s);
  j["e2e_p95_s"] = num(c.p95_e2e_s);
  j["tokens_per_s"] = num(c.tokens_per_s);
  j["samples_per_s"] = num(c.samples_per_s);
  j["tokens_per_s_per_gpu"] = num(c.tokens_per_s_per_gpu);
  j["samples_per_s_per_gpu"] = num(c.samples_per_s_per_gpu);
  j["peak_memory_mb"] = num(c.peak_memory_mb);
  j["memory_sources"] = c.memory_sources;
  j["per_unit"] = c.per_unit;
  j["per"] = rc.per ? nlohmann::ordered_json(rc.per->per) : nullptr;
  j["per_e"] = rc.per && rc.per->per_energy ? nlohmann::ordered_json(*rc.per->per_energy) : nullptr;
  j["per_missing"] = rc.per_missing;
  for (size_t t = 0; t < kTradeoffs.size(); ++t) {
    j[absl::StrCat("front_", TradeoffName(kTradeoffs[t]))] = rc.on_front[t];
  }
  if (h.ranked) j["changes"] = rc.changes;
  return j;
}

std::string RenderJson(const ReportHeader& h, const std::vector<TaskSection>& sections) {
  nlohmann::ordered_json j;
  j["title"] = h.title;
  j["notes"] = h.notes;
  j["tasks"] = nlohmann::ordered_json::array();
  for (const TaskSection& s : sections) {
    nlohmann::ordered_json t;
    t["task"] = s.task;
    t["score_metric"] = s.score_metric;
    t["per_unit"] = s.per_unit;
    t["per_cohort"] = s.per_cohort;
    t["cells"] = nlohmann::ordered_json::array();
    for (const ReportCell& rc : s.cells) t["cells"].push_back(CellJson(h, rc));
    j["tasks"].push_back(std::move(t));
  }
  return j.dump(2) + "\n";
}

std::string CsvField(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "";
  if (v.is_number_float()) return absl::StrFormat("%.10g", v.get<double>());
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

std::string RenderCsv(const ReportHeader& h, const std::vector<TaskSection>& sections) {
  std::string out;
  bool header = false;
  for (const TaskSection& s : sections) {
    for (const ReportCell& rc : s.cells) {
      const nlohmann::ordered_json j = CellJson(h, rc);
      std::vector<std::string> keys, values;
      for (const auto& [k, v] : j.items()) {
        keys.push_back(k);
        values.push_back(CsvField(v));
      }
      if (!header) absl::StrAppend(&out, absl::StrJoin(keys, ","), "\n");
      header = true;
      absl::StrAppend(&out, absl::StrJoin(values, ","), "\n");
    }
  }
  return out;
}

std::string HtmlEscape(const std::string& s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string HtmlTable(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><thead><tr>";
  for (const auto& c : header) absl::StrAppend(&out, "<th>", HtmlEscape(c), "</th>");
  absl::StrAppend(&out, "</tr></thead><tbody>\n");
  for (const auto& r : rows) {
    absl::StrAppend(&out, "<tr>");
    for (const auto& c : r) absl::StrAppend(&out, "<td>", HtmlEscape(c), "</td>");
    absl::StrAppend(&out, "</tr>\n");
  }
  absl::StrAppend(&out, "</tbody></table>\n");
  return out;
}

// One chart per (hardware class, trade-off) of the section.
std::string SectionCharts(const TaskSection& s) {
  std::map<std::string, std::vector<const ReportCell*>> by_class;
  for (const ReportCell& rc : s.cells) by_class[rc.cell.hardware_class].push_back(&rc);
  std::string out;
  for (const auto& [hardware_class, cells] : by_class) {
    for (size_t t = 0; t < kTradeoffs.size(); ++t) {
      ScatterChart chart;
      chart.title = absl::StrCat(s.task, " on ", hardware_class, ": score against ",
                                 TradeoffLabel(kTradeoffs[t]));
      chart.x_label = TradeoffLabel(kTradeoffs[t]);
      chart.y_label = s.score_metric;
      double lo = INFINITY, hi = -INFINITY;
      for (const ReportCell* rc : cells) {
        const storage::CellSummary& c = rc->cell;
        const double x = TradeoffCost(c, kTradeoffs[t]);
        if (Known(x) && x > 0) lo = std::min(lo, x), hi = std::max(hi, x);
        chart.points.push_back(
            {c.model, x, c.score, hardware_class, rc->on_front[t],
             absl::StrCat(
                 c.model, ": score ", ScoreText(c), ", ", G(x), " ", TradeoffLabel(kTradeoffs[t]),
                 kTradeoffs[t] == Tradeoff::kEnergy ? absl::StrCat(", ", MethodText(c)) : "")});
      }
      // Costs of models from 0.5B to 70B span orders of magnitude.
      chart.log_x = hi > 20 * lo;
      absl::StrAppend(&out, "<figure>", RenderScatterSvg(chart), "</figure>\n");
    }
  }
  return out;
}

constexpr char kStyle[] =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;font-size:13px;margin:1em 0}"
    "th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}"
    "th{background:#f4f4f4}td{white-space:nowrap}td:nth-child(-n+2){text-align:left}"
    ".charts{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}"
    ".note{color:#555}";

std::string RenderHtml(const ReportHeader& h, const std::vector<TaskSection>& sections) {
  const bool changes = AnyChanges(sections);
  std::string out =
      absl::StrCat("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">", "<title>",
                   HtmlEscape(h.title), "</title><style>", kStyle, "</style></head><body>\n<h1>",
                   HtmlEscape(h.title), "</h1>\n");
  for (const auto& note : h.notes)
    absl::StrAppend(&out, "<p class=\"note\">", HtmlEscape(note), "</p>\n");
  for (const TaskSection& s : sections) {
    std::vector<std::vector<std::string>> rows;
    for (const ReportCell& rc : s.cells) rows.push_back(Row(h, rc, changes));
    absl::StrAppend(&out, "<h2>", HtmlEscape(SectionTitle(s)), "</h2>\n",
                    HtmlTable(Header(h, changes), rows), "<div class=\"charts\">\n",
                    SectionCharts(s), "</div>\n");
  }
  absl::StrAppend(&out, "<p class=\"note\">", HtmlEscape(kLegend), "</p>\n</body></html>\n");
  return out;
}

}  // namespace

std::optional<ReportFormat> ParseReportFormat(const std::string& name) {
  if (name == "table") return ReportFormat::kTable;
  if (name == "md") return ReportFormat::kMarkdown;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "json") return ReportFormat::kJson;
  if (name == "html") return ReportFormat::kHtml;
  return std::nullopt;
}

std::string RenderReport(const ReportHeader& header, const std::vector<TaskSection>& sections,
                         ReportFormat format) {
  switch (format) {
    case ReportFormat::kTable:
      return RenderText(header, sections);
    case ReportFormat::kMarkdown:
      return RenderMarkdown(header, sections);
    case ReportFormat::kCsv:
      return RenderCsv(header, sections);
    case ReportFormat::kJson:
      return RenderJson(header, sections);
    case ReportFormat::kHtml:
      return RenderHtml(header, sections);
  }
  return "";
}

std::string RenderRecommendation(const Recommendation& r, Tradeoff optimize, ReportFormat format) {
  const ReportHeader plain;
  if (format == ReportFormat::kJson) {
    nlohmann::ordered_json j;
    j["optimize"] = TradeoffName(optimize);
    j["choice"] = r.choice ? CellJson(plain, ReportCell{*r.choice}) : nullptr;
    j["alternatives"] = nlohmann::ordered_json::array();
    for (const auto& c : r.alternatives)
      j["alternatives"].push_back(CellJson(plain, ReportCell{c}));
    j["explanation"] = r.explanation;
    return j.dump(2) + "\n";
  }
  std::string out = absl::StrCat(r.explanation, ".\n");
  if (!r.choice) return out;
  const storage::CellSummary& c = *r.choice;
  TextTable choice({"", "expected"});
  choice.AddRow({"model", c.model});
  choice.AddRow({"hardware class", c.hardware_class});
  choice.AddRow({"score [95% CI]", absl::StrCat(ScoreText(c), " (", c.score_ci.method, ", ",
                                                c.samples, " samples, sweep ", c.sweep_id, ")")});
  choice.AddRow({"J/query", absl::StrCat(G(c.joules_per_query), " (", MethodText(c), ")")});
  choice.AddRow({"gCO2e/query", G(c.carbon_g_per_query)});
  choice.AddRow(
      {"USD/1k queries", absl::StrCat(G(c.cost_usd_per_query * 1000),
                                      c.cost_basis.empty() ? "" : " (" + c.cost_basis + ")")});
  choice.AddRow({"e2e p50 / p95 s", absl::StrCat(G(c.p50_e2e_s), " / ", G(c.p95_e2e_s))});
  absl::StrAppend(&out, "\n", choice.Render());
  if (r.alternatives.size() > 1) {
    TextTable others({"model", "hardware", "score [95% CI]", TradeoffLabel(optimize)});
    for (size_t i = 1; i < r.alternatives.size(); ++i) {
      const auto& a = r.alternatives[i];
      others.AddRow({a.model, a.hardware_class, ScoreText(a), G(TradeoffCost(a, optimize))});
    }
    absl::StrAppend(&out, "\nAlso qualifying, by ", TradeoffLabel(optimize), ":\n",
                    others.Render());
  }
  return out;
}

}  // namespace jb::cli
