#include "cli/sweep_report.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/report_model.h"
#include "common/status_macros.h"
#include "storage/report_queries.h"

namespace jb::cli {
namespace {

// Where the derived figures come from, so a world-average carbon intensity, a partial price
// or a memory figure the server reported is never read as more than it is; none when no cell
// has any.
std::vector<std::string> SourceNotes(const std::vector<storage::CellSummary>& cells) {
  std::set<std::string> carbon, cost, memory;
  for (const auto& c : cells) {
    if (!c.carbon_sources.empty()) carbon.insert(c.carbon_sources);
    if (!c.cost_basis.empty()) cost.insert(absl::StrCat(c.hardware_class, ": ", c.cost_basis));
    if (!c.memory_sources.empty()) memory.insert(c.memory_sources);
  }
  std::vector<std::string> notes;
  if (!carbon.empty()) {
    notes.push_back(absl::StrCat("Carbon is kWh x PUE x grid intensity from ",
                                 absl::StrJoin(carbon, "; "), "."));
  }
  if (!cost.empty()) {
    notes.push_back(
        absl::StrCat("Cost is the hardware class's price per hour x wall time plus kWh x PUE x its "
                     "electricity price, at the prices stored now (parts included: ",
                     absl::StrJoin(cost, ", "), ")."));
  }
  if (!memory.empty()) {
    notes.push_back(
        absl::StrCat("Device memory for PER's memory term: ", absl::StrJoin(memory, ", "),
                     " (what each source means: docs/methodology.md)."));
  }
  return notes;
}

}  // namespace

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
  for (std::string& note : SourceNotes(cells)) header.notes.push_back(std::move(note));
  return RenderReport(header, BuildReport(std::move(cells)), format);
}

}  // namespace jb::cli
