// `joulebench per --input metrics.csv` as a user runs it: the built binary, its output and its
// exit code (0 ok, 2 an input it cannot read or compare).
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/joulebench_run.h"

namespace jb {
namespace {

using ::jb::testing::CommandRun;
using ::jb::testing::RunJoulebench;
using ::testing::HasSubstr;
using ::testing::Not;

class PerCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jb_per_cmd_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
};

TEST_F(PerCommandTest, PrintsThePublishedTableWithItsTerms) {
  CommandRun run = RunJoulebench(
      {"per", "--input", std::string(JB_SOURCE_DIR) + "/docs/data/cao2026-gsm8k.csv"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("Qwen2.5-1.5B       0.58        4417     0.25    3072  0.4006  "
                                    "0.5556  0.9778  0.8824  0.6620"));
  EXPECT_THAT(run.output, HasSubstr("normalised over these 16 models"));
  EXPECT_THAT(run.output, Not(HasSubstr("PER-E"))) << "no j_per_query column";
}

TEST_F(PerCommandTest, JsonWithTheEnergyVariant) {
  const std::string csv = Write("m.csv",
                                "model,accuracy,throughput,latency,memory,j_per_query\n"
                                "small,0.6,100,1,1000,2\n"
                                "medium,0.8,50,2,4000,5\n"
                                "large,0.9,10,5,16000,20\n");
  CommandRun run = RunJoulebench({"per", "--input", csv, "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  nlohmann::json out = nlohmann::json::parse(run.output, nullptr, false);
  ASSERT_TRUE(out.is_array()) << run.output;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1]["model"], "medium");
  EXPECT_NEAR(out[1]["energy_norm"].get<double>(), 1 - 3.0 / 18, 1e-12);
  EXPECT_EQ(out[2]["per_energy"].get<double>(), 0);
  CommandRun table = RunJoulebench({"per", "--input", csv});
  EXPECT_THAT(table.output,
              HasSubstr("PER-E: joulebench's energy-aware variant, not in the paper"));
}

TEST_F(PerCommandTest, BadInputIsAUsageErrorNamingLineAndColumn) {
  CommandRun missing = RunJoulebench({"per", "--input", dir_ + "/nope.csv"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("cannot read '" + dir_ + "/nope.csv'"));
  const std::string bad = Write("bad.csv",
                                "model,accuracy,throughput,latency,memory\n"
                                "a,0.5,10,1,100\n"
                                "b,0.6,20,fast,100\n");
  CommandRun run = RunJoulebench({"per", "--input", bad});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.output, HasSubstr(bad + ":3: column 'latency' holds \"fast\", not a number"));
  CommandRun format = RunJoulebench({"per", "--input", bad, "--format", "xml"});
  EXPECT_EQ(format.exit_code, 2);
}

}  // namespace
}  // namespace jb
