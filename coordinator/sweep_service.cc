#include "coordinator/sweep_service.h"

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "coordinator/planner.h"
#include "coordinator/suite_resolver.h"
#include "coordinator/sweep_spec.h"
#include "storage/hardware_class_repository.h"
#include "storage/leaderboard.h"
#include "storage/model_repository.h"
#include "storage/report_queries.h"
#include "storage/sealed_cells.h"
#include "storage/shard_queue.h"
#include "storage/suite_repository.h"
#include "storage/sweep_repository.h"
#include "storage/worker_repository.h"

namespace jb::coordinator {

namespace v1 = joulebench::v1;

namespace {

std::vector<storage::PlannedShard> ToPlannedShards(const SweepPlan& plan) {
  std::vector<storage::PlannedShard> out;
  out.reserve(plan.shards.size());
  for (const ShardPlan& s : plan.shards) {
    storage::PlannedShard p;
    p.model = s.model;
    p.suite_hash = s.suite_hash;
    p.task = s.task;
    p.hardware_class = s.hardware_class;
    p.sweep_repeat = s.sweep_repeat;
    p.sample_begin = s.sample_begin;
    p.sample_end = s.sample_end;
    p.settings_json = SettingsToJson(s.settings);
    p.priority = s.priority;
    p.max_attempts = s.max_attempts;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

absl::StatusOr<v1::SubmitSweepResponse> SweepService::Submit(
    const v1::SubmitSweepRequest& request) {
  std::string source = request.source_name().empty() ? "sweep" : request.source_name();
  JB_ASSIGN_OR_RETURN(SweepSpec spec, ParseSweepSpec(request.spec_yaml(), source));
  std::vector<v1::SuiteFile> inline_suites(request.suites().begin(), request.suites().end());
  JB_ASSIGN_OR_RETURN(std::vector<tasks::Suite> suites, ResolveSuites(spec, inline_suites));
  HistoryByCell history;
  if (spec.shard_duration_s.has_value()) {
    JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
      history.clear();
      for (const ModelEntry& model : spec.models) {
        for (const tasks::Suite& suite : suites) {
          for (const std::string& hardware_class : spec.hardware_classes) {
            JB_ASSIGN_OR_RETURN(
                std::optional<storage::CellSpeed> speed,
                storage::CellSecondsPerSample(tx, model.spec.name(), suite.task.name(),
                                              hardware_class, spec.concurrency));
            if (speed.has_value()) {
              history[{model.spec.name(), suite.task.name(), hardware_class}] = {
                  speed->seconds_per_sample, speed->shards};
            }
          }
        }
      }
      return absl::OkStatus();
    }));
  }
  SweepPlan plan = PlanSweep(spec, suites, history);

  v1::SubmitSweepResponse response;
  for (const auto& cell : plan.cells) *response.add_plan() = cell;
  response.set_shards_total(static_cast<uint32_t>(plan.shards.size()));
  response.set_samples_total(plan.samples_total);

  // One transaction: a bare model name that is unknown aborts it before anything is written.
  absl::Status status = db_->Transact([&](pqxx::work& tx) -> absl::Status {
    response.set_sweep_id(0);
    for (const ModelEntry& model : spec.models) {
      if (model.declared) continue;
      JB_ASSIGN_OR_RETURN(bool known, storage::ModelExists(tx, model.spec.name()));
      if (!known) {
        return absl::InvalidArgumentError(absl::StrCat(
            source, ":", model.line, ": models[", &model - spec.models.data(), "]: unknown model '",
            model.spec.name(),
            "'; declare it with `name:` and `parameters:`, or start a worker that serves it"));
      }
    }
    if (request.dry_run()) return absl::OkStatus();
    for (const ModelEntry& model : spec.models) {
      if (model.declared) JB_RETURN_IF_ERROR(storage::UpsertModel(tx, model.spec));
    }
    for (const auto& [name, prices] : spec.hardware_prices) {
      JB_RETURN_IF_ERROR(storage::SetHardwarePrices(tx, name, prices.price_per_hour_usd,
                                                    prices.electricity_usd_per_kwh));
    }
    for (const tasks::Suite& suite : suites) {
      JB_RETURN_IF_ERROR(storage::PutSuite(tx, suite.task, suite.samples));
    }
    JB_ASSIGN_OR_RETURN(int64_t sweep_id, storage::InsertSweep(tx, spec.name, request.spec_yaml(),
                                                               source, spec.priority, spec.labels));
    JB_RETURN_IF_ERROR(storage::InsertShards(tx, sweep_id, ToPlannedShards(plan)));
    response.set_sweep_id(sweep_id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!request.dry_run()) {
    // The sweep is committed either way; without fresh statistics claims are only slower.
    absl::Status analyzed = db_->Transact(storage::AnalyzeShards);
    if (!analyzed.ok()) {
      JB_LOG(warn, "ANALYZE shards after sweep {}: {}", response.sweep_id(), analyzed.ToString());
    }
  }
  return response;
}

absl::StatusOr<v1::SweepInfo> SweepService::Get(int64_t sweep_id) {
  v1::SweepInfo info;
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(info, storage::GetSweepInfo(tx, sweep_id));
    return absl::OkStatus();
  }));
  return info;
}

absl::StatusOr<v1::ListSweepsResponse> SweepService::List(uint32_t limit) {
  v1::ListSweepsResponse response;
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(auto sweeps, storage::ListSweeps(tx, limit == 0 ? 50 : limit));
    for (auto& sweep : sweeps) *response.add_sweeps() = std::move(sweep);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::CancelSweepResponse> SweepService::Cancel(int64_t sweep_id) {
  v1::CancelSweepResponse response;
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(int cancelled, storage::CancelSweep(tx, sweep_id));
    response.set_shards_cancelled(cancelled);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::ListWorkersResponse> SweepService::ListWorkers() {
  v1::ListWorkersResponse response;
  JB_RETURN_IF_ERROR(db_->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(auto workers, storage::ListWorkers(tx));
    for (auto& worker : workers) *response.add_workers() = std::move(worker);
    return absl::OkStatus();
  }));
  return response;
}

int SweepService::SealEndedSweeps() {
  int sealed = 0;
  int64_t after_id = 0;
  for (;;) {
    std::optional<int64_t> sweep_id;
    absl::Status status = db_->Transact([&](pqxx::work& w) -> absl::Status {
      sweep_id = storage::LockNextSealableSweep(w, after_id);
      return sweep_id ? storage::SealSweep(w, *sweep_id) : absl::OkStatus();
    });
    if (!sweep_id) {
      if (!status.ok()) JB_LOG(warn, "sealing ended sweeps: {}", status.ToString());
      break;
    }
    if (status.ok()) {
      ++sealed;
    } else {
      JB_LOG(warn, "{}; its cells are read live until it can be sealed", status.ToString());
    }
    after_id = *sweep_id;
  }
  if (sealed > 0) {
    absl::Status refreshed = db_->Transact([](pqxx::work& w) {
      storage::RefreshLeaderboard(w);
      return absl::OkStatus();
    });
    if (!refreshed.ok()) JB_LOG(warn, "refreshing the leaderboard: {}", refreshed.ToString());
  }
  return sealed;
}

}  // namespace jb::coordinator
