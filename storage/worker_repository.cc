#include "storage/worker_repository.h"

#include <pqxx/result>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/hardware_class_repository.h"
#include "storage/model_repository.h"
#include "storage/sql_values.h"

namespace jb::storage {
namespace {

namespace v1 = ::joulebench::v1;

constexpr char kSelectWorker[] =
    "SELECT w.id, w.name, w.hardware::text, w.server::text, w.state, w.version,"
    "  (extract(epoch FROM w.registered_at) * 1000000)::bigint,"
    "  (extract(epoch FROM w.last_heartbeat_at) * 1000000)::bigint,"
    "  COALESCE((SELECT min(s.id) FROM shards s"
    "            WHERE s.lease_owner = w.id AND s.lease_expires_at IS NOT NULL"
    "              AND s.state = 'leased'), 0), w.detail "
    "FROM workers w ";

absl::StatusOr<v1::WorkerInfo> WorkerFromRow(const pqxx::row& row) {
  v1::WorkerInfo info;
  info.set_worker_id(row[0].as<std::string>());
  info.set_name(row[1].as<std::string>());
  JB_RETURN_IF_ERROR(ProtoFromJson(row[2].as<std::string>(), info.mutable_hardware(),
                                   absl::StrCat("hardware of worker ", info.worker_id())));
  JB_RETURN_IF_ERROR(ProtoFromJson(row[3].as<std::string>(), info.mutable_server(),
                                   absl::StrCat("server of worker ", info.worker_id())));
  info.set_state(row[4].as<std::string>());
  info.set_detail(row[9].as<std::string>());
  info.set_version(row[5].as<std::string>());
  *info.mutable_registered_at() = TimestampFromMicros(row[6].as<int64_t>());
  *info.mutable_last_heartbeat_at() = TimestampFromMicros(row[7].as<int64_t>());
  info.set_current_shard_id(row[8].as<int64_t>());
  return info;
}

}  // namespace

absl::StatusOr<std::string> RegisterWorker(pqxx::work& w, const std::string& name,
                                           const v1::HardwareProfile& hardware,
                                           const v1::InferenceServer& server,
                                           const std::string& version) {
  if (name.empty() || hardware.hardware_class().empty()) {
    return absl::InvalidArgumentError("worker without a name or hardware class");
  }
  std::vector<std::string> models;
  for (const v1::ServedModel& m : server.models()) models.push_back(m.name());
  JB_RETURN_IF_ERROR(EnsureModels(w, models));
  const std::string gpu_product = hardware.gpus().empty() ? "" : hardware.gpus(0).product();
  JB_RETURN_IF_ERROR(
      EnsureHardwareClass(w, hardware.hardware_class(), gpu_product, hardware.gpus_size()));
  JB_ASSIGN_OR_RETURN(std::string hardware_json, ProtoToJson(hardware));
  JB_ASSIGN_OR_RETURN(std::string server_json, ProtoToJson(server));
  return w
      .exec_params1(
          "INSERT INTO workers (id, name, hardware_class, hardware, server, served_models,"
          "  version) "
          "VALUES ('w-' || left(replace(gen_random_uuid()::text, '-', ''), 12), $1, $2,"
          "  $3::jsonb, $4::jsonb, $5::text[], $6) "
          "ON CONFLICT (name) DO UPDATE SET hardware_class = EXCLUDED.hardware_class,"
          "  hardware = EXCLUDED.hardware, server = EXCLUDED.server,"
          "  served_models = EXCLUDED.served_models, version = EXCLUDED.version,"
          "  state = 'active', detail = '', last_heartbeat_at = now() "
          "RETURNING id",
          name, hardware.hardware_class(), hardware_json, server_json, TextArrayLiteral(models),
          version)[0]
      .as<std::string>();
}

absl::StatusOr<v1::WorkerInfo> GetWorker(pqxx::work& w, const std::string& worker_id) {
  pqxx::result r = w.exec_params(absl::StrCat(kSelectWorker, "WHERE w.id = $1"), worker_id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("unknown worker ", worker_id));
  return WorkerFromRow(r[0]);
}

absl::StatusOr<std::vector<v1::WorkerInfo>> ListWorkers(pqxx::work& w) {
  pqxx::result r = w.exec(absl::StrCat(kSelectWorker, "ORDER BY w.name"));
  std::vector<v1::WorkerInfo> workers;
  for (const auto& row : r) {
    JB_ASSIGN_OR_RETURN(v1::WorkerInfo info, WorkerFromRow(row));
    workers.push_back(std::move(info));
  }
  return workers;
}

absl::StatusOr<int> MarkLostWorkers(pqxx::work& w, absl::Duration silence) {
  pqxx::result r = w.exec_params(
      "UPDATE workers SET state = 'lost' WHERE state <> 'lost'"
      "  AND last_heartbeat_at < now() - $1::double precision * interval '1 second'",
      absl::ToDoubleSeconds(silence));
  return static_cast<int>(r.affected_rows());
}

absl::StatusOr<bool> ServableBy(pqxx::work& w, const std::string& model,
                                const std::string& hardware_class) {
  return !w.exec_params(
               "SELECT 1 FROM workers WHERE hardware_class = $1 AND $2 = ANY (served_models)"
               "  AND state <> 'lost' LIMIT 1",
               hardware_class, model)
              .empty();
}

}  // namespace jb::storage
