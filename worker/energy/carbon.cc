#include "worker/energy/carbon.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "worker/energy/energy_tables.h"

namespace jb::worker {

namespace {

// Data rows of a derived table: '#' comments and the header line skipped, fields split at ','
// (the derived tables hold no quoted fields).
std::vector<std::vector<std::string>> TableRows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  bool header = true;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#")) continue;
    if (header) {
      header = false;
      continue;
    }
    rows.push_back(absl::StrSplit(line, ','));
  }
  return rows;
}

std::optional<CarbonIntensity> FromCountries(const std::string& region) {
  const std::string iso3 = absl::AsciiStrToUpper(region);
  for (const auto& row : TableRows(EnergyTable("carbon_intensity_countries.csv"))) {
    double g = 0;
    if (row.size() < 5 || row[0] != iso3 || !absl::SimpleAtod(row[2], &g)) continue;
    return CarbonIntensity{g, absl::StrCat("country-table:", iso3, ":", row[3], " (", row[4], ")"),
                           false};
  }
  return std::nullopt;
}

std::optional<CarbonIntensity> FromCloudRegions(const std::string& region) {
  std::string name = absl::AsciiStrToLower(region);
  std::string provider;
  if (const size_t colon = name.find(':'); colon != std::string::npos) {
    provider = name.substr(0, colon);
    name = name.substr(colon + 1);
  }
  for (const auto& row : TableRows(EnergyTable("carbon_intensity_cloud_regions.csv"))) {
    double g = 0;
    if (row.size() < 6 || row[1] != name || (!provider.empty() && row[0] != provider) ||
        !absl::SimpleAtod(row[3], &g)) {
      continue;
    }
    return CarbonIntensity{
        g, absl::StrCat("cloud-region:", row[0], ":", row[1], ":", row[4], " (", row[5], ")"),
        false};
  }
  return std::nullopt;
}

// The region in a downward-API labels file, with the key it came from.
absl::StatusOr<std::pair<std::string, std::string>> RegionFromLabels(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("--node-labels ", path,
                                            ": cannot read the file; mount the downward API's "
                                            "labels there or drop the flag"));
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string found_key, found_value;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n', absl::SkipEmpty())) {
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    const absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, eq));
    absl::string_view value = absl::StripAsciiWhitespace(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (key == "joulebench.io/region" ||
        (key == "topology.kubernetes.io/region" && found_key != "joulebench.io/region")) {
      found_key = std::string(key);
      found_value = std::string(value);
    }
  }
  return std::make_pair(found_key, found_value);
}

}  // namespace

CarbonIntensity ResolveCarbonIntensity(const std::string& region,
                                       std::optional<double> override_g_per_kwh) {
  if (override_g_per_kwh.has_value()) return {*override_g_per_kwh, "configured", false};
  if (!region.empty()) {
    if (auto country = FromCountries(region)) return *country;
    if (auto cloud = FromCloudRegions(region)) return *cloud;
  }
  return {kWorldAverageGramsPerKwh,
          absl::StrCat(
              "world-average:475 (IEA 2019 via CodeCarbon; ",
              region.empty() ? "region unknown" : "region '" + region + "' not in the tables", ")"),
          true};
}

absl::StatusOr<CarbonSettings> ResolveCarbonSettings(const std::string& flag_region,
                                                     const std::string& env_region,
                                                     const std::string& node_labels_file,
                                                     std::optional<double> override_g_per_kwh,
                                                     double pue) {
  if (!(pue >= 1.0 && pue <= 3.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--pue is ", pue,
                     "; expected the site's power usage effectiveness, 1.0 (IT energy "
                     "only) to 3.0"));
  }
  if (override_g_per_kwh.has_value() && !(*override_g_per_kwh >= 0)) {
    return absl::InvalidArgumentError("--carbon-intensity must not be negative");
  }
  CarbonSettings settings;
  settings.pue = pue;
  if (!flag_region.empty()) {
    settings.region = flag_region;
    settings.region_source =
        flag_region == env_region ? "--region or JOULEBENCH_REGION" : "--region";
  } else if (!env_region.empty()) {
    settings.region = env_region;
    settings.region_source = "JOULEBENCH_REGION";
  } else if (!node_labels_file.empty()) {
    auto labelled = RegionFromLabels(node_labels_file);
    if (!labelled.ok()) return labelled.status();
    if (!labelled->second.empty()) {
      settings.region = labelled->second;
      settings.region_source =
          absl::StrCat("node label ", labelled->first, " (", node_labels_file, ")");
    }
  }
  settings.intensity = ResolveCarbonIntensity(settings.region, override_g_per_kwh);
  return settings;
}

}  // namespace jb::worker
