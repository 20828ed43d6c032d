#include "cli/report_model.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tasks/pareto.h"

namespace jb::cli {
namespace {

bool Known(double x) { return std::isfinite(x); }

// A cell's PER terms, or the names of those it lacks.
std::optional<tasks::PerMetrics> PerTerms(const storage::CellSummary& c,
                                          std::vector<std::string>* missing) {
  const bool per_sample = c.per_unit == "sample";
  // CPU classes have no GPU count: their throughput per server stands in for per GPU.
  double throughput = per_sample ? c.samples_per_s_per_gpu : c.tokens_per_s_per_gpu;
  if (!Known(throughput)) throughput = per_sample ? c.samples_per_s : c.tokens_per_s;
  const double latency_ms = 1000 * (per_sample ? c.mean_e2e_s : c.mean_tpot_s);
  tasks::PerMetrics m;
  m.model = absl::StrCat(c.model, " on ", c.hardware_class);
  m.accuracy = c.score;
  m.throughput = throughput;
  m.latency = latency_ms;
  m.memory = c.peak_memory_mb;
  if (Known(c.joules_per_query)) m.joules_per_query = c.joules_per_query;
  if (!Known(c.score)) missing->push_back("score");
  if (!Known(throughput)) missing->push_back("throughput");
  if (!Known(latency_ms)) missing->push_back("latency");
  if (!Known(c.peak_memory_mb)) missing->push_back("memory");
  if (!missing->empty()) return std::nullopt;
  return m;
}

void ComputeSectionPer(TaskSection& section) {
  std::vector<tasks::PerMetrics> cohort;
  std::vector<size_t> members;
  for (size_t i = 0; i < section.cells.size(); ++i) {
    std::vector<std::string> missing;
    std::optional<tasks::PerMetrics> terms = PerTerms(section.cells[i].cell, &missing);
    section.cells[i].per_missing = absl::StrJoin(missing, ", ");
    if (!terms) continue;
    cohort.push_back(*terms);
    members.push_back(i);
  }
  // PER-E only when every member has J/query; otherwise plain PER for all.
  const bool energy = std::all_of(cohort.begin(), cohort.end(),
                                  [](const auto& m) { return m.joules_per_query.has_value(); });
  if (!energy) {
    for (auto& m : cohort) m.joules_per_query.reset();
  }
  absl::StatusOr<std::vector<tasks::PerScore>> scores = tasks::ComputePer(cohort);
  if (!scores.ok()) {
    // A negative or non-finite term: the figures are not a cohort PER can compare.
    for (size_t i : members) section.cells[i].per_missing = std::string(scores.status().message());
    return;
  }
  for (size_t k = 0; k < members.size(); ++k) section.cells[members[k]].per = (*scores)[k];
  section.per_cohort = static_cast<int>(members.size());
}

void MarkFronts(TaskSection& section) {
  std::map<std::string, std::vector<size_t>> by_class;
  for (size_t i = 0; i < section.cells.size(); ++i) {
    by_class[section.cells[i].cell.hardware_class].push_back(i);
  }
  for (const auto& [hardware_class, indices] : by_class) {
    for (size_t t = 0; t < kTradeoffs.size(); ++t) {
      std::vector<tasks::ParetoPoint> points;
      for (size_t i : indices) {
        const storage::CellSummary& c = section.cells[i].cell;
        points.push_back({c.model, c.score, TradeoffCost(c, kTradeoffs[t])});
      }
      for (size_t k : tasks::ParetoFront(points)) section.cells[indices[k]].on_front[t] = true;
    }
  }
}

// Best score first; NaN scores last.
bool BetterScore(const storage::CellSummary& a, const storage::CellSummary& b) {
  const bool ka = Known(a.score), kb = Known(b.score);
  if (ka != kb) return ka;
  if (ka && a.score != b.score) return a.score > b.score;
  return std::tie(a.model, a.hardware_class) < std::tie(b.model, b.hardware_class);
}

std::string Describe(const storage::CellSummary& c) {
  return absl::StrFormat("%s on %s (%s %.4g [%.4g, %.4g])", c.model, c.hardware_class,
                         c.score_metric, c.score, c.score_ci.low, c.score_ci.high);
}

}  // namespace

std::string TradeoffName(Tradeoff t) {
  switch (t) {
    case Tradeoff::kEnergy:
      return "energy";
    case Tradeoff::kCarbon:
      return "carbon";
    case Tradeoff::kCost:
      return "cost";
    case Tradeoff::kLatency:
      return "latency";
  }
  return "";
}

std::optional<Tradeoff> ParseTradeoff(const std::string& name) {
  for (Tradeoff t : kTradeoffs) {
    if (TradeoffName(t) == name) return t;
  }
  return std::nullopt;
}

std::string TradeoffLabel(Tradeoff t) {
  switch (t) {
    case Tradeoff::kEnergy:
      return "J/query";
    case Tradeoff::kCarbon:
      return "gCO2e/query";
    case Tradeoff::kCost:
      return "USD/1k queries";
    case Tradeoff::kLatency:
      return "e2e p50 s";
  }
  return "";
}

double TradeoffCost(const storage::CellSummary& c, Tradeoff t) {
  switch (t) {
    case Tradeoff::kEnergy:
      return c.joules_per_query;
    case Tradeoff::kCarbon:
      return c.carbon_g_per_query;
    case Tradeoff::kCost:
      return c.cost_usd_per_query * 1000;
    case Tradeoff::kLatency:
      return c.p50_e2e_s;
  }
  return NAN;
}

std::vector<TaskSection> BuildReport(std::vector<storage::CellSummary> cells) {
  std::vector<ReportCell> wrapped;
  for (storage::CellSummary& c : cells) wrapped.push_back(ReportCell{std::move(c)});
  return BuildReport(std::move(wrapped));
}

std::vector<TaskSection> BuildReport(std::vector<ReportCell> cells) {
  std::map<std::string, TaskSection> by_task;
  for (ReportCell& rc : cells) {
    const storage::CellSummary& c = rc.cell;
    TaskSection& section = by_task[c.task];
    section.task = c.task;
    if (section.score_metric.empty()) section.score_metric = c.score_metric;
    if (section.per_unit.empty()) section.per_unit = c.per_unit;
    rc.per.reset();
    rc.on_front = {};
    section.cells.push_back(std::move(rc));
  }
  std::vector<TaskSection> out;
  for (auto& [task, section] : by_task) {
    std::sort(section.cells.begin(), section.cells.end(),
              [](const ReportCell& a, const ReportCell& b) { return BetterScore(a.cell, b.cell); });
    ComputeSectionPer(section);
    MarkFronts(section);
    out.push_back(std::move(section));
  }
  return out;
}

Recommendation Recommend(const std::vector<storage::CellSummary>& cells, const std::string& task,
                         double min_score, Tradeoff optimize, const std::string& hardware_class) {
  Recommendation r;
  std::vector<const storage::CellSummary*> of_task;
  for (const storage::CellSummary& c : cells) {
    if (c.task == task && (hardware_class.empty() || c.hardware_class == hardware_class)) {
      of_task.push_back(&c);
    }
  }
  const std::string where =
      hardware_class.empty() ? "" : absl::StrCat(" on hardware class ", hardware_class);
  if (of_task.empty()) {
    r.explanation = absl::StrCat("no scored results for task ", task, where,
                                 " on the leaderboard; run a sweep of it, or check the name with "
                                 "`joulebench leaderboard`");
    return r;
  }
  std::vector<const storage::CellSummary*> reaching;
  for (const auto* c : of_task) {
    if (Known(c->score) && c->score >= min_score) reaching.push_back(c);
  }
  if (reaching.empty()) {
    const auto* best =
        *std::min_element(of_task.begin(), of_task.end(),
                          [](const auto* a, const auto* b) { return BetterScore(*a, *b); });
    r.explanation = absl::StrCat("no model reaches ", absl::StrFormat("%g", min_score), " on ",
                                 task, where, "; the best is ", Describe(*best),
                                 ". Lower --min-score, or evaluate stronger models");
    return r;
  }
  for (const auto* c : reaching) {
    if (Known(TradeoffCost(*c, optimize))) r.alternatives.push_back(*c);
  }
  if (r.alternatives.empty()) {
    r.explanation =
        absl::StrCat(reaching.size(), " cell(s) reach ", absl::StrFormat("%g", min_score),
                     " but none has a known ", TradeoffLabel(optimize),
                     " (unmetered energy, no grid intensity, or no price); "
                     "optimize for another of energy, carbon, cost, latency");
    return r;
  }
  std::stable_sort(r.alternatives.begin(), r.alternatives.end(),
                   [optimize](const auto& a, const auto& b) {
                     return TradeoffCost(a, optimize) < TradeoffCost(b, optimize);
                   });
  r.choice = r.alternatives.front();
  r.explanation = absl::StrCat(r.alternatives.size(), " of ", of_task.size(), " cell(s) of ", task,
                               where, " reach ", absl::StrFormat("%g", min_score), "; the lowest ",
                               TradeoffLabel(optimize), " is ", Describe(*r.choice));
  if (r.choice->score_ci.low < min_score) {
    absl::StrAppend(&r.explanation, "; its 95% interval reaches below ",
                    absl::StrFormat("%g", min_score), ", so the bar is not met with confidence");
  }
  return r;
}

}  // namespace jb::cli
