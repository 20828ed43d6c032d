// Hardware detection parsers and WorkerOptions validation.
#include "worker/hardware.h"

#include <stdlib.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "worker/worker_options.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;

constexpr char kCpuInfo[] =
    "processor\t: 0\n"
    "vendor_id\t: AuthenticAMD\n"
    "model name\t: AMD EPYC 7763 64-Core Processor\n"
    "flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n"
    "\n"
    "processor\t: 1\n"
    "model name\t: AMD EPYC 7763 64-Core Processor\n"
    "flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n";

TEST(HardwareTest, ParsesModelNameAndHypervisorFlag) {
  CpuInfo info = ParseCpuInfo(kCpuInfo);
  EXPECT_EQ(info.model, "AMD EPYC 7763 64-Core Processor");
  EXPECT_TRUE(info.hypervisor);
}

TEST(HardwareTest, BareMetalHasNoHypervisorFlag) {
  CpuInfo info = ParseCpuInfo("model name : Intel(R) Xeon(R)\nflags : fpu hypervisorx vmx\n");
  EXPECT_EQ(info.model, "Intel(R) Xeon(R)");
  EXPECT_FALSE(info.hypervisor);
  EXPECT_EQ(ParseCpuInfo("processor : 0\nCPU part : 0xd0c\n").model, "");
}

TEST(HardwareTest, ParsesMemTotalInBytes) {
  EXPECT_EQ(ParseMemTotalBytes("MemTotal:       16318412 kB\nMemFree:  1 kB\n"),
            16318412ull * 1024);
  EXPECT_EQ(ParseMemTotalBytes("MemFree: 1 kB\n"), 0u);
  EXPECT_EQ(ParseMemTotalBytes("MemTotal: lots\n"), 0u);
}

TEST(HardwareTest, DetectsThisHost) {
  joulebench::v1::HardwareProfile profile = DetectHardware("cpu-small", "DEU");
  EXPECT_EQ(profile.hardware_class(), "cpu-small");
  EXPECT_EQ(profile.region(), "DEU");
  EXPECT_FALSE(profile.hostname().empty());
  EXPECT_GE(profile.cpu_count(), 1u);
  EXPECT_GT(profile.memory_bytes(), 0u);
}

TEST(HardwareTest, NodeNameOverridesTheHostName) {
  setenv("NODE_NAME", "gpu-node-7", 1);
  EXPECT_EQ(DetectHardware("x", "").hostname(), "gpu-node-7");
  EXPECT_EQ(DefaultWorkerName().rfind("gpu-node-7:", 0), 0u);
  unsetenv("NODE_NAME");
}

TEST(WorkerOptionsTest, DefaultsWithAHardwareClassAreValid) {
  WorkerOptions options;
  options.hardware_class = "sim";
  EXPECT_OK(ValidateWorkerOptions(options));
}

TEST(WorkerOptionsTest, RejectsBadOptionsNamingTheFlag) {
  WorkerOptions options;
  EXPECT_THAT(ValidateWorkerOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument, "--hardware-class"));
  options.hardware_class = "sim";
  options.inference_url = "127.0.0.1:8000";
  EXPECT_THAT(ValidateWorkerOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument, "--inference-url"));
  options.inference_url = "http://127.0.0.1:8000/v1";
  options.energy = "rapl,nvm";
  EXPECT_THAT(ValidateWorkerOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument, "--energy"));
  options.energy = "auto";
  options.energy_period = absl::Seconds(11);
  EXPECT_THAT(ValidateWorkerOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument, "--energy-period-ms"));
  options.energy_period = absl::Milliseconds(100);
  options.carbon_intensity = -1;
  EXPECT_THAT(ValidateWorkerOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument, "--carbon-intensity"));
  options.carbon_intensity = 0;
  options.report_batch_size = 0;
  EXPECT_THAT(ValidateWorkerOptions(options), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace jb::worker
