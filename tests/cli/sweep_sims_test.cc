// The simulators `joulebench demo --sweep` runs a sweep on: one per hardware class, with the
// profile the sweep's label sim_profiles pairs with it, and every way a sweep can fail to say
// which, refused before anything starts with an error that names the class and the fix.
#include "cli/sweep_sims.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "cli/sweep_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::cli {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;

// A sweep of the demo's models over two classes, with `labels` appended as written.
std::string Sweep(const std::string& labels) {
  return absl::StrCat(
      "name: t\n"
      "models:\n"
      "  - {name: sim-small-1b, parameters: 1.1e9}\n"
      "  - {name: sim-large-70b, parameters: 7.0e10}\n"
      "tasks: [sentiment-mini]\n"
      "hardware_classes: [gpu-a, cpu-b]\n",
      labels);
}

absl::StatusOr<std::vector<LocalSim>> Sims(const std::string& yaml,
                                           const std::string& base_dir = ".") {
  JB_ASSIGN_OR_RETURN(SweepFile sweep, LoadSweep(yaml, "t.yaml", base_dir));
  return SimsForSweep(sweep);
}

TEST(SweepSimsTest, OneSimulatorAndWorkerPerClassInTheSweepsOrderWithItsPairedProfile) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<LocalSim> sims,
      Sims(
          Sweep("labels: {sim_profiles: \" cpu-b=builtin:demo-cpu , gpu-a=builtin:demo-gpu\"}\n")));
  ASSERT_EQ(sims.size(), 2u);
  EXPECT_EQ(sims[0].hardware_class, "gpu-a");
  EXPECT_EQ(sims[0].profile, "builtin:demo-gpu");
  EXPECT_EQ(sims[1].hardware_class, "cpu-b");
  EXPECT_EQ(sims[1].profile, "builtin:demo-cpu");
  for (const LocalSim& sim : sims) {
    EXPECT_EQ(sim.workers, 1);
    EXPECT_TRUE(sim.suite_dirs.empty()) << "built-in suites need no --suites";
  }
}

TEST(SweepSimsTest, ASweepWithoutTheLabelIsRefusedNamingTheClassAndTheLabelToAdd) {
  EXPECT_THAT(Sims(Sweep("labels: {purpose: x}\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "t.yaml: hardware class 'gpu-a' has no simulator profile"));
  EXPECT_THAT(Sims(Sweep("")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "add under labels: sim_profiles: \"gpu-a=PROFILE,cpu-b=PROFILE\""));
  EXPECT_THAT(Sims(Sweep("")), StatusIs(absl::StatusCode::kInvalidArgument,
                                        "PROFILE is builtin:NAME (NAME one of bench-fidelity"));
}

TEST(SweepSimsTest, AClassTheLabelDoesNotPairIsRefusedSayingWhatToAdd) {
  EXPECT_THAT(Sims(Sweep("labels: {sim_profiles: \"gpu-a=builtin:demo-gpu\"}\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "t.yaml: hardware class 'cpu-b' has no simulator profile: the demo runs "
                       "each hardware class on `joulebench sim` with the profile the sweep pairs "
                       "with it, and its label sim_profiles (\"gpu-a=builtin:demo-gpu\") does not "
                       "pair it; add cpu-b=PROFILE to the label"));
}

TEST(SweepSimsTest, ALabelPairingAClassTheSweepLacksIsRefused) {
  EXPECT_THAT(
      Sims(Sweep("labels: {sim_profiles: \"gpu-a=builtin:demo-gpu,cpu-b=builtin:demo-cpu,"
                 "gpu-c=builtin:demo-gpu\"}\n")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "pairs hardware class 'gpu-c', which the sweep does not have (its classes: gpu-a, "
               "cpu-b)"));
}

TEST(SweepSimsTest, AMalformedOrRepeatedPairIsRefused) {
  EXPECT_THAT(ParseSimProfiles("gpu-a=builtin:demo-gpu,cpu-b", "t.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "t.yaml: labels: sim_profiles: 'cpu-b' is not CLASS=PROFILE"));
  EXPECT_THAT(ParseSimProfiles("=builtin:demo-gpu", "t.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument, "is not CLASS=PROFILE"));
  EXPECT_THAT(ParseSimProfiles("a=builtin:demo-gpu,a=builtin:demo-cpu", "t.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument, "hardware class 'a' is paired twice"));
}

TEST(SweepSimsTest, AProfileThatDoesNotLoadOrServeEveryModelIsRefused) {
  EXPECT_THAT(
      Sims(Sweep("labels: {sim_profiles: \"gpu-a=builtin:nope,cpu-b=builtin:demo-cpu\"}\n")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "t.yaml: labels: sim_profiles: hardware class 'gpu-a': no built-in profile 'nope'"));
  const auto unserved =
      Sims(Sweep("labels: {sim_profiles: \"gpu-a=builtin:garg2025,cpu-b=builtin:demo-cpu\"}\n"));
  EXPECT_THAT(unserved,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "t.yaml:3: model 'sim-small-1b' is not served by builtin:garg2025, which "
                       "label sim_profiles pairs with hardware class 'gpu-a'"));
  EXPECT_THAT(unserved, StatusIs(absl::StatusCode::kInvalidArgument,
                                 "pair the class with a profile that serves every model"));
}

// A profile file and a suite named by path are found from the sweep file's directory, and
// handed to the simulator as absolute paths (it may run elsewhere than the caller's cwd).
TEST(SweepSimsTest, ProfileFilesAndPathSuitesAreReadFromTheSweepFilesDirectory) {
  char tmpl[] = "/tmp/jb-sweep-sims-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::filesystem::copy(std::string(JB_SOURCE_DIR) + "/sim/profiles/demo-gpu.yaml",
                        dir + "/mine.yaml");
  std::filesystem::copy(std::string(JB_SOURCE_DIR) + "/suites/sentiment-mini", dir + "/my-suite");
  {
    std::ofstream out(dir + "/sweep.yaml");
    out << "name: t\n"
           "models: [{name: sim-small-1b, parameters: 1.1e9}]\n"
           "tasks: [./my-suite, sentiment-mini]\n"
           "hardware_classes: [gpu-a]\n"
           "labels: {sim_profiles: \"gpu-a=mine.yaml\"}\n";
  }
  absl::StatusOr<SweepFile> sweep = ReadSweepFile(dir + "/sweep.yaml");
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->request.suites_size(), 1) << "the path suite travels with the request";
  absl::StatusOr<std::vector<LocalSim>> sims = SimsForSweep(*sweep);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(sims.ok()) << sims.status();
  ASSERT_EQ(sims->size(), 1u);
  EXPECT_EQ((*sims)[0].profile, dir + "/mine.yaml");
  EXPECT_THAT((*sims)[0].suite_dirs, ElementsAre(dir + "/my-suite"));
}

// Every sweep shipped in suites/sweeps runs in the demo as it stands.
TEST(SweepSimsTest, EveryShippedSweepPairsEachClassWithABuiltinProfile) {
  for (const char* name : {"demo.yaml", "garg2025.yaml", "cao2026.yaml"}) {
    SCOPED_TRACE(name);
    absl::StatusOr<SweepFile> sweep =
        ReadSweepFile(absl::StrCat(JB_SOURCE_DIR, "/suites/sweeps/", name));
    ASSERT_TRUE(sweep.ok()) << sweep.status();
    absl::StatusOr<std::vector<LocalSim>> sims = SimsForSweep(*sweep);
    ASSERT_TRUE(sims.ok()) << sims.status();
    EXPECT_EQ(sims->size(), sweep->spec.hardware_classes.size());
  }
}

TEST(SweepFileTest, AFileThatCannotBeReadSaysWhatToPass) {
  EXPECT_THAT(ReadSweepFile("/nonexistent/sweep.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "sweep file '/nonexistent/sweep.yaml' cannot be read"));
}

}  // namespace
}  // namespace jb::cli
