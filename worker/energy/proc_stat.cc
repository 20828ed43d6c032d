#include "worker/energy/proc_stat.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace jb::worker {

absl::StatusOr<CpuTimes> ParseProcStat(absl::string_view proc_stat) {
  for (absl::string_view line : absl::StrSplit(proc_stat, '\n')) {
    if (!absl::StartsWith(line, "cpu ")) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    std::vector<uint64_t> v;
    for (size_t i = 1; i < fields.size(); ++i) {
      uint64_t n = 0;
      if (!absl::SimpleAtoi(fields[i], &n)) break;
      v.push_back(n);
    }
    if (v.size() < 4) break;
    v.resize(10, 0);
    CpuTimes times;
    for (size_t i = 0; i < 8; ++i) times.total += v[i];
    times.idle = v[3] + v[4];
    return times;
  }
  return absl::InvalidArgumentError("/proc/stat has no aggregate 'cpu' line with 4+ counters");
}

double CpuLoadPercent(const CpuTimes& before, const CpuTimes& after) {
  if (after.total <= before.total) return 0;
  const double total = static_cast<double>(after.total - before.total);
  const double idle = after.idle >= before.idle ? static_cast<double>(after.idle - before.idle) : 0;
  const double busy = total - idle;
  return busy <= 0 ? 0 : 100.0 * busy / total;
}

absl::StatusOr<std::string> ReadProcStat() {
  std::ifstream in("/proc/stat");
  if (!in) return absl::UnavailableError("cannot read /proc/stat");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace jb::worker
