// CPU utilisation from /proc/stat's aggregate "cpu" line, computed as psutil's cpu_percent
// (what CodeCarbon's estimate uses): total = every field except guest and guest_nice (already
// counted in user and nice); idle = idle + iowait; load % = 100 x (delta busy) / (delta total).
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace jb::worker {

struct CpuTimes {
  uint64_t total = 0;  // jiffies
  uint64_t idle = 0;
};

// InvalidArgument when the text has no well-formed "cpu " line.
absl::StatusOr<CpuTimes> ParseProcStat(absl::string_view proc_stat);

// Load in percent between two samples; 0 when no time passed.
double CpuLoadPercent(const CpuTimes& before, const CpuTimes& after);

// The contents of /proc/stat (Unavailable when it cannot be read).
absl::StatusOr<std::string> ReadProcStat();

}  // namespace jb::worker
