#include "coordinator/api_json.h"

#include <cmath>

#include "absl/time/time.h"
#include "common/energy_method.h"
#include "storage/sweep_repository.h"

namespace jb::coordinator {
namespace {

namespace v1 = ::joulebench::v1;

Json Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return nullptr;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

Json Text(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace

Json Number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

Json EnergyJson(const storage::CellSummary& c) {
  return {{"j_per_query", Number(c.joules_per_query)},
          {"above_idle_j_per_query", Number(c.above_idle_joules_per_query)},
          {"total_j", Number(c.energy_j)},
          {"method", c.method},
          {"simulated", c.simulated},
          {"estimated", c.estimated}};
}

Json ScoreJson(const storage::CellSummary& c) {
  return {{"metric", c.score_metric},         {"value", Number(c.score)},
          {"ci_low", Number(c.score_ci.low)}, {"ci_high", Number(c.score_ci.high)},
          {"ci_method", c.score_ci.method},   {"provisional", c.score_provisional}};
}

Json LeaderboardRowJson(const cli::ReportCell& rc, const std::string& family,
                        const std::optional<storage::LeaderboardChange>& change) {
  const storage::CellSummary& c = rc.cell;
  Json per = {{"per", nullptr}, {"per_e", nullptr}, {"missing", Text(rc.per_missing)}};
  if (rc.per) {
    per["per"] = Number(rc.per->per);
    if (rc.per->per_energy) per["per_e"] = Number(*rc.per->per_energy);
  }
  Json pareto = Json::object();
  for (size_t t = 0; t < cli::kTradeoffs.size(); ++t) {
    pareto[cli::TradeoffName(cli::kTradeoffs[t])] = rc.on_front[t];
  }
  Json changed = nullptr;
  if (change) {
    changed = {
        {"since", change->previous_date},     {"previous_score", Number(change->previous_score)},
        {"score", change->score_changed},     {"energy", change->energy_changed},
        {"latency", change->latency_changed}, {"method", change->method_changed}};
  }
  return {
      {"model", c.model},
      {"hardware_class", c.hardware_class},
      {"family", family},
      {"sweep_id", c.sweep_id},
      {"rank", rc.rank},
      {"score", ScoreJson(c)},
      {"samples", c.samples},
      {"errors", c.errors},
      {"completeness", Number(c.completeness)},
      {"energy", EnergyJson(c)},
      {"carbon",
       {{"gco2e_per_query", Number(c.carbon_g_per_query)}, {"sources", Text(c.carbon_sources)}}},
      {"cost",
       {{"usd_per_1k_queries", Number(cli::TradeoffCost(c, cli::Tradeoff::kCost))},
        {"basis", Text(c.cost_basis)}}},
      {"latency",
       {{"ttft_p50_s", Number(c.p50_ttft_s)},
        {"ttft_p95_s", Number(c.p95_ttft_s)},
        {"tpot_p50_s", Number(c.p50_tpot_s)},
        {"tpot_p95_s", Number(c.p95_tpot_s)},
        {"e2e_p50_s", Number(c.p50_e2e_s)},
        {"e2e_p95_s", Number(c.p95_e2e_s)}}},
      {"throughput",
       {{"tokens_per_s", Number(c.tokens_per_s)},
        {"samples_per_s", Number(c.samples_per_s)},
        {"tokens_per_s_per_gpu", Number(c.tokens_per_s_per_gpu)},
        {"samples_per_s_per_gpu", Number(c.samples_per_s_per_gpu)}}},
      {"memory", {{"peak_mb", Number(c.peak_memory_mb)}, {"sources", Text(c.memory_sources)}}},
      {"per", per},
      {"pareto", pareto},
      {"changed", changed},
  };
}

Json SweepJson(const v1::SweepInfo& s) {
  Json labels = Json::object();
  for (const auto& [key, value] : s.labels()) labels[key] = value;
  Json out = {
      {"id", s.sweep_id()},
      {"name", s.name()},
      {"state", storage::SweepStateText(s.state())},
      {"priority", s.priority()},
      {"labels", labels},
      {"created_at", Time(s.created_at())},
      {"started_at", Time(s.started_at())},
      {"finished_at", Time(s.finished_at())},
      {"shards",
       {{"total", s.shards_total()},
        {"pending", s.shards_pending()},
        {"leased", s.shards_leased()},
        {"succeeded", s.shards_succeeded()},
        {"failed", s.shards_failed()},
        {"cancelled", s.shards_cancelled()}}},
      {"samples",
       {{"total", s.samples_total()}, {"done", s.samples_done()}, {"failed", s.samples_failed()}}},
  };
  if (s.cells_size() > 0) {
    Json cells = Json::array();
    for (const v1::CellProgress& c : s.cells()) {
      cells.push_back({{"model", c.model()},
                       {"task", c.task()},
                       {"hardware_class", c.hardware_class()},
                       {"shards",
                        {{"total", c.shards_total()},
                         {"leased", c.shards_leased()},
                         {"succeeded", c.shards_succeeded()},
                         {"failed", c.shards_failed()}}},
                       {"samples",
                        {{"total", c.samples_total()},
                         {"done", c.samples_done()},
                         {"failed", c.samples_failed()}}},
                       {"mean_score", c.samples_done() > 0 ? Json(c.mean_score()) : Json()},
                       {"waiting_reason", Text(c.waiting_reason())}});
    }
    out["cells"] = std::move(cells);
  }
  return out;
}

Json ShardErrorJson(const storage::ShardRecord& s) {
  return {{"shard_id", s.shard_id},
          {"model", s.model},
          {"task", s.task},
          {"hardware_class", s.hardware_class},
          {"sample_begin", s.sample_begin},
          {"sample_end", s.sample_end},
          {"state", s.state},
          {"attempts", s.attempts},
          {"max_attempts", s.max_attempts},
          {"error", s.last_error}};
}

Json WorkerJson(const v1::WorkerInfo& w) {
  const v1::HardwareProfile& h = w.hardware();
  Json gpus = Json::array();
  for (const v1::GpuDevice& g : h.gpus()) {
    gpus.push_back({{"product", g.product()},
                    {"memory_bytes", g.memory_bytes()},
                    {"mig", g.mig()},
                    {"power_limit_w", g.power_limit_w()}});
  }
  Json methods = Json::array();
  for (int m : h.energy_methods()) methods.push_back(EnergyMethodName(v1::EnergyMethod(m)));
  Json models = Json::array();
  for (const v1::ServedModel& m : w.server().models()) models.push_back(m.name());
  return {
      {"id", w.worker_id()},
      {"name", w.name()},
      {"state", w.state()},
      {"detail", Text(w.detail())},
      {"version", w.version()},
      {"hardware",
       {{"hardware_class", h.hardware_class()},
        {"hostname", h.hostname()},
        {"cpu_model", h.cpu_model()},
        {"cpu_count", h.cpu_count()},
        {"memory_bytes", h.memory_bytes()},
        {"gpus", gpus},
        {"region", Text(h.region())},
        {"energy_methods", methods}}},
      {"server",
       {{"kind", w.server().kind()},
        {"version", w.server().version()},
        {"simulated", w.server().simulated()},
        {"models", models}}},
      {"registered_at", Time(w.registered_at())},
      {"last_heartbeat_at", Time(w.last_heartbeat_at())},
      {"current_shard_id", w.current_shard_id() == 0 ? Json() : Json(w.current_shard_id())},
  };
}

Json SnapshotPointJson(const storage::SnapshotPoint& p) {
  absl::StatusOr<v1::EnergyMethod> method = EnergyMethodFromName(p.method);
  return {
      {"date", p.date},
      {"task", p.task},
      {"hardware_class", p.hardware_class},
      {"sweep_id", p.sweep_id},
      {"score",
       {{"metric", p.score_metric},
        {"value", Number(p.score)},
        {"ci_low", Number(p.score_ci.low)},
        {"ci_high", Number(p.score_ci.high)}}},
      {"energy",
       {{"j_per_query", Number(p.joules_per_query)},
        {"method", p.method},
        {"simulated", p.simulated},
        {"estimated", method.ok() && IsEstimate(*method)}}},
      {"carbon", {{"gco2e_per_query", Number(p.carbon_g_per_query)}}},
      {"cost", {{"usd_per_1k_queries", Number(p.cost_usd_per_1k)}}},
      {"latency", {{"e2e_p50_s", Number(p.p50_e2e_s)}}},
  };
}

}  // namespace jb::coordinator
