#include "cli/sweep_progress.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/command.h"
#include "common/shutdown.h"
#include "common/text_table.h"
#include "storage/sweep_repository.h"

namespace jb::cli {

namespace v1 = joulebench::v1;

namespace {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// "1h02m", "4m07s", "12s".
std::string ShortDuration(absl::Duration d) {
  const int64_t s = std::max<int64_t>(0, absl::ToInt64Seconds(d));
  if (s >= 3600) return absl::StrFormat("%dh%02dm", s / 3600, s / 60 % 60);
  if (s >= 60) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%ds", s);
}

}  // namespace

std::string ProgressBar(uint64_t done, uint64_t total, int width) {
  const int filled = total == 0 ? 0
                                : static_cast<int>(std::min<uint64_t>(done, total) *
                                                   static_cast<uint64_t>(width) / total);
  return absl::StrCat("[", std::string(filled, '#'), std::string(width - filled, '.'), "]");
}

std::string SweepSummary(const v1::SweepInfo& s, absl::Time now) {
  std::string line = absl::StrFormat(
      "sweep %d '%s' %s: shards %d/%d done (%d leased, %d pending, %d failed), samples %d/%d",
      s.sweep_id(), s.name(), storage::SweepStateText(s.state()), s.shards_succeeded(),
      s.shards_total(), s.shards_leased(), s.shards_pending(), s.shards_failed(), s.samples_done(),
      s.samples_total());
  if (s.samples_failed() > 0) absl::StrAppend(&line, " (", s.samples_failed(), " failed)");
  if (!s.has_started_at() || s.samples_done() == 0) return line;
  const absl::Time end = s.has_finished_at() ? ToTime(s.finished_at()) : now;
  const double elapsed_s = absl::ToDoubleSeconds(end - ToTime(s.started_at()));
  if (elapsed_s <= 0) return line;
  const double rate = static_cast<double>(s.samples_done()) / elapsed_s;
  absl::StrAppend(&line, absl::StrFormat(", %.3g samples/s", rate));
  if (s.state() == v1::SWEEP_STATE_RUNNING && s.samples_total() > s.samples_done()) {
    absl::StrAppend(&line, ", ETA ",
                    ShortDuration(absl::Seconds(
                        static_cast<double>(s.samples_total() - s.samples_done()) / rate)));
  } else if (s.state() != v1::SWEEP_STATE_RUNNING) {
    absl::StrAppend(&line, ", in ", ShortDuration(end - ToTime(s.started_at())));
  }
  return line;
}

std::string RenderSweep(const v1::SweepInfo& sweep, absl::Time now) {
  TextTable table({"model", "task", "hardware class", "progress", "samples", "shards", "failed",
                   "score", "waiting"});
  for (const auto& c : sweep.cells()) {
    const int percent =
        c.samples_total() == 0 ? 0 : static_cast<int>(100 * c.samples_done() / c.samples_total());
    table.AddRow({c.model(), c.task(), c.hardware_class(),
                  absl::StrCat(ProgressBar(c.samples_done(), c.samples_total()), " ", percent, "%"),
                  absl::StrCat(c.samples_done(), "/", c.samples_total()),
                  absl::StrCat(c.shards_succeeded(), "/", c.shards_total()),
                  absl::StrCat(c.shards_failed(), "/", c.samples_failed()),
                  c.samples_done() > 0 ? absl::StrFormat("%.3f", c.mean_score()) : "-",
                  c.waiting_reason().empty() ? "-" : c.waiting_reason()});
  }
  return SweepSummary(sweep, now) + "\n" + table.Render();
}

int WaitForSweep(AdminConnection& admin, int64_t sweep_id, absl::Duration interval) {
  const bool terminal = isatty(STDOUT_FILENO) == 1;
  int drawn_lines = 0;
  std::string last;
  while (true) {
    auto sweep = admin.GetSweep(sweep_id);
    if (!sweep.ok()) {
      if (sweep.status().code() != absl::StatusCode::kUnavailable) {
        return ReportError(sweep.status(), admin.address());
      }
      std::cerr << "coordinator unavailable (" << sweep.status().message() << "); retrying\n";
      drawn_lines = 0;  // keep the message: draw the next table below it
    } else {
      if (sweep->state() != v1::SWEEP_STATE_RUNNING) {
        if (terminal && drawn_lines > 0) std::cout << "\x1b[" << drawn_lines << "A\x1b[J";
        std::cout << RenderSweep(*sweep);  // Its first line is the final summary.
        return sweep->state() == v1::SWEEP_STATE_SUCCEEDED ? kExitOk : kExitFailure;
      }
      if (terminal) {
        // Redraw the table in place: up over what was drawn last, clear to the end.
        const std::string view = RenderSweep(*sweep);
        if (drawn_lines > 0) std::cout << "\x1b[" << drawn_lines << "A\x1b[J";
        std::cout << view << std::flush;
        drawn_lines = static_cast<int>(std::count(view.begin(), view.end(), '\n'));
      } else {
        // The throughput and ETA change every poll; a log gets a line when progress does.
        const std::string progress = absl::StrCat(
            sweep->shards_succeeded(), "/", sweep->shards_leased(), "/", sweep->shards_pending(),
            "/", sweep->shards_failed(), "/", sweep->samples_done(), "/", sweep->samples_failed());
        if (progress != last) std::cout << SweepSummary(*sweep, absl::Now()) << std::endl;
        last = progress;
      }
    }
    if (Shutdown::WaitFor(interval)) {
      std::cout << "stopped waiting; sweep " << sweep_id << " continues on the coordinator\n";
      return kExitFailure;
    }
  }
}

}  // namespace jb::cli
