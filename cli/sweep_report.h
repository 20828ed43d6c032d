// The report of one sweep, read from the reporting views (docs/sql.md) and rendered
// (cli/report_model.h, cli/report_render.h): what `joulebench report` prints and what
// `joulebench demo` prints when its sweep has ended. Thread-safety: a free function; `db` is
// used from the calling thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "cli/report_render.h"
#include "storage/database.h"

namespace jb::cli {

// The report of sweep `sweep_id` (the newest sweep when absent) in `format`: a title with the
// sweep's name, state, whether it is sealed and when it started and ended; notes for scores
// that are provisional (not sealed yet) or that this role may not compute (joulebench_reader
// reads sealed scores only), for cells that ran on the simulator, and saying where carbon
// intensities, prices and memory figures came from; then the sections.
// NotFound for an unknown sweep or none at all; the database's errors otherwise.
absl::StatusOr<std::string> RenderSweepReport(storage::Database& db,
                                              std::optional<int64_t> sweep_id, ReportFormat format);

}  // namespace jb::cli
