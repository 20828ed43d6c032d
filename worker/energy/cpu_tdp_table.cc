#include "worker/energy/cpu_tdp_table.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"
#include "worker/energy/energy_tables.h"

namespace jb::worker {

namespace {

std::vector<CpuTdpMatch> LoadTable() {
  std::vector<CpuTdpMatch> rows;
  for (absl::string_view line :
       absl::StrSplit(EnergyTable("cpu_tdp.csv"), '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#") || line == "name,tdp_w") continue;
    const size_t comma = line.rfind(',');
    double tdp = 0;
    if (comma == absl::string_view::npos || !absl::SimpleAtod(line.substr(comma + 1), &tdp)) {
      continue;
    }
    rows.push_back({std::string(line.substr(0, comma)), tdp});
  }
  return rows;
}

const std::vector<CpuTdpMatch>& Table() {
  static const auto* table = new std::vector<CpuTdpMatch>(LoadTable());
  return *table;
}

std::optional<CpuTdpMatch> ExactIgnoringCase(absl::string_view model) {
  for (const CpuTdpMatch& row : Table()) {
    if (absl::EqualsIgnoreCase(row.name, model)) return row;
  }
  return std::nullopt;
}

// rapidfuzz utils.default_process: lower case, non-alphanumerics to spaces; then the tokens.
std::set<std::string> Tokens(absl::string_view text) {
  std::string processed(text);
  for (char& c : processed) {
    c = absl::ascii_isalnum(static_cast<unsigned char>(c))
            ? absl::ascii_tolower(static_cast<unsigned char>(c))
            : ' ';
  }
  std::set<std::string> tokens;
  for (absl::string_view t : absl::StrSplit(processed, ' ', absl::SkipEmpty())) {
    tokens.emplace(t);
  }
  return tokens;
}

// token_set_ratio == 100: both non-empty and one set contains the other.
bool TokenSetMatch(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() || b.empty()) return false;
  return std::includes(a.begin(), a.end(), b.begin(), b.end()) ||
         std::includes(b.begin(), b.end(), a.begin(), a.end());
}

}  // namespace

std::optional<CpuTdpMatch> MatchCpuTdp(absl::string_view model) {
  if (auto exact = ExactIgnoringCase(model)) return exact;
  std::string cleaned = absl::StrReplaceAll(model, {{"(R)", ""}});
  if (const size_t at = cleaned.find(" CPU @ "); at != std::string::npos && at > 0) {
    cleaned.resize(at);
  }
  cleaned = absl::StrReplaceAll(cleaned, {{" CPU", ""}});
  static const LazyRE2 kGhz = {R"( @\s*\d+\.\d+GHz)"};
  RE2::GlobalReplace(&cleaned, *kGhz, "");
  if (auto exact = ExactIgnoringCase(cleaned)) return exact;
  const std::set<std::string> tokens = Tokens(cleaned);
  std::optional<CpuTdpMatch> found;
  for (const CpuTdpMatch& row : Table()) {
    if (!TokenSetMatch(tokens, Tokens(row.name))) continue;
    if (found.has_value()) return std::nullopt;  // ambiguous
    found = row;
  }
  return found;
}

CpuPower CpuMaxPower(absl::string_view model, int logical_cpus, int sockets, double forced_tdp_w) {
  sockets = std::max(1, sockets);
  const std::string per_socket =
      absl::StrCat(" x ", sockets, sockets == 1 ? " socket" : " sockets");
  if (forced_tdp_w > 0) {
    return {forced_tdp_w * sockets, absl::StrCat(forced_tdp_w, " W TDP (--cpu-tdp-w)", per_socket)};
  }
  if (std::optional<CpuTdpMatch> match = MatchCpuTdp(model)) {
    return {match->tdp_w * sockets, absl::StrCat(match->name, ": ", match->tdp_w,
                                                 " W TDP (CodeCarbon's table)", per_socket)};
  }
  const double tdp = kUnknownCpuWattsPerThread * std::max(1, logical_cpus);
  return {tdp * sockets, absl::StrCat("unknown CPU '", model, "': ", std::max(1, logical_cpus),
                                      " threads x 4 W (CodeCarbon's fallback)", per_socket)};
}

int CountSockets(absl::string_view proc_cpuinfo) {
  std::set<std::string> ids;
  for (absl::string_view line : absl::StrSplit(proc_cpuinfo, '\n')) {
    if (!absl::StartsWith(line, "physical id")) continue;
    const size_t colon = line.find(':');
    if (colon != absl::string_view::npos) {
      ids.emplace(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
  }
  return ids.empty() ? 1 : static_cast<int>(ids.size());
}

}  // namespace jb::worker
