#include "worker/energy/gpu_selection.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace jb::worker {
namespace {

// Parses 1 to `max_digits` hexadecimal digits.
std::optional<unsigned> ParseHex(absl::string_view digits, size_t max_digits) {
  if (digits.empty() || digits.size() > max_digits) return std::nullopt;
  unsigned value = 0;
  for (char c : digits) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    const char lower = absl::ascii_tolower(static_cast<unsigned char>(c));
    value = value * 16 + static_cast<unsigned>(lower <= '9' ? lower - '0' : lower - 'a' + 10);
  }
  return value;
}

bool IsIndex(absl::string_view id) {
  int index = 0;
  return absl::SimpleAtoi(id, &index);
}

bool IsSkippedValue(absl::string_view value) {
  return value == "all" || value == "none" || value == "void";
}

// Splits and checks one source's list.
absl::StatusOr<std::vector<std::string>> ParseIds(absl::string_view source_name,
                                                  absl::string_view value) {
  std::vector<std::string> ids;
  for (absl::string_view raw : absl::StrSplit(value, ',')) {
    absl::string_view id = absl::StripAsciiWhitespace(raw);
    if (id.empty()) continue;
    std::string parsed;
    if (absl::StartsWith(id, "GPU-") || absl::StartsWith(id, "MIG-")) {
      parsed = std::string(id);
    } else if (std::optional<std::string> pci = CanonicalPciBusId(id); pci.has_value()) {
      parsed = *pci;
    } else if (IsIndex(id)) {
      return absl::InvalidArgumentError(absl::StrCat(
          source_name, "=", value,
          " names GPUs by index, but CUDA and NVML number GPUs differently (CUDA puts the "
          "fastest first unless CUDA_DEVICE_ORDER=PCI_BUS_ID; NVML follows the PCI bus), so "
          "the worker never meters a GPU by index: pass --gpus with the inference server's "
          "GPU UUIDs as `nvidia-smi -L` lists them (e.g. --gpus GPU-8f6e...,GPU-1a2b...), or "
          "set CUDA_VISIBLE_DEVICES to UUIDs"));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ": '", id,
                       "' is neither a GPU UUID (GPU-..., MIG-...) nor a PCI bus id "
                       "(0000:3b:00.0); `nvidia-smi -L` lists the UUIDs"));
    }
    bool seen = false;
    for (const std::string& earlier : ids) seen = seen || earlier == parsed;
    if (!seen) ids.push_back(std::move(parsed));
  }
  return ids;
}

}  // namespace

std::optional<std::string> CanonicalPciBusId(absl::string_view id) {
  std::vector<absl::string_view> parts = absl::StrSplit(id, ':');
  if (parts.size() == 2) parts.insert(parts.begin(), "0");
  if (parts.size() != 3) return std::nullopt;
  std::vector<absl::string_view> device_function = absl::StrSplit(parts[2], '.');
  if (device_function.size() != 2) return std::nullopt;
  const std::optional<unsigned> domain = ParseHex(parts[0], 8);
  const std::optional<unsigned> bus = ParseHex(parts[1], 2);
  const std::optional<unsigned> device = ParseHex(device_function[0], 2);
  const std::optional<unsigned> function = ParseHex(device_function[1], 1);
  if (!domain || !bus || !device || !function || *device > 0x1f || *function > 7) {
    return std::nullopt;
  }
  return absl::StrFormat("%08X:%02X:%02X.%X", *domain, *bus, *device, *function);
}

absl::StatusOr<GpuSelection> SelectGpus(const std::string& flag,
                                        const std::string& cuda_visible_devices,
                                        const std::string& nvidia_visible_devices) {
  GpuSelection selection;
  const absl::string_view flag_value = absl::StripAsciiWhitespace(flag);
  if (flag_value == "all") return selection;
  struct Candidate {
    GpuSelection::Source source;
    absl::string_view name;
    absl::string_view value;
  };
  const Candidate candidates[] = {
      {GpuSelection::Source::kFlag, "--gpus", flag_value},
      {GpuSelection::Source::kCudaVisibleDevices, "CUDA_VISIBLE_DEVICES",
       absl::StripAsciiWhitespace(cuda_visible_devices)},
      {GpuSelection::Source::kNvidiaVisibleDevices, "NVIDIA_VISIBLE_DEVICES",
       absl::StripAsciiWhitespace(nvidia_visible_devices)},
  };
  for (const Candidate& candidate : candidates) {
    if (candidate.value.empty() || IsSkippedValue(candidate.value)) continue;
    absl::StatusOr<std::vector<std::string>> ids = ParseIds(candidate.name, candidate.value);
    if (!ids.ok()) return ids.status();
    if (ids->empty()) continue;
    selection.source = candidate.source;
    selection.ids = *std::move(ids);
    return selection;
  }
  return selection;
}

absl::StatusOr<GpuSelection> SelectGpusFromEnvironment(const std::string& flag) {
  const char* cuda = std::getenv("CUDA_VISIBLE_DEVICES");
  const char* nvidia = std::getenv("NVIDIA_VISIBLE_DEVICES");
  return SelectGpus(flag, cuda != nullptr ? cuda : "", nvidia != nullptr ? nvidia : "");
}

std::string DescribeGpuSelection(const GpuSelection& selection) {
  const std::string ids = absl::StrJoin(selection.ids, ", ");
  switch (selection.source) {
    case GpuSelection::Source::kFlag:
      return absl::StrCat("--gpus: ", ids);
    case GpuSelection::Source::kCudaVisibleDevices:
      return absl::StrCat("CUDA_VISIBLE_DEVICES: ", ids);
    case GpuSelection::Source::kNvidiaVisibleDevices:
      return absl::StrCat("NVIDIA_VISIBLE_DEVICES: ", ids);
    case GpuSelection::Source::kAll:
      break;
  }
  return "all GPUs NVML reports";
}

}  // namespace jb::worker
