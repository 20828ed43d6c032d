#include "worker/energy/prometheus_selector.h"

#include <algorithm>
#include <array>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace jb::worker {
namespace {

using Kind = PrometheusSelector::Kind;

struct Unit {
  const char* name;
  Kind kind;
  double scale;  // to joules (counter) or watts (gauge)
};

constexpr std::array<Unit, 9> kUnits = {{
    {"J", Kind::kCounter, 1.0},
    {"mJ", Kind::kCounter, 1e-3},
    {"uJ", Kind::kCounter, 1e-6},
    {"kJ", Kind::kCounter, 1e3},
    {"Wh", Kind::kCounter, 3600.0},
    {"kWh", Kind::kCounter, 3.6e6},
    {"W", Kind::kGauge, 1.0},
    {"mW", Kind::kGauge, 1e-3},
    {"kW", Kind::kGauge, 1e3},
}};

constexpr char kUnitHelp[] =
    "J, mJ, uJ, kJ, Wh or kWh for an energy counter; W, mW or kW for a power gauge";

struct KnownMetric {
  const char* metric;
  const char* unit;
  const char* domain;  // nullptr: per series, from the zone label
};

// Metrics whose unit and domain are documented by their exporters.
constexpr std::array<KnownMetric, 11> kKnown = {{
    // DCGM exporter (etc/default-counters.csv): "Total energy consumption since boot (in mJ)"
    // and "Power draw (in W)".
    {"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "mJ", "gpu"},
    {"DCGM_FI_DEV_POWER_USAGE", "W", "gpu"},
    // Kepler 0.10 and later (docs/user/metrics.md): per RAPL zone for the CPU, per GPU.
    {"kepler_node_cpu_joules_total", "J", nullptr},
    {"kepler_node_cpu_watts", "W", nullptr},
    {"kepler_node_gpu_joules_total", "J", "gpu"},
    {"kepler_node_gpu_watts", "W", "gpu"},
    // Kepler before 0.10.
    {"kepler_node_package_joules_total", "J", "cpu"},
    {"kepler_node_dram_joules_total", "J", "dram"},
    {"kepler_node_platform_joules_total", "J", "node"},
    // The joulebench simulator (sim/metrics.cc).
    {"joulebench_sim_energy_joules_total", "J", "node"},
    {"joulebench_sim_power_watts", "W", "node"},
}};

constexpr std::array<const char*, 4> kDomains = {"gpu", "cpu", "dram", "node"};

const Unit* FindUnit(absl::string_view name) {
  for (const Unit& unit : kUnits) {
    if (name == unit.name) return &unit;
  }
  return nullptr;
}

const KnownMetric* FindKnown(absl::string_view metric) {
  for (const KnownMetric& known : kKnown) {
    if (metric == known.metric) return &known;
  }
  return nullptr;
}

// Splits at ';' outside double quotes.
std::vector<absl::string_view> SplitOptions(absl::string_view text) {
  std::vector<absl::string_view> parts;
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (quoted && text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && text[i] == ';') {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

absl::Status Bad(absl::string_view selector, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("selector '", selector, "': ", why));
}

}  // namespace

std::string PrometheusSelector::ToString() const {
  if (labels.empty()) return metric;
  std::vector<std::string> parts;
  for (const auto& [name, value] : labels) parts.push_back(absl::StrCat(name, "=\"", value, "\""));
  return absl::StrCat(metric, "{", absl::StrJoin(parts, ","), "}");
}

bool PrometheusSelector::Matches(const PrometheusSample& sample) const {
  if (sample.name != metric) return false;
  return std::all_of(labels.begin(), labels.end(), [&](const auto& label) {
    return LabelValue(sample, label.first) == label.second;
  });
}

bool PrometheusSelector::Selects(absl::string_view label) const {
  return std::any_of(labels.begin(), labels.end(),
                     [&](const auto& selected) { return selected.first == label; });
}

absl::StatusOr<PrometheusSelector> ParsePrometheusSelector(absl::string_view text) {
  const std::vector<absl::string_view> parts = SplitOptions(text);
  absl::StatusOr<PrometheusSample> series = ParsePrometheusSeries(parts[0]);
  if (!series.ok()) {
    if (absl::StrContains(parts[0], "!=") || absl::StrContains(parts[0], "=~") ||
        absl::StrContains(parts[0], "!~")) {
      return Bad(text, "only exact label matches (label=\"value\") are supported");
    }
    return Bad(text, absl::StrCat(series.status().message(),
                                  "; write METRIC or METRIC{label=\"value\",...}"));
  }
  PrometheusSelector selector;
  selector.metric = series->name;
  selector.labels = std::move(series->labels);

  std::optional<std::string> unit;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::pair<absl::string_view, absl::string_view> option =
        absl::StrSplit(parts[i], absl::MaxSplits('=', 1));
    const absl::string_view key = absl::StripAsciiWhitespace(option.first);
    const absl::string_view value = absl::StripAsciiWhitespace(option.second);
    if (key == "unit") {
      if (FindUnit(value) == nullptr) {
        return Bad(text, absl::StrCat("unknown unit '", value, "'; use ", kUnitHelp));
      }
      unit = std::string(value);
    } else if (key == "domain") {
      if (std::find(kDomains.begin(), kDomains.end(), value) == kDomains.end()) {
        return Bad(text, absl::StrCat("unknown domain '", value, "'; use gpu, cpu, dram or node"));
      }
      selector.domain = std::string(value);
    } else {
      return Bad(text, absl::StrCat("unknown option '", parts[i], "'; use ;unit=U or ;domain=D"));
    }
  }

  const KnownMetric* known = FindKnown(selector.metric);
  if (!unit.has_value() && known != nullptr) unit = known->unit;
  if (!unit.has_value()) {
    if (absl::EndsWith(selector.metric, "_joules_total") ||
        absl::EndsWith(selector.metric, "_joules")) {
      unit = "J";
    } else if (absl::EndsWith(selector.metric, "_watts")) {
      unit = "W";
    } else {
      return Bad(text, absl::StrCat("the unit of ", selector.metric,
                                    " is not known; add ;unit=U with U one of ", kUnitHelp));
    }
  }
  const Unit* found = FindUnit(*unit);
  selector.unit = found->name;
  selector.kind = found->kind;
  selector.scale = found->scale;
  if (!selector.domain.has_value() && known != nullptr && known->domain != nullptr) {
    selector.domain = known->domain;
  }
  return selector;
}

std::string SeriesDomain(const PrometheusSelector& selector, const PrometheusSample& sample) {
  if (selector.domain.has_value()) return *selector.domain;
  const std::optional<std::string> zone = LabelValue(sample, "zone");
  if (!zone.has_value()) return "node";
  if (absl::StartsWith(*zone, "dram")) return "dram";
  if (absl::StartsWith(*zone, "psys") || absl::StartsWith(*zone, "platform")) return "node";
  return "cpu";
}

}  // namespace jb::worker
