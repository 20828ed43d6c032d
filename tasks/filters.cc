#include "tasks/filters.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "tasks/regex_cache.h"

namespace jb::tasks {
namespace {

using joulebench::v1::FilterPipeline;
using joulebench::v1::FilterStep;

// Length of the UTF-8 character starting at text[pos] (1 for a stray byte).
size_t CharLength(const std::string& text, size_t pos) {
  size_t n = 1;
  while (pos + n < text.size() && (static_cast<unsigned char>(text[pos + n]) & 0xC0) == 0x80) ++n;
  return n;
}

}  // namespace

std::vector<std::vector<std::string>> FindAll(const RE2& re, const std::string& text) {
  const int groups = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> sub(static_cast<size_t>(groups) + 1);
  std::vector<std::vector<std::string>> matches;
  size_t pos = 0;
  // Python (3.7+) forbids an empty match at the position where the previous empty match was.
  bool must_advance = false;
  while (pos <= text.size()) {
    if (!re.Match(text, pos, text.size(), RE2::UNANCHORED, sub.data(), groups + 1)) break;
    const size_t start = static_cast<size_t>(sub[0].data() - text.data());
    const size_t end = start + sub[0].size();
    if (must_advance && start == pos && start == end) {
      if (pos >= text.size()) break;
      pos += CharLength(text, pos);
      must_advance = false;
      continue;
    }
    std::vector<std::string> match;
    if (groups == 0) {
      match.emplace_back(sub[0].data(), sub[0].size());
    } else {
      for (int g = 1; g <= groups; ++g) {
        const re2::StringPiece& piece = sub[static_cast<size_t>(g)];
        match.emplace_back(piece.data() == nullptr ? "" : std::string(piece.data(), piece.size()));
      }
    }
    matches.push_back(std::move(match));
    must_advance = start == end;
    pos = end;
  }
  return matches;
}

std::string RegexExtract(const RE2& re, int group_select, const std::string& fallback,
                         const std::string& response) {
  const std::vector<std::vector<std::string>> matches = FindAll(re, response);
  const int64_t size = static_cast<int64_t>(matches.size());
  const int64_t index = group_select < 0 ? size + group_select : group_select;
  if (index < 0 || index >= size) return fallback;
  const std::vector<std::string>& match = matches[static_cast<size_t>(index)];
  // findall gives a plain string for zero or one group, and a tuple for several.
  if (match.size() == 1) return std::string(absl::StripAsciiWhitespace(match[0]));
  for (const std::string& group : match) {
    if (!group.empty()) return std::string(absl::StripAsciiWhitespace(group));
  }
  return fallback;
}

absl::Status ValidateFilterStep(const FilterStep& step) {
  const std::string& fn = step.function();
  if (fn == "regex") {
    if (step.regex_pattern().empty()) {
      return absl::InvalidArgumentError("filter regex: regex_pattern is empty; give a pattern");
    }
    return CompiledRegex(step.regex_pattern()).status();
  }
  if (fn == "take_first" || fn == "lowercase" || fn == "remove_whitespace" ||
      fn == "majority_vote" || fn == "build_predictions") {
    if (!step.regex_pattern().empty() || step.group_select() != 0 || !step.fallback().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter ", fn, ": regex_pattern, group_select and fallback apply only to regex"));
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter '", fn,
                   "' is not supported; supported: regex, take_first, lowercase, "
                   "remove_whitespace, majority_vote, build_predictions"));
}

namespace {

// The most common text; the first seen wins a tie (Counter.most_common keeps insertion order).
std::string MajorityVote(const std::vector<std::string>& texts) {
  std::map<std::string, int> counts;
  for (const std::string& t : texts) ++counts[t];
  const std::string* best = nullptr;
  int best_count = 0;
  for (const std::string& t : texts) {
    if (counts[t] > best_count) {
      best = &t;
      best_count = counts[t];
    }
  }
  return best == nullptr ? "" : *best;
}

absl::StatusOr<std::string> DocPrompt(const nlohmann::json& doc) {
  auto it = doc.find("prompt");
  if (!doc.is_object() || it == doc.end() || !it->is_string()) {
    return absl::InvalidArgumentError(
        "filter build_predictions: the document has no string field 'prompt' to prefix");
  }
  return it->get<std::string>();
}

absl::Status ApplyStep(const FilterStep& step, const nlohmann::json& doc,
                       std::vector<std::string>& texts) {
  JB_RETURN_IF_ERROR(ValidateFilterStep(step));
  const std::string& fn = step.function();
  if (fn == "majority_vote") {
    std::string vote = MajorityVote(texts);
    for (std::string& t : texts) t = vote;
  } else if (fn == "build_predictions") {
    JB_ASSIGN_OR_RETURN(std::string prompt, DocPrompt(doc));
    for (std::string& t : texts) t = prompt + t;
  } else if (fn == "regex") {
    JB_ASSIGN_OR_RETURN(std::shared_ptr<const RE2> re, CompiledRegex(step.regex_pattern()));
    for (std::string& t : texts) t = RegexExtract(*re, step.group_select(), step.fallback(), t);
  } else if (fn == "lowercase") {
    for (std::string& t : texts) absl::AsciiStrToLower(&t);
  } else if (fn == "remove_whitespace") {
    for (std::string& t : texts) t = std::string(absl::StripLeadingAsciiWhitespace(t));
  }
  // take_first: every repeat is scored (see filters.h).
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ApplyFilterPipeline(const FilterPipeline& pipeline,
                                                             std::vector<std::string> responses,
                                                             const nlohmann::json& doc) {
  for (const FilterStep& step : pipeline.steps()) {
    absl::Status applied = ApplyStep(step, doc, responses);
    if (!applied.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter pipeline '", pipeline.name(), "': ", applied.message()));
    }
  }
  return responses;
}

}  // namespace jb::tasks
