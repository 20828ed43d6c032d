// `joulebench per --input metrics.csv`: the Performance-Efficiency Ratio of Cao et al. 2026,
// and joulebench's energy-aware variant PER-E, for any table of raw metrics (tasks/per.h;
// docs/methodology.md), so the implementation can be checked against published tables.
// Exit codes (cli/command.h): 0 ok; 2 when the input cannot be read or is not a cohort PER
// can compare (the error names the line and column).
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/command.h"
#include "common/flags.h"
#include "common/text_table.h"
#include "nlohmann/json.hpp"
#include "tasks/per.h"

namespace jb::cli {
namespace {

struct PerFlags {
  std::string input;
  std::string format = "table";
};

std::string Fixed(double value, int digits) { return absl::StrFormat("%.*f", digits, value); }
std::string Number(double value) { return absl::StrFormat("%g", value); }

// The input's text: the file, or standard input for "-".
absl::StatusOr<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read '", path, "'; pass --input with a CSV file, or - for stdin"));
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void PrintTable(const std::vector<tasks::PerMetrics>& cohort,
                const std::vector<tasks::PerScore>& scores) {
  const bool energy = cohort.front().joules_per_query.has_value();
  std::vector<std::string> header = {"model", "accuracy", "throughput", "latency", "memory"};
  if (energy) header.push_back("J/query");
  for (const char* term : {"ACC_n", "THR_n", "LAT_n", "MEM_n"}) header.push_back(term);
  if (energy) header.push_back("E_n");
  header.push_back("PER");
  if (energy) header.push_back("PER-E");
  TextTable table(header);
  for (size_t i = 0; i < cohort.size(); ++i) {
    const tasks::PerMetrics& m = cohort[i];
    const tasks::PerScore& s = scores[i];
    std::vector<std::string> row = {m.model, Number(m.accuracy), Number(m.throughput),
                                    Number(m.latency), Number(m.memory)};
    if (energy) row.push_back(Number(*m.joules_per_query));
    for (double term : {s.accuracy, s.throughput, s.latency, s.memory}) {
      row.push_back(Fixed(term, 4));
    }
    if (energy) row.push_back(Fixed(*s.energy, 4));
    row.push_back(Fixed(s.per, 4));
    if (energy) row.push_back(Fixed(*s.per_energy, 4));
    table.AddRow(std::move(row));
  }
  std::cout << table.Render();
  std::cout << "PER: Cao et al. 2026, (ACC_n x THR_n x MEM_n x LAT_n)^(1/4), each term min-max "
               "normalised over these "
            << cohort.size()
            << " models (higher accuracy and throughput, lower latency and memory are better).\n";
  if (energy) {
    std::cout << "PER-E: joulebench's energy-aware variant, not in the paper: J/query as a fifth "
                 "term, lower is better, (ACC_n x THR_n x MEM_n x LAT_n x E_n)^(1/5).\n";
  }
}

void PrintCsv(const std::vector<tasks::PerMetrics>& cohort,
              const std::vector<tasks::PerScore>& scores) {
  const bool energy = cohort.front().joules_per_query.has_value();
  std::cout << "model,acc_norm,thr_norm,lat_norm,mem_norm," << (energy ? "energy_norm," : "")
            << "per" << (energy ? ",per_energy" : "") << "\n";
  for (const tasks::PerScore& s : scores) {
    // Model names with a comma or quote are quoted (RFC 4180).
    std::string model = s.model;
    if (model.find_first_of(",\"\n") != std::string::npos) {
      std::string quoted = "\"";
      for (char c : model) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      model = quoted + "\"";
    }
    std::cout << model << "," << Fixed(s.accuracy, 6) << "," << Fixed(s.throughput, 6) << ","
              << Fixed(s.latency, 6) << "," << Fixed(s.memory, 6) << ","
              << (energy ? Fixed(*s.energy, 6) + "," : "") << Fixed(s.per, 6)
              << (energy ? "," + Fixed(*s.per_energy, 6) : "") << "\n";
  }
}

void PrintJson(const std::vector<tasks::PerScore>& scores) {
  nlohmann::json out = nlohmann::json::array();
  for (const tasks::PerScore& s : scores) {
    nlohmann::json row = {{"model", s.model},         {"acc_norm", s.accuracy},
                          {"thr_norm", s.throughput}, {"lat_norm", s.latency},
                          {"mem_norm", s.memory},     {"per", s.per}};
    if (s.per_energy.has_value()) {
      row["energy_norm"] = *s.energy;
      row["per_energy"] = *s.per_energy;
    }
    out.push_back(std::move(row));
  }
  std::cout << out.dump(2) << "\n";
}

int Run(const PerFlags& flags) {
  absl::StatusOr<std::string> text = ReadInput(flags.input);
  if (!text.ok()) {
    std::cerr << "error: " << text.status().message() << "\n";
    return kExitUsage;
  }
  const std::string name = flags.input == "-" ? "<stdin>" : flags.input;
  absl::StatusOr<std::vector<tasks::PerMetrics>> cohort = tasks::ParsePerCsv(name, *text);
  if (!cohort.ok()) {
    std::cerr << "error: " << cohort.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<std::vector<tasks::PerScore>> scores = tasks::ComputePer(*cohort);
  if (!scores.ok()) {
    std::cerr << "error: " << name << ": " << scores.status().message() << "\n";
    return kExitUsage;
  }
  if (flags.format == "json") {
    PrintJson(*scores);
  } else if (flags.format == "csv") {
    PrintCsv(*cohort, *scores);
  } else {
    PrintTable(*cohort, *scores);
  }
  return kExitOk;
}

}  // namespace

void AddPerCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<PerFlags>();
  CLI::App* per = app.add_subcommand(
      "per",
      "Compute the Performance-Efficiency Ratio (Cao et al. 2026) of a cohort of models on one "
      "task from a CSV of raw metrics, and with a j_per_query column joulebench's energy-aware "
      "variant PER-E. Columns (header row, any order, others ignored): model, accuracy, "
      "throughput (per GPU), latency, memory, optionally j_per_query; units as you choose, the "
      "same for every row. Each term is min-max normalised over the rows given, so PER is "
      "relative to that cohort. Exit 2 when the input cannot be read or compared.");
  AddFlag(per, "--input", flags->input, "CSV file of raw metrics, one row per model; - for stdin")
      ->required();
  AddFlag(per, "--format", flags->format,
          "Output: table (metrics, normalised terms, PER), csv or json (terms and PER)")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  per->callback([flags, exit_code] { *exit_code = Run(*flags); });
}

}  // namespace jb::cli
