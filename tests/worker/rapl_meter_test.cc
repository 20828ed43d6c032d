#include "worker/energy/rapl_meter.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

namespace fs = std::filesystem;
namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;

// A fake /sys/class/powercap tree in a fresh temporary directory.
class PowercapTree {
 public:
  explicit PowercapTree(const std::string& name) : root_(fs::path(::testing::TempDir()) / name) {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void Zone(const std::string& rel, const std::string& name, double energy_uj,
            double range_uj = 262143328850) {
    const fs::path dir = root_ / rel;
    fs::create_directories(dir);
    std::ofstream(dir / "name") << name << "\n";
    std::ofstream(dir / "max_energy_range_uj") << static_cast<uint64_t>(range_uj) << "\n";
    Set(rel, energy_uj);
  }
  void Set(const std::string& rel, double energy_uj) {
    std::ofstream(root_ / rel / "energy_uj") << static_cast<uint64_t>(energy_uj) << "\n";
  }
  std::string root() const { return root_.string(); }

 private:
  fs::path root_;
};

double Joules(const std::vector<v1::EnergyReading>& readings, const std::string& device) {
  for (const auto& r : readings) {
    if (r.device() == device) return r.energy_j();
  }
  return -1;
}

TEST(RaplMeterTest, TwoSocketsWithDramAndNoDoubleCounting) {
  PowercapTree tree("rapl_two_sockets");
  tree.Zone("intel-rapl:0", "package-0", 1'000'000);
  tree.Zone("intel-rapl:0/intel-rapl:0:0", "core", 500'000);
  tree.Zone("intel-rapl:0/intel-rapl:0:1", "dram", 100'000);
  tree.Zone("intel-rapl:1", "package-1", 2'000'000);
  tree.Zone("intel-rapl:2", "psys", 9'000'000);
  ASSERT_OK_AND_ASSIGN(auto meter, RaplMeter::Open(tree.root()));
  ASSERT_OK_AND_ASSIGN(auto first, meter->Read());
  ASSERT_EQ(first.size(), 3u);  // package-0, its dram, package-1: no core, no psys
  tree.Set("intel-rapl:0", 3'500'000);
  tree.Set("intel-rapl:0/intel-rapl:0:0", 9'999'999);
  tree.Set("intel-rapl:0/intel-rapl:0:1", 600'000);
  tree.Set("intel-rapl:1", 2'250'000);
  ASSERT_OK_AND_ASSIGN(auto second, meter->Read());
  EXPECT_DOUBLE_EQ(Joules(second, "package-0"), 2.5);
  EXPECT_DOUBLE_EQ(Joules(second, "package-0/dram"), 0.5);
  EXPECT_DOUBLE_EQ(Joules(second, "package-1"), 0.25);
  EXPECT_EQ(second[0].method(), v1::ENERGY_METHOD_RAPL);
  EXPECT_FALSE(second[0].estimated());
  EXPECT_TRUE(meter->Describe().needs_sampling);
}

TEST(RaplMeterTest, WrapAroundUsesMaxEnergyRange) {
  PowercapTree tree("rapl_wrap");
  tree.Zone("intel-rapl:0", "package-0", 9'000'000, /*range_uj=*/10'000'000);
  ASSERT_OK_AND_ASSIGN(auto meter, RaplMeter::Open(tree.root()));
  ASSERT_OK(meter->Read().status());
  tree.Set("intel-rapl:0", 500'000);  // wrapped: 1 J to the range, then 0.5 J
  ASSERT_OK_AND_ASSIGN(auto after, meter->Read());
  EXPECT_DOUBLE_EQ(Joules(after, "package-0"), 1.5);
  EXPECT_EQ(after[0].counter_resets(), 0u);
}

TEST(RaplMeterTest, MmioCopyOfAPackageIsReadOnce) {
  PowercapTree tree("rapl_mmio");
  tree.Zone("intel-rapl:0", "package-0", 1'000'000);
  tree.Zone("intel-rapl-mmio:0", "package-0", 1'000'000);
  ASSERT_OK_AND_ASSIGN(auto meter, RaplMeter::Open(tree.root()));
  ASSERT_OK_AND_ASSIGN(auto readings, meter->Read());
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_NE(readings[0].source().find("intel-rapl-mmio:0"), std::string::npos);
}

TEST(RaplMeterTest, NoZonesSaysWhy) {
  PowercapTree tree("rapl_empty");
  EXPECT_THAT(RaplMeter::Open(tree.root()),
              StatusIs(absl::StatusCode::kNotFound, "no RAPL package zones"));
  EXPECT_THAT(RaplMeter::Open("/nonexistent/powercap"),
              StatusIs(absl::StatusCode::kNotFound, "virtual machine"));
}

TEST(RaplMeterTest, PermissionDeniedExplainsTheFix) {
  PowercapTree tree("rapl_denied");
  tree.Zone("intel-rapl:0", "package-0", 1'000'000);
  const std::string energy = tree.root() + "/intel-rapl:0/energy_uj";
  ASSERT_EQ(chmod(energy.c_str(), 0400), 0);  // root-only, as since Linux 5.10
  fs::permissions(::testing::TempDir(), fs::perms::others_exec, fs::perm_options::add);
  if (geteuid() != 0) {
    EXPECT_THAT(RaplMeter::Open(tree.root()),
                StatusIs(absl::StatusCode::kPermissionDenied, "chmod -R a+r"));
    return;
  }
  // As root the file is readable; open it as an unprivileged user in a child, as a worker
  // without privileges would.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    absl::StatusOr<std::unique_ptr<RaplMeter>> meter = RaplMeter::Open(tree.root());
    const bool ok = meter.status().code() == absl::StatusCode::kPermissionDenied &&
                    meter.status().message().find("chmod -R a+r") != std::string::npos &&
                    meter.status().message().find("energy_uj") != std::string::npos;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "3: could not drop privileges; 1: wrong error";
}

}  // namespace
}  // namespace jb::worker
