// A parser for the Prometheus text exposition format (version 0.0.4, and the OpenMetrics text
// that exporters such as DCGM exporter and Kepler also serve), for reading energy counters.
//
//   # HELP joulebench_sim_energy_joules_total Energy used by the simulated hardware.
//   # TYPE joulebench_sim_energy_joules_total counter
//   joulebench_sim_energy_joules_total{device="gpu0",note="say \"hi\""} 1.25e3 1700000000000
//
// Accepted: comments and blank lines anywhere; labels with escaped \\, \" and \n in values, a
// trailing comma, spaces around tokens; values in any float syntax including scientific
// notation, NaN, +Inf and -Inf; an optional integer timestamp; OpenMetrics "# EOF".
// A malformed sample line fails the whole parse (as Prometheus rejects the whole scrape), with
// its line number, so a broken exporter is noticed instead of silently under-counted.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace jb::worker {

struct PrometheusSample {
  std::string name;
  // In the order written, values unescaped.
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
  // Milliseconds since the epoch, when the line had one.
  std::optional<int64_t> timestamp_ms;
};

// Every sample line of `text`, in order. InvalidArgument naming the line for malformed input.
// With `only_metric`, only the lines of that metric are parsed and returned: a meter reading
// one metric at 10 Hz skips the rest of the exposition (and any malformed line in it) unread.
absl::StatusOr<std::vector<PrometheusSample>> ParsePrometheusText(
    absl::string_view text, absl::string_view only_metric = "");

// One series written as in the exposition without its value, `name` or `name{a="b",...}`
// (spaces allowed around tokens), e.g. a selector's metric part. InvalidArgument saying what
// was expected where.
absl::StatusOr<PrometheusSample> ParsePrometheusSeries(absl::string_view text);

// The value of `sample`'s label `name`, nullopt when it has none.
std::optional<std::string> LabelValue(const PrometheusSample& sample, absl::string_view name);

}  // namespace jb::worker
