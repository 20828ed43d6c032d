#include "cli/sweep_report.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/report_model.h"
#include "common/status_macros.h"
#include "storage/report_queries.h"

namespace jb::cli {

absl::StatusOr<std::string> RenderSweepReport(storage::Database& db,
                                              std::optional<int64_t> sweep_id,
                                              ReportFormat format) {
  storage::SweepOverview sweep;
  std::vector<storage::CellSummary> cells;
  auto read = [&](storage::UnsealedScores unsealed) {
    return db.TransactReadOnly([&](pqxx::work& w) -> absl::Status {
      int64_t id = 0;
      if (sweep_id.has_value()) {
        id = *sweep_id;
      } else {
        JB_ASSIGN_OR_RETURN(id, storage::LatestSweepId(w));
      }
      JB_ASSIGN_OR_RETURN(sweep, storage::GetSweepOverview(w, id));
      JB_ASSIGN_OR_RETURN(cells, storage::SummarizeSweep(w, id, unsealed));
      return absl::OkStatus();
    });
  };
  ReportHeader header;
  absl::Status status = read(storage::UnsealedScores::kCompute);
  if (status.code() == absl::StatusCode::kPermissionDenied) {
    // A reader may not score rows itself; the sealed scores come when the sweep has ended.
    status = read(storage::UnsealedScores::kOmit);
    header.notes.push_back(
        "Scores appear once the sweep has ended and the coordinator has sealed it; this role "
        "may read only the reporting views.");
  }
  JB_RETURN_IF_ERROR(status);
  header.title = absl::StrCat("Sweep ", sweep.id, " (", sweep.name, "): ", sweep.state,
                              sweep.sealed ? ", sealed" : "", ", started ", sweep.created_at,
                              sweep.finished_at.empty() ? "" : ", ended " + sweep.finished_at);
  if (!sweep.sealed && !cells.empty() && cells[0].score_provisional) {
    header.notes.push_back(
        "Not sealed yet: scores are provisional, computed from the rows stored so far.");
  }
  bool simulated = false;
  for (const auto& c : cells) simulated |= c.simulated;
  if (simulated) {
    header.notes.push_back(
        "Cells whose energy method says (simulated) ran on joulebench sim: their energy, latency "
        "and scores show the pipeline working, not any real model or machine.");
  }
  return RenderReport(header, BuildReport(std::move(cells)), format);
}

}  // namespace jb::cli
