#include "worker/energy/energy_meter.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/energy_method.h"
#include "common/status_macros.h"

namespace jb::worker {

using joulebench::v1::EnergyMethod;

MeterDescription NullMeter::Describe() const {
  MeterDescription description;
  description.methods = {joulebench::v1::ENERGY_METHOD_NONE};
  description.summary = "none (energy is not metered)";
  return description;
}

absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> NullMeter::Read() {
  return std::vector<joulebench::v1::EnergyReading>();
}

CompositeMeter::CompositeMeter(std::vector<std::unique_ptr<EnergyMeter>> parts)
    : parts_(std::move(parts)) {}

absl::Status CompositeMeter::Probe() {
  for (const auto& part : parts_) {
    if (absl::Status status = part->Probe(); !status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat(part->Describe().summary, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

MeterDescription CompositeMeter::Describe() const {
  MeterDescription all;
  std::vector<std::string> summaries;
  std::vector<std::string> reasons;
  for (const auto& part : parts_) {
    MeterDescription d = part->Describe();
    all.methods.insert(all.methods.end(), d.methods.begin(), d.methods.end());
    all.gpus.insert(all.gpus.end(), d.gpus.begin(), d.gpus.end());
    all.simulated = all.simulated || d.simulated;
    all.exclusive = all.exclusive && d.exclusive;
    all.needs_sampling = all.needs_sampling || d.needs_sampling;
    summaries.push_back(std::move(d.summary));
    if (!d.shared_reason.empty()) reasons.push_back(std::move(d.shared_reason));
  }
  all.summary = absl::StrJoin(summaries, " + ");
  all.shared_reason = absl::StrJoin(reasons, "; ");
  return all;
}

absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> CompositeMeter::Read() {
  std::vector<joulebench::v1::EnergyReading> all;
  for (const auto& part : parts_) {
    JB_ASSIGN_OR_RETURN(std::vector<joulebench::v1::EnergyReading> readings, part->Read());
    for (auto& r : readings) all.push_back(std::move(r));
  }
  return all;
}

std::string CompositeMeter::SharingNow() {
  std::vector<std::string> evidence;
  for (const auto& part : parts_) {
    std::string seen = part->SharingNow();
    if (!seen.empty()) evidence.push_back(std::move(seen));
  }
  return absl::StrJoin(evidence, "; ");
}

std::optional<uint64_t> CompositeMeter::MemoryInUseBytes() {
  std::optional<uint64_t> total;
  for (const auto& part : parts_) {
    if (std::optional<uint64_t> used = part->MemoryInUseBytes()) total = total.value_or(0) + *used;
  }
  return total;
}

EnergyMethod WeakerMethod(EnergyMethod a, EnergyMethod b) {
  if (a == joulebench::v1::ENERGY_METHOD_UNSPECIFIED) a = joulebench::v1::ENERGY_METHOD_NONE;
  if (b == joulebench::v1::ENERGY_METHOD_UNSPECIFIED) b = joulebench::v1::ENERGY_METHOD_NONE;
  return EnergyMethodRank(a) >= EnergyMethodRank(b) ? a : b;
}

}  // namespace jb::worker
