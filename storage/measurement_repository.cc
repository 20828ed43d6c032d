#include "storage/measurement_repository.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/energy_method.h"
#include "common/status_macros.h"
#include "storage/sql_values.h"

namespace jb::storage {

namespace v1 = ::joulebench::v1;

absl::StatusOr<bool> InsertMeasurement(pqxx::work& w, int64_t shard_id, int64_t epoch,
                                       const std::string& worker_id, const v1::Measurement& m) {
  std::optional<double> gpu, cpu, dram;
  std::string readings = "[";
  for (int i = 0; i < m.readings_size(); ++i) {
    const v1::EnergyReading& r = m.readings(i);
    std::optional<double>* domain = r.domain() == "gpu"    ? &gpu
                                    : r.domain() == "cpu"  ? &cpu
                                    : r.domain() == "dram" ? &dram
                                                           : nullptr;
    if (domain != nullptr) *domain = domain->value_or(0) + r.energy_j();
    JB_ASSIGN_OR_RETURN(std::string json, ProtoToJson(r));
    absl::StrAppend(&readings, i > 0 ? "," : "", json);
  }
  readings += "]";
  JB_ASSIGN_OR_RETURN(std::string server, ProtoToJson(m.server()));
  JB_ASSIGN_OR_RETURN(std::string server_counters, ProtoToJson(m.server_counters()));
  std::optional<double> peak_memory_mb;
  if (!m.memory_source().empty()) peak_memory_mb = m.peak_memory_mb();
  std::optional<double> total;
  if (m.readings_size() > 0 || m.total_energy_j() != 0) total = m.total_energy_j();
  pqxx::result r = ExecPrepared(
      w, "jb_insert_measurement",
      "INSERT INTO shard_measurements (shard_id, epoch, worker_id, window_start_s, window_end_s,"
      "  wall_time_s, gpu_energy_j, cpu_energy_j, dram_energy_j, total_energy_j, idle_power_w,"
      "  above_idle_energy_j, method, estimated, simulated, sampling_period_ms, exclusive,"
      "  region, carbon_intensity_g_per_kwh, carbon_intensity_source, pue, completion_tokens,"
      "  readings, server, server_metrics_before, server_metrics_after, server_counters,"
      "  shared_reason, failed_samples, peak_memory_mb, memory_source) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,"
      "  $19, $20, $21, $22, $23::jsonb, $24::jsonb, $25, $26, $27::jsonb, $28, $29, $30, $31) "
      "ON CONFLICT (shard_id) DO NOTHING",
      shard_id, epoch, worker_id, m.window_start_s(), m.window_end_s(), m.wall_time_s(), gpu, cpu,
      dram, total, m.idle_power_w(), m.above_idle_energy_j(), EnergyMethodName(m.method()),
      m.estimated(), m.simulated(), m.sampling_period_ms(), m.exclusive(), m.region(),
      NullIfZero(m.carbon_intensity_g_per_kwh()), m.carbon_intensity_source(),
      m.pue() > 0 ? m.pue() : 1.0, static_cast<int64_t>(m.completion_tokens()), readings, server,
      m.server_metrics_before(), m.server_metrics_after(), server_counters, m.shared_reason(),
      static_cast<int64_t>(m.failed_samples()), peak_memory_mb, m.memory_source());
  return r.affected_rows() == 1;
}

}  // namespace jb::storage
