#include "tasks/per.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/dataset_files.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using ::testing::DoubleNear;

std::string ReadSource(const std::string& path) {
  std::ifstream in(std::string(JB_SOURCE_DIR) + "/" + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The published PER column of one of the tables transcribed in docs/data/.
std::map<std::string, double> PublishedPer(const std::string& path) {
  std::map<std::string, double> published;
  auto records = ParseDataFile(DataFormat::kCsv, path, ReadSource(path));
  EXPECT_TRUE(records.ok()) << records.status();
  for (const DataRecord& r : records.value_or(std::vector<DataRecord>{})) {
    published[r.doc["model"].get<std::string>()] = r.doc["published_per"].get<double>();
  }
  return published;
}

std::map<std::string, PerScore> ScoresOf(const std::vector<PerMetrics>& cohort) {
  auto scores = ComputePer(cohort);
  EXPECT_TRUE(scores.ok()) << scores.status();
  std::map<std::string, PerScore> by_model;
  for (const PerScore& s : scores.value_or(std::vector<PerScore>{})) by_model[s.model] = s;
  return by_model;
}

// Cao et al. 2026, GSM8K (4-digit PER): every model within 0.0005 of the paper but one,
// Mistral-7B, whose printed 3,907 tokens/s looks like 390.7 without its decimal point.
TEST(PerTest, ReproducesCaoEtAlGsm8kTable) {
  const std::string path = "docs/data/cao2026-gsm8k.csv";
  ASSERT_OK_AND_ASSIGN(std::vector<PerMetrics> cohort, ParsePerCsv(path, ReadSource(path)));
  ASSERT_EQ(cohort.size(), 16u);
  const std::map<std::string, double> published = PublishedPer(path);
  std::map<std::string, PerScore> scores = ScoresOf(cohort);
  ASSERT_EQ(scores.size(), 16u);
  for (const auto& [model, per] : published) {
    if (model == "Mistral-7B") continue;
    EXPECT_THAT(scores[model].per, DoubleNear(per, 5e-4)) << model;
  }
  EXPECT_THAT(scores["Mistral-7B"].per, DoubleNear(0.5138, 5e-4));
  for (PerMetrics& m : cohort) {
    if (m.model == "Mistral-7B") m.throughput = 390.7;
  }
  EXPECT_THAT(ScoresOf(cohort)["Mistral-7B"].per, DoubleNear(published.at("Mistral-7B"), 5e-4));
  // The worst model on any term scores 0: Llama-2-13B has the lowest accuracy.
  EXPECT_EQ(scores["Llama-2-13B"].accuracy, 0);
  EXPECT_EQ(scores["Llama-2-13B"].per, 0);
  EXPECT_FALSE(scores["Qwen2.5-1.5B"].per_energy.has_value()) << "the table has no J/query";
}

// The classification table prints its inputs and PER to two digits, so the agreement is
// looser; the best and the zeros are exact.
TEST(PerTest, ReproducesCaoEtAlImdbTableToItsPrecision) {
  const std::string path = "docs/data/cao2026-imdb.csv";
  ASSERT_OK_AND_ASSIGN(std::vector<PerMetrics> cohort, ParsePerCsv(path, ReadSource(path)));
  std::map<std::string, PerScore> scores = ScoresOf(cohort);
  for (const auto& [model, per] : PublishedPer(path)) {
    EXPECT_THAT(scores[model].per, DoubleNear(per, 0.015)) << model;
  }
  EXPECT_EQ(scores["Qwen2.5-0.5B"].per, 1);
  EXPECT_EQ(scores["Phi-3.5"].per, 0);
  EXPECT_EQ(scores["Qwen2.5-72B"].per, 0);
}

TEST(PerTest, EnergyVariantAddsJoulesPerQueryAsAFifthTerm) {
  std::vector<PerMetrics> cohort = {
      {"small", 0.6, 100, 1, 1000, 2.0},
      {"medium", 0.8, 50, 2, 4000, 5.0},
      {"large", 0.9, 10, 5, 16000, 20.0},
  };
  std::map<std::string, PerScore> s = ScoresOf(cohort);
  // medium: ACC (0.8-0.6)/0.3, THR (50-10)/90, LAT 1-(2-1)/4, MEM 1-3000/15000, E 1-3/18.
  const double acc = 0.2 / 0.3, thr = 40.0 / 90, lat = 0.75, mem = 0.8, e = 1 - 3.0 / 18;
  EXPECT_THAT(s["medium"].per, DoubleNear(std::pow(acc * thr * lat * mem, 0.25), 1e-12));
  ASSERT_TRUE(s["medium"].per_energy.has_value());
  EXPECT_THAT(*s["medium"].energy, DoubleNear(e, 1e-12));
  EXPECT_THAT(*s["medium"].per_energy, DoubleNear(std::pow(acc * thr * lat * mem * e, 0.2), 1e-12));
  EXPECT_EQ(s["small"].per, 0) << "lowest accuracy";
  EXPECT_EQ(*s["large"].per_energy, 0) << "most joules per query";
}

// A term on which the cohort does not differ separates no one: 1 for every model (the paper
// leaves it undefined).
TEST(PerTest, ATermWithoutSpreadCountsAsOne) {
  std::map<std::string, PerScore> one = ScoresOf({{"only", 0.5, 10, 3, 100, std::nullopt}});
  EXPECT_EQ(one["only"].per, 1);
  std::map<std::string, PerScore> same_memory =
      ScoresOf({{"a", 0.5, 10, 3, 100, std::nullopt}, {"b", 0.7, 20, 2, 100, std::nullopt}});
  EXPECT_EQ(same_memory["a"].memory, 1);
  EXPECT_EQ(same_memory["b"].per, 1);
  EXPECT_EQ(same_memory["a"].per, 0);
}

TEST(PerTest, RefusesCohortsItCannotCompare) {
  EXPECT_THAT(ComputePer({}), StatusIs(absl::StatusCode::kInvalidArgument, "at least one"));
  EXPECT_THAT(ComputePer({{"m", -0.1, 1, 1, 1, std::nullopt}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "model m: accuracy is -0.1"));
  EXPECT_THAT(ComputePer({{"m", 0.5, NAN, 1, 1, std::nullopt}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "model m: throughput is nan"));
  EXPECT_THAT(
      ComputePer({{"a", 0.5, 1, 1, 1, 2.0}, {"b", 0.5, 1, 1, 1, std::nullopt}}),
      StatusIs(absl::StatusCode::kInvalidArgument, "model b has no J/query while a has one"));
}

TEST(PerTest, CsvColumnsInAnyOrderExtraColumnsIgnored) {
  ASSERT_OK_AND_ASSIGN(std::vector<PerMetrics> cohort,
                       ParsePerCsv("m.csv",
                                   "memory,note,model,latency,throughput,accuracy,j_per_query\n"
                                   "1024,fast,tiny,0.5,900,0.61,1.5\n"
                                   "8192,,big,2,120,0.83,9\n"));
  ASSERT_EQ(cohort.size(), 2u);
  EXPECT_EQ(cohort[1].model, "big");
  EXPECT_EQ(cohort[1].accuracy, 0.83);
  EXPECT_EQ(cohort[1].throughput, 120);
  EXPECT_EQ(cohort[1].latency, 2);
  EXPECT_EQ(cohort[1].memory, 8192);
  EXPECT_EQ(cohort[1].joules_per_query, 9);
}

TEST(PerTest, CsvErrorsNameTheLineAndTheColumn) {
  const std::string header = "model,accuracy,throughput,latency,memory\n";
  EXPECT_THAT(ParsePerCsv("m.csv", header),
              StatusIs(absl::StatusCode::kInvalidArgument, "m.csv: no rows"));
  EXPECT_THAT(ParsePerCsv("m.csv", "model,accuracy,throughput,latency\na,1,2,3\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "m.csv:2: no column 'memory'"));
  EXPECT_THAT(
      ParsePerCsv("m.csv", header + "a,0.5,10,1,100\nb,0.6,,1,100\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, "m.csv:3: column 'throughput' is empty"));
  EXPECT_THAT(ParsePerCsv("m.csv", header + "a,0.5,10,1,100\nb,0.6,20,1 ms,100\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "m.csv:3: column 'latency' holds \"1 ms\", not a number"));
  EXPECT_THAT(ParsePerCsv("m.csv", header + "a,0.5,10,1,100\na,0.6,20,1,100\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "m.csv:3: model a appears twice"));
  EXPECT_THAT(ParsePerCsv("m.csv", header + ",0.5,10,1,100\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "m.csv:2: no model name"));
}

}  // namespace
}  // namespace jb::tasks
