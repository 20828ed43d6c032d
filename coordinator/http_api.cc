#include "coordinator/http_api.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "coordinator/api_json.h"
#include "storage/model_repository.h"
#include "storage/report_queries.h"
#include "storage/sweep_repository.h"
#include "storage/worker_repository.h"

namespace jb::coordinator {
namespace {

using Params = HttpApi::Params;
constexpr char kPrefix[] = "/api/v1/";
constexpr int kDefaultSweepLimit = 20;
constexpr int kMaxSweepLimit = 1000;

std::string Param(const Params& params, const std::string& name) {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

// InvalidArgument for a parameter `path` does not take, naming those it does.
absl::Status OnlyParams(const Params& params, const std::string& path,
                        const std::vector<std::string>& allowed) {
  for (const auto& [name, value] : params) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown parameter '", name, "' for ", path, "; it takes ",
                       allowed.empty() ? "no parameters" : absl::StrJoin(allowed, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ParseSweepId(const std::string& text, const std::string& where) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(text, &id) || id < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " '", text, "' is not a sweep id; pass a positive integer, such as 3"));
  }
  return id;
}

// Runs `body` in a read-only transaction. A status the body returns (a storage function's
// NotFound, an endpoint's own check) keeps its message; a database failure is logged and
// answered without its SQL.
absl::StatusOr<Json> Read(storage::Database* db, const std::string& what,
                          const std::function<absl::StatusOr<Json>(pqxx::work&)>& body) {
  std::optional<absl::StatusOr<Json>> result;
  absl::Status status = db->TransactReadOnly([&](pqxx::work& w) -> absl::Status {
    result.emplace(body(w));
    return result->status();
  });
  if (status.ok()) return *std::move(result);
  if (result.has_value() && !result->ok()) return result->status();
  JB_LOG(warn, "HTTP API: reading {}: {}", what, status.ToString());
  if (status.code() == absl::StatusCode::kUnavailable) {
    return absl::UnavailableError(
        absl::StrCat("reading ", what, ": the database is unavailable; retry shortly"));
  }
  return absl::InternalError(
      absl::StrCat("reading ", what, " failed; the coordinator's log says why"));
}

// The family of each model among `cells` ("" when the model is not stored or has none).
absl::StatusOr<std::map<std::string, std::string>> Families(
    pqxx::work& w, const std::vector<storage::CellSummary>& cells) {
  std::map<std::string, std::string> families;
  for (const storage::CellSummary& c : cells) {
    if (families.count(c.model) > 0) continue;
    absl::StatusOr<joulebench::v1::ModelSpec> model = storage::GetModel(w, c.model);
    if (!model.ok() && model.status().code() != absl::StatusCode::kNotFound) {
      return model.status();
    }
    families[c.model] = model.ok() ? model->family() : "";
  }
  return families;
}

absl::StatusOr<Json> Leaderboard(storage::Database* db, const Params& params) {
  const std::string path = "/api/v1/leaderboard";
  JB_RETURN_IF_ERROR(OnlyParams(params, path, {"task", "hardware_class", "family", "since"}));
  const std::string task = Param(params, "task");
  const std::string hardware_class = Param(params, "hardware_class");
  const std::string family = Param(params, "family");
  const std::string since = Param(params, "since");
  absl::Time since_day;
  std::string parse_error;
  if (!since.empty() &&
      (since.size() != 10 || !absl::ParseTime("%Y-%m-%d", since, &since_day, &parse_error))) {
    return absl::InvalidArgumentError(
        absl::StrCat("since '", since, "' is not a date; pass YYYY-MM-DD, such as 2026-12-01"));
  }
  return Read(db, "the leaderboard", [&](pqxx::work& w) -> absl::StatusOr<Json> {
    JB_ASSIGN_OR_RETURN(std::vector<storage::LeaderboardRow> rows,
                        storage::ReadLeaderboard(w, task));
    std::vector<storage::CellSummary> all;
    for (const auto& row : rows) all.push_back(row.cell);
    JB_ASSIGN_OR_RETURN(auto families, Families(w, all));
    // When each sweep finished (UTC date), for `since`.
    std::map<int64_t, std::string> finished;
    std::map<std::tuple<std::string, std::string, std::string>,
             std::optional<storage::LeaderboardChange>>
        changes;
    std::vector<cli::ReportCell> kept;
    for (storage::LeaderboardRow& row : rows) {
      const storage::CellSummary& c = row.cell;
      if (!hardware_class.empty() && c.hardware_class != hardware_class) continue;
      if (!family.empty() && families[c.model] != family) continue;
      if (!since.empty()) {
        if (finished.count(c.sweep_id) == 0) {
          JB_ASSIGN_OR_RETURN(storage::SweepOverview sweep,
                              storage::GetSweepOverview(w, c.sweep_id));
          finished[c.sweep_id] =
              (sweep.finished_at.empty() ? sweep.created_at : sweep.finished_at).substr(0, 10);
        }
        if (finished[c.sweep_id] < since) continue;
      }
      changes[{c.task, c.model, c.hardware_class}] = row.change;
      cli::ReportCell rc{std::move(row.cell)};
      rc.rank = row.rank;
      kept.push_back(std::move(rc));
    }
    Json tasks = Json::array();
    for (const cli::TaskSection& section : cli::BuildReport(std::move(kept))) {
      Json out_rows = Json::array();
      for (const cli::ReportCell& rc : section.cells) {
        const storage::CellSummary& c = rc.cell;
        out_rows.push_back(LeaderboardRowJson(rc, families[c.model],
                                              changes[{c.task, c.model, c.hardware_class}]));
      }
      tasks.push_back({{"task", section.task},
                       {"score_metric", section.score_metric},
                       {"per_unit", section.per_unit},
                       {"per_cohort", section.per_cohort},
                       {"rows", std::move(out_rows)}});
    }
    return Json{{"filters",
                 {{"task", task},
                  {"hardware_class", hardware_class},
                  {"family", family},
                  {"since", since}}},
                {"tasks", std::move(tasks)}};
  });
}

absl::StatusOr<Json> Tasks(storage::Database* db, const Params& params) {
  JB_RETURN_IF_ERROR(OnlyParams(params, "/api/v1/tasks", {}));
  return Read(db, "the leaderboard's tasks", [&](pqxx::work& w) -> absl::StatusOr<Json> {
    JB_ASSIGN_OR_RETURN(std::vector<storage::LeaderboardRow> rows, storage::ReadLeaderboard(w, ""));
    std::vector<storage::CellSummary> cells;
    for (const auto& row : rows) cells.push_back(row.cell);
    JB_ASSIGN_OR_RETURN(auto families, Families(w, cells));
    std::map<std::string, std::pair<std::string, int>> tasks;  // metric, rows
    std::set<std::string> classes, family_names;
    for (const storage::CellSummary& c : cells) {
      auto& [metric, count] = tasks[c.task];
      if (metric.empty()) metric = c.score_metric;
      ++count;
      classes.insert(c.hardware_class);
      if (!families[c.model].empty()) family_names.insert(families[c.model]);
    }
    Json out_tasks = Json::array();
    for (const auto& [name, entry] : tasks) {
      out_tasks.push_back({{"task", name}, {"score_metric", entry.first}, {"rows", entry.second}});
    }
    return Json{
        {"tasks", std::move(out_tasks)}, {"hardware_classes", classes}, {"families", family_names}};
  });
}

absl::StatusOr<Json> Tradeoff(storage::Database* db, const Params& params) {
  JB_RETURN_IF_ERROR(OnlyParams(params, "/api/v1/tradeoff", {"task", "axis", "sweep"}));
  const std::string task = Param(params, "task");
  if (task.empty()) {
    return absl::InvalidArgumentError(
        "/api/v1/tradeoff needs task=NAME; GET /api/v1/tasks lists the tasks");
  }
  const std::string axis_name = params.count("axis") > 0 ? Param(params, "axis") : "energy";
  std::optional<cli::Tradeoff> axis = cli::ParseTradeoff(axis_name);
  if (!axis) {
    return absl::InvalidArgumentError(absl::StrCat(
        "axis '", axis_name, "' is not a trade-off; pass energy, carbon, cost or latency"));
  }
  std::optional<int64_t> sweep;
  if (params.count("sweep") > 0) {
    JB_ASSIGN_OR_RETURN(sweep, ParseSweepId(Param(params, "sweep"), "sweep"));
  }
  return Read(db, "a trade-off", [&](pqxx::work& w) -> absl::StatusOr<Json> {
    std::vector<storage::CellSummary> cells;
    if (sweep) {
      if (!storage::GetSweepOverview(w, *sweep).ok()) {
        return absl::NotFoundError(
            absl::StrCat("no sweep ", *sweep, "; GET /api/v1/sweeps lists them"));
      }
      JB_ASSIGN_OR_RETURN(cells, storage::SummarizeSweep(w, *sweep));
    } else {
      JB_ASSIGN_OR_RETURN(std::vector<storage::LeaderboardRow> rows,
                          storage::ReadLeaderboard(w, task));
      for (auto& row : rows) cells.push_back(std::move(row.cell));
    }
    cells.erase(
        std::remove_if(cells.begin(), cells.end(), [&](const auto& c) { return c.task != task; }),
        cells.end());
    if (cells.empty()) {
      return absl::NotFoundError(absl::StrCat(
          "no cells of task ", task,
          sweep ? absl::StrCat(" in sweep ", *sweep) : std::string(" on the leaderboard"),
          "; GET /api/v1/tasks lists the leaderboard's tasks"));
    }
    const size_t t =
        std::find(cli::kTradeoffs.begin(), cli::kTradeoffs.end(), *axis) - cli::kTradeoffs.begin();
    std::map<std::string, std::vector<const cli::ReportCell*>> by_class;
    std::vector<cli::TaskSection> sections = cli::BuildReport(std::move(cells));
    for (const cli::ReportCell& rc : sections.at(0).cells) {
      by_class[rc.cell.hardware_class].push_back(&rc);
    }
    Json classes = Json::array();
    for (auto& [hardware_class, members] : by_class) {
      std::sort(members.begin(), members.end(),
                [](const auto* a, const auto* b) { return a->cell.model < b->cell.model; });
      Json points = Json::array();
      std::vector<const cli::ReportCell*> front;
      for (const cli::ReportCell* rc : members) {
        const storage::CellSummary& c = rc->cell;
        points.push_back({{"model", c.model},
                          {"x", Number(cli::TradeoffCost(c, *axis))},
                          {"score", Number(c.score)},
                          {"ci_low", Number(c.score_ci.low)},
                          {"ci_high", Number(c.score_ci.high)},
                          {"provisional", c.score_provisional},
                          {"on_front", rc->on_front[t]},
                          {"energy", EnergyJson(c)},
                          {"sweep_id", c.sweep_id}});
        if (rc->on_front[t]) front.push_back(rc);
      }
      // Along the front: the cheapest first, as tasks::ParetoFront orders it.
      std::stable_sort(front.begin(), front.end(), [&](const auto* a, const auto* b) {
        return cli::TradeoffCost(a->cell, *axis) < cli::TradeoffCost(b->cell, *axis);
      });
      Json front_models = Json::array();
      for (const cli::ReportCell* rc : front) front_models.push_back(rc->cell.model);
      classes.push_back({{"hardware_class", hardware_class},
                         {"points", std::move(points)},
                         {"front", std::move(front_models)}});
    }
    return Json{{"task", task},
                {"axis", cli::TradeoffName(*axis)},
                {"x_label", cli::TradeoffLabel(*axis)},
                {"score_metric", sections.at(0).score_metric},
                {"sweep_id", sweep ? Json(*sweep) : Json()},
                {"classes", std::move(classes)}};
  });
}

absl::StatusOr<Json> Sweeps(storage::Database* db, const Params& params) {
  JB_RETURN_IF_ERROR(OnlyParams(params, "/api/v1/sweeps", {"limit"}));
  int limit = kDefaultSweepLimit;
  if (params.count("limit") > 0) {
    const std::string text = Param(params, "limit");
    if (!absl::SimpleAtoi(text, &limit) || limit < 1 || limit > kMaxSweepLimit) {
      return absl::InvalidArgumentError(
          absl::StrCat("limit '", text, "' is not a whole number from 1 to ", kMaxSweepLimit,
                       "; pass one such as limit=50"));
    }
  }
  return Read(db, "the sweeps", [&](pqxx::work& w) -> absl::StatusOr<Json> {
    JB_ASSIGN_OR_RETURN(auto sweeps, storage::ListSweeps(w, limit));
    Json out = Json::array();
    for (joulebench::v1::SweepInfo& s : sweeps) {
      s.clear_cells();  // the list is a summary; GET /api/v1/sweeps/{id} has the cells
      out.push_back(SweepJson(s));
    }
    return Json{{"sweeps", std::move(out)}};
  });
}

absl::StatusOr<Json> Sweep(storage::Database* db, const std::string& id_text,
                           const Params& params) {
  JB_RETURN_IF_ERROR(OnlyParams(params, absl::StrCat("/api/v1/sweeps/", id_text), {}));
  JB_ASSIGN_OR_RETURN(int64_t id, ParseSweepId(id_text, "/api/v1/sweeps/{id}: id"));
  return Read(db, absl::StrCat("sweep ", id), [&](pqxx::work& w) -> absl::StatusOr<Json> {
    absl::StatusOr<storage::SweepOverview> overview = storage::GetSweepOverview(w, id);
    if (!overview.ok()) {
      return absl::NotFoundError(absl::StrCat("no sweep ", id, "; GET /api/v1/sweeps lists them"));
    }
    JB_ASSIGN_OR_RETURN(joulebench::v1::SweepInfo info, storage::GetSweepInfo(w, id));
    JB_ASSIGN_OR_RETURN(std::vector<storage::ShardRecord> errors, storage::ListShardErrors(w, id));
    Json out = SweepJson(info);
    out["sealed"] = overview->sealed;
    if (!out.contains("cells")) out["cells"] = Json::array();
    Json failures = Json::array();
    for (const auto& shard : errors) failures.push_back(ShardErrorJson(shard));
    out["failures"] = std::move(failures);
    return out;
  });
}

absl::StatusOr<Json> Workers(storage::Database* db, const Params& params) {
  JB_RETURN_IF_ERROR(OnlyParams(params, "/api/v1/workers", {}));
  return Read(db, "the workers", [&](pqxx::work& w) -> absl::StatusOr<Json> {
    JB_ASSIGN_OR_RETURN(auto workers, storage::ListWorkers(w));
    Json out = Json::array();
    for (const auto& worker : workers) out.push_back(WorkerJson(worker));
    return Json{{"workers", std::move(out)}};
  });
}

absl::StatusOr<Json> History(storage::Database* db, const Params& params) {
  JB_RETURN_IF_ERROR(OnlyParams(params, "/api/v1/history", {"model", "task"}));
  const std::string model = Param(params, "model");
  const std::string task = Param(params, "task");
  if (model.empty()) {
    return absl::InvalidArgumentError(
        "/api/v1/history needs model=NAME; GET /api/v1/leaderboard lists the models");
  }
  return Read(db, "the snapshot history", [&](pqxx::work& w) -> absl::StatusOr<Json> {
    JB_ASSIGN_OR_RETURN(auto points, storage::ReadSnapshotHistory(w, model, task));
    Json out = Json::array();
    for (const auto& p : points) out.push_back(SnapshotPointJson(p));
    return Json{{"model", model}, {"task", task}, {"points", std::move(out)}};
  });
}

HttpReply Reply(const absl::StatusOr<Json>& json) {
  if (!json.ok()) return HttpApi::ErrorReply(json.status());
  return HttpReply{200, json->dump()};
}

}  // namespace

HttpReply HttpApi::Get(const std::string& path, const Params& params) const {
  if (path == "/healthz") return HttpReply{200, Json{{"status", "ok"}}.dump()};
  if (path == "/api/v1/leaderboard") return Reply(Leaderboard(db_, params));
  if (path == "/api/v1/tasks") return Reply(Tasks(db_, params));
  if (path == "/api/v1/tradeoff") return Reply(Tradeoff(db_, params));
  if (path == "/api/v1/sweeps") return Reply(Sweeps(db_, params));
  if (absl::StartsWith(path, "/api/v1/sweeps/")) {
    return Reply(Sweep(db_, path.substr(std::string("/api/v1/sweeps/").size()), params));
  }
  if (path == "/api/v1/workers") return Reply(Workers(db_, params));
  if (path == "/api/v1/history") return Reply(History(db_, params));
  return ErrorReply(absl::NotFoundError(absl::StrCat(
      "no endpoint ", path, "; the API is under ", kPrefix,
      ": leaderboard, tasks, tradeoff, sweeps, sweeps/{id}, workers, history (docs/api.md)")));
}

HttpReply HttpApi::ErrorReply(const absl::Status& status) {
  int http = 500;
  std::string code = "internal";
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      http = 400;
      code = "invalid_argument";
      break;
    case absl::StatusCode::kNotFound:
      http = 404;
      code = "not_found";
      break;
    case absl::StatusCode::kUnavailable:
      http = 503;
      code = "unavailable";
      break;
    default:
      break;
  }
  return HttpReply{http, Json{{"error", {{"code", code}, {"message", status.message()}}}}.dump()};
}

HttpReply HttpApi::MethodNotAllowed(const std::string& method, const std::string& path) {
  return HttpReply{
      405, Json{{"error",
                 {{"code", "method_not_allowed"},
                  {"message", absl::StrCat(method, " ", path,
                                           ": the API is read-only; only GET is allowed")}}}}
               .dump()};
}

}  // namespace jb::coordinator
