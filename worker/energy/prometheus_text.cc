#include "worker/energy/prometheus_text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace jb::worker {
namespace {

bool IsNameStart(char c) { return absl::ascii_isalpha(c) || c == '_' || c == ':'; }
bool IsNameChar(char c) { return IsNameStart(c) || absl::ascii_isdigit(c); }

void SkipSpaces(absl::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

// Consumes a metric or label name ([a-zA-Z_:][a-zA-Z0-9_:]*); empty when there is none.
std::string ConsumeName(absl::string_view& s) {
  size_t n = 0;
  if (!s.empty() && IsNameStart(s[0])) {
    n = 1;
    while (n < s.size() && IsNameChar(s[n])) ++n;
  }
  std::string name(s.substr(0, n));
  s.remove_prefix(n);
  return name;
}

// Consumes a double-quoted label value with \\, \" and \n escapes, the quotes included.
absl::StatusOr<std::string> ConsumeQuoted(absl::string_view& s) {
  if (!absl::ConsumePrefix(&s, "\"")) return absl::InvalidArgumentError("expected '\"'");
  std::string value;
  while (!s.empty()) {
    char c = s.front();
    s.remove_prefix(1);
    if (c == '"') return value;
    if (c != '\\') {
      value.push_back(c);
      continue;
    }
    if (s.empty()) break;
    char escaped = s.front();
    s.remove_prefix(1);
    if (escaped == 'n') {
      value.push_back('\n');
    } else if (escaped == '\\' || escaped == '"') {
      value.push_back(escaped);
    } else {
      // The format defines only three escapes; keep anything else verbatim, as Prometheus does.
      value.push_back('\\');
      value.push_back(escaped);
    }
  }
  return absl::InvalidArgumentError("unterminated label value");
}

absl::Status ConsumeLabels(absl::string_view& s, PrometheusSample& sample) {
  // Called after '{'.
  while (true) {
    SkipSpaces(s);
    if (absl::ConsumePrefix(&s, "}")) return absl::OkStatus();
    std::string name = ConsumeName(s);
    if (name.empty()) return absl::InvalidArgumentError("expected a label name or '}'");
    SkipSpaces(s);
    if (!absl::ConsumePrefix(&s, "=")) {
      return absl::InvalidArgumentError(absl::StrCat("expected '=' after label ", name));
    }
    SkipSpaces(s);
    absl::StatusOr<std::string> value = ConsumeQuoted(s);
    if (!value.ok()) return value.status();
    sample.labels.emplace_back(std::move(name), *std::move(value));
    SkipSpaces(s);
    if (absl::ConsumePrefix(&s, ",")) continue;
    if (absl::ConsumePrefix(&s, "}")) return absl::OkStatus();
    return absl::InvalidArgumentError("expected ',' or '}' after a label value");
  }
}

absl::StatusOr<PrometheusSample> ParseSampleLine(absl::string_view line) {
  PrometheusSample sample;
  sample.name = ConsumeName(line);
  if (sample.name.empty()) return absl::InvalidArgumentError("expected a metric name");
  SkipSpaces(line);
  if (absl::ConsumePrefix(&line, "{")) {
    absl::Status labels = ConsumeLabels(line, sample);
    if (!labels.ok()) return labels;
  }
  std::vector<absl::string_view> fields =
      absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (fields.empty()) return absl::InvalidArgumentError("missing value");
  if (fields.size() > 2) return absl::InvalidArgumentError("unexpected text after the timestamp");
  if (!absl::SimpleAtod(fields[0], &sample.value)) {
    return absl::InvalidArgumentError(absl::StrCat("value '", fields[0], "' is not a number"));
  }
  if (fields.size() == 2) {
    int64_t timestamp = 0;
    if (!absl::SimpleAtoi(fields[1], &timestamp)) {
      return absl::InvalidArgumentError(
          absl::StrCat("timestamp '", fields[1], "' is not an integer"));
    }
    sample.timestamp_ms = timestamp;
  }
  return sample;
}

}  // namespace

absl::StatusOr<std::vector<PrometheusSample>> ParsePrometheusText(absl::string_view text,
                                                                  absl::string_view only_metric) {
  std::vector<PrometheusSample> samples;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    absl::ConsumeSuffix(&line, "\r");
    SkipSpaces(line);
    if (line.empty() || line.front() == '#') continue;
    if (!only_metric.empty() &&
        (!absl::StartsWith(line, only_metric) || line.size() == only_metric.size() ||
         IsNameChar(line[only_metric.size()]))) {
      continue;
    }
    absl::StatusOr<PrometheusSample> sample = ParseSampleLine(line);
    if (!sample.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Prometheus text line ", line_number, ": ", sample.status().message()));
    }
    samples.push_back(*std::move(sample));
  }
  return samples;
}

absl::StatusOr<PrometheusSample> ParsePrometheusSeries(absl::string_view text) {
  SkipSpaces(text);
  PrometheusSample series;
  series.name = ConsumeName(text);
  if (series.name.empty()) return absl::InvalidArgumentError("expected a metric name");
  SkipSpaces(text);
  if (absl::ConsumePrefix(&text, "{")) {
    if (absl::Status labels = ConsumeLabels(text, series); !labels.ok()) return labels;
  }
  SkipSpaces(text);
  if (!text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected '", text, "' after the series"));
  }
  return series;
}

std::optional<std::string> LabelValue(const PrometheusSample& sample, absl::string_view name) {
  for (const auto& [label, value] : sample.labels) {
    if (label == name) return value;
  }
  return std::nullopt;
}

}  // namespace jb::worker
