#include "tasks/per.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tasks/dataset_files.h"

namespace jb::tasks {
namespace {

enum class Better { kHigher, kLower };

// Min-max normalisation of one term over the cohort (tasks/per.h): 1 for everyone when the
// cohort does not differ on it.
std::vector<double> Normalise(const std::vector<double>& values, Better better) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::vector<double> out;
  for (double v : values) {
    if (*hi == *lo) {
      out.push_back(1);
      continue;
    }
    const double up = (v - *lo) / (*hi - *lo);
    out.push_back(better == Better::kHigher ? up : 1 - up);
  }
  return out;
}

absl::Status CheckMetric(const std::string& model, const char* name, double value) {
  if (std::isfinite(value) && value >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("model ", model, ": ", name, " is ", value,
                                                 "; PER needs a finite value of 0 or more"));
}

}  // namespace

absl::StatusOr<std::vector<PerScore>> ComputePer(const std::vector<PerMetrics>& cohort) {
  if (cohort.empty()) return absl::InvalidArgumentError("PER needs at least one model");
  const bool with_energy = cohort.front().joules_per_query.has_value();
  std::vector<double> accuracy, throughput, latency, memory, energy;
  for (const PerMetrics& m : cohort) {
    for (const auto& [name, value] : {std::pair{"accuracy", m.accuracy},
                                      {"throughput", m.throughput},
                                      {"latency", m.latency},
                                      {"memory", m.memory}}) {
      if (absl::Status s = CheckMetric(m.model, name, value); !s.ok()) return s;
    }
    if (m.joules_per_query.has_value() != with_energy) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model ", m.model, (with_energy ? " has no J/query while " : " has J/query while "),
          cohort.front().model, (with_energy ? " has one" : " has none"),
          "; PER-E compares every model's J/query: give all of them one, or none"));
    }
    if (with_energy) {
      if (absl::Status s = CheckMetric(m.model, "J/query", *m.joules_per_query); !s.ok()) {
        return s;
      }
      energy.push_back(*m.joules_per_query);
    }
    accuracy.push_back(m.accuracy);
    throughput.push_back(m.throughput);
    latency.push_back(m.latency);
    memory.push_back(m.memory);
  }
  const std::vector<double> acc = Normalise(accuracy, Better::kHigher);
  const std::vector<double> thr = Normalise(throughput, Better::kHigher);
  const std::vector<double> lat = Normalise(latency, Better::kLower);
  const std::vector<double> mem = Normalise(memory, Better::kLower);
  const std::vector<double> eng = with_energy ? Normalise(energy, Better::kLower) : energy;
  std::vector<PerScore> scores;
  for (size_t i = 0; i < cohort.size(); ++i) {
    PerScore s;
    s.model = cohort[i].model;
    s.accuracy = acc[i];
    s.throughput = thr[i];
    s.latency = lat[i];
    s.memory = mem[i];
    const double product = acc[i] * thr[i] * lat[i] * mem[i];
    s.per = std::pow(product, 1.0 / 4);
    if (with_energy) {
      s.energy = eng[i];
      s.per_energy = std::pow(product * eng[i], 1.0 / 5);
    }
    scores.push_back(std::move(s));
  }
  return scores;
}

absl::StatusOr<std::vector<PerMetrics>> ParsePerCsv(const std::string& file,
                                                    const std::string& text) {
  absl::StatusOr<std::vector<DataRecord>> records = ParseDataFile(DataFormat::kCsv, file, text);
  if (!records.ok()) return records.status();
  if (records->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        file,
        ": no rows; give a header (model,accuracy,throughput,latency,memory and optionally "
        "j_per_query) and one row per model"));
  }
  const bool with_energy = records->front().doc.contains("j_per_query");
  std::vector<PerMetrics> cohort;
  std::set<std::string> seen;
  for (const DataRecord& record : *records) {
    auto invalid = [&](const std::string& what) {
      return absl::InvalidArgumentError(absl::StrCat(file, ":", record.line, ": ", what));
    };
    auto number = [&](const char* column) -> absl::StatusOr<double> {
      if (!record.doc.contains(column)) {
        return invalid(
            absl::StrCat("no column '", column,
                         "'; the header needs model, accuracy, throughput, latency and memory"));
      }
      const nlohmann::json& cell = record.doc[column];
      if (cell.is_null()) return invalid(absl::StrCat("column '", column, "' is empty"));
      if (cell.is_number()) return cell.get<double>();
      // A column with one non-number is read as text throughout; its numbers still count.
      double value = 0;
      if (cell.is_string() && absl::SimpleAtod(cell.get<std::string>(), &value)) return value;
      return invalid(absl::StrCat("column '", column, "' holds ", cell.dump(),
                                  ", not a number; write it without units"));
    };
    if (!record.doc.contains("model") || record.doc["model"].is_null()) {
      return invalid("no model name; the header needs a 'model' column, and every row a name");
    }
    const nlohmann::json& name = record.doc["model"];
    PerMetrics m;
    m.model = name.is_string() ? name.get<std::string>() : name.dump();
    if (!seen.insert(m.model).second) {
      return invalid(
          absl::StrCat("model ", m.model, " appears twice; a cohort has one row per model"));
    }
    for (const auto& [column, field] : {std::pair{"accuracy", &m.accuracy},
                                        {"throughput", &m.throughput},
                                        {"latency", &m.latency},
                                        {"memory", &m.memory}}) {
      absl::StatusOr<double> value = number(column);
      if (!value.ok()) return value.status();
      *field = *value;
    }
    if (with_energy) {
      absl::StatusOr<double> joules = number("j_per_query");
      if (!joules.ok()) return joules.status();
      m.joules_per_query = *joules;
    }
    cohort.push_back(std::move(m));
  }
  return cohort;
}

}  // namespace jb::tasks
