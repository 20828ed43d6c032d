// NvmlLibrary and NvmlMeter against the fake libnvidia-ml.so.1 (fake_nvml.cc), loaded through
// the real dlopen path. The test opens the same library by path to script it.
#include "worker/energy/nvml_meter.h"

#include <dlfcn.h>

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "worker/energy/gpu_selection.h"
#include "worker/energy/nvml_library.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using ::joulebench::v1::ENERGY_METHOD_NVML_ENERGY_COUNTER;
using ::joulebench::v1::ENERGY_METHOD_NVML_POWER_INTEGRATED;
using ::joulebench::v1::EnergyReading;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kNotSupported = 3;
constexpr int kDriverNotLoaded = 9;
constexpr int kGpuIsLost = 15;

// The fake's script entry points (fake_nvml.cc).
class FakeNvml {
 public:
  FakeNvml() : handle_(dlopen(JB_FAKE_NVML_LIBRARY, RTLD_NOW | RTLD_LOCAL)) {
    if (handle_ == nullptr) return;
    Bind("jbFakeNvmlReset", reset);
    Bind("jbFakeNvmlSetInitResult", set_init_result);
    Bind("jbFakeNvmlAddDevice", add_device);
    Bind("jbFakeNvmlAddMigInstance", add_mig_instance);
    Bind("jbFakeNvmlSetMigMode", set_mig_mode);
    Bind("jbFakeNvmlSetEnergy", set_energy);
    Bind("jbFakeNvmlSetEnergyResult", set_energy_result);
    Bind("jbFakeNvmlSetPower", set_power);
    Bind("jbFakeNvmlSetPowerResult", set_power_result);
    Bind("jbFakeNvmlSetMemoryUsed", set_memory_used);
    Bind("jbFakeNvmlSetMemoryResult", set_memory_result);
    Bind("jbFakeNvmlSetProcesses", set_processes);
    Bind("jbFakeNvmlSetProcessesResult", set_processes_result);
    Bind("jbFakeNvmlCallCount", call_count);
    Bind("jbFakeNvmlInitialised", initialised);
  }
  ~FakeNvml() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  bool loaded() const { return handle_ != nullptr && bound_all_; }

  void (*reset)() = nullptr;
  void (*set_init_result)(int) = nullptr;
  int (*add_device)(const char*, const char*, const char*, unsigned long long, unsigned) = nullptr;
  int (*add_mig_instance)(int, const char*) = nullptr;
  void (*set_mig_mode)(int, int) = nullptr;
  void (*set_energy)(int, unsigned long long) = nullptr;
  void (*set_energy_result)(int, int) = nullptr;
  void (*set_power)(int, unsigned) = nullptr;
  void (*set_power_result)(int, int) = nullptr;
  void (*set_memory_used)(int, unsigned long long) = nullptr;
  void (*set_memory_result)(int, int) = nullptr;
  void (*set_processes)(int, const unsigned*, unsigned) = nullptr;
  void (*set_processes_result)(int, int) = nullptr;
  int (*call_count)(const char*) = nullptr;
  int (*initialised)() = nullptr;

 private:
  template <typename Fn>
  void Bind(const char* name, Fn& out) {
    out = reinterpret_cast<Fn>(dlsym(handle_, name));
    bound_all_ = bound_all_ && out != nullptr;
  }

  void* handle_;
  bool bound_all_ = true;
};

class NvmlMeterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.loaded()) << JB_FAKE_NVML_LIBRARY << ": " << dlerror();
    fake_.reset();
  }

  int AddH100(const char* uuid, const char* pci_bus_id) {
    return fake_.add_device(uuid, pci_bus_id, "NVIDIA H100 80GB HBM3", 85'899'345'920ULL, 700'000);
  }

  NvmlOptions Options(GpuSelection gpus = {}) {
    NvmlOptions options;
    options.library = JB_FAKE_NVML_LIBRARY;
    options.gpus = std::move(gpus);
    options.clock = &clock_;
    return options;
  }

  static GpuSelection Flag(const std::string& ids) {
    absl::StatusOr<GpuSelection> selection = SelectGpus(ids, "", "");
    EXPECT_TRUE(selection.ok()) << selection.status();
    return selection.value_or(GpuSelection{});
  }

  FakeNvml fake_;
  FakeClock clock_;
};

TEST_F(NvmlMeterTest, MissingLibrarySaysWhyAndWhatToCheck) {
  EXPECT_THAT(
      NvmlLibrary::Load("/nonexistent/libnvidia-ml.so.1"),
      StatusIs(absl::StatusCode::kNotFound,
               "/nonexistent/libnvidia-ml.so.1 not found (no NVIDIA driver on this node, or "
               "the container lacks the NVIDIA runtime's 'utility' capability)"));
}

TEST_F(NvmlMeterTest, InitFailureCarriesNvmlErrorString) {
  fake_.set_init_result(kDriverNotLoaded);
  EXPECT_THAT(NvmlLibrary::Load(JB_FAKE_NVML_LIBRARY),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "nvmlInit_v2 failed: Driver Not Loaded (NVML error 9)"));
  EXPECT_THAT(NvmlMeter::Open(Options()),
              StatusIs(absl::StatusCode::kFailedPrecondition, "Driver Not Loaded"));
  EXPECT_EQ(fake_.call_count("nvmlShutdown"), 0);
}

TEST_F(NvmlMeterTest, LibraryInitialisesOnLoadAndShutsDownOnDestruction) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlLibrary> library,
                       NvmlLibrary::Load(JB_FAKE_NVML_LIBRARY));
  EXPECT_EQ(fake_.call_count("nvmlInit_v2"), 1);
  EXPECT_EQ(fake_.initialised(), 1);
  library.reset();
  EXPECT_EQ(fake_.call_count("nvmlShutdown"), 1);
  EXPECT_EQ(fake_.initialised(), 0);
}

TEST_F(NvmlMeterTest, EnergyCounterMillijoulesBecomeJoules) {
  const int gpu = AddH100("GPU-aaaa", "00000000:3B:00.0");
  fake_.set_energy(gpu, 1'000'000);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter,
                       NvmlMeter::Open(Options(Flag("GPU-aaaa"))));

  ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> first, meter->Read());
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].energy_j(), 0.0);
  fake_.set_energy(gpu, 1'234'567);
  ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> second, meter->Read());
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].energy_j(), 234.567);
  EXPECT_EQ(second[0].domain(), "gpu");
  EXPECT_EQ(second[0].device(), "GPU-aaaa");
  EXPECT_EQ(second[0].source(), "nvml GPU-aaaa (NVIDIA H100 80GB HBM3)");
  EXPECT_EQ(second[0].method(), ENERGY_METHOD_NVML_ENERGY_COUNTER);
  EXPECT_FALSE(second[0].estimated());
  EXPECT_EQ(second[0].counter_resets(), 0u);

  const MeterDescription description = meter->Describe();
  EXPECT_THAT(description.methods, ElementsAre(ENERGY_METHOD_NVML_ENERGY_COUNTER));
  EXPECT_EQ(description.summary, "nvml: 1 GPU (GPU-aaaa energy counter)");
  EXPECT_FALSE(description.needs_sampling);
  EXPECT_TRUE(description.exclusive);
  EXPECT_EQ(description.shared_reason, "");
  EXPECT_FALSE(description.simulated);
  ASSERT_EQ(description.gpus.size(), 1u);
  EXPECT_EQ(description.gpus[0].uuid(), "GPU-aaaa");
  EXPECT_EQ(description.gpus[0].pci_bus_id(), "00000000:3B:00.0");
  EXPECT_EQ(description.gpus[0].product(), "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(description.gpus[0].memory_bytes(), 85'899'345'920ULL);
  EXPECT_EQ(description.gpus[0].power_limit_w(), 700.0);
  EXPECT_FALSE(description.gpus[0].mig());
  EXPECT_OK(meter->Probe());
}

TEST_F(NvmlMeterTest, CounterResetAddsTheValueAfterTheResetAndIsCounted) {
  const int gpu = AddH100("GPU-aaaa", "00000000:3B:00.0");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter,
                       NvmlMeter::Open(Options(Flag("GPU-aaaa"))));
  std::vector<double> joules;
  std::vector<uint32_t> resets;
  for (unsigned long long energy_mj : {5000ULL, 6000ULL, 200ULL}) {
    fake_.set_energy(gpu, energy_mj);
    ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> readings, meter->Read());
    ASSERT_EQ(readings.size(), 1u);
    joules.push_back(readings[0].energy_j());
    resets.push_back(readings[0].counter_resets());
  }
  EXPECT_THAT(joules, ElementsAre(0.0, 1.0, 1.2));
  EXPECT_THAT(resets, ElementsAre(0u, 0u, 1u));
}

TEST_F(NvmlMeterTest, NotSupportedCounterFallsBackToIntegratedPower) {
  const int gpu = fake_.add_device("GPU-pascal", "00000000:04:00.0", "Tesla P100-PCIE-16GB",
                                   17'179'869'184ULL, 250'000);
  fake_.set_energy_result(gpu, kNotSupported);
  fake_.set_power(gpu, 100'000);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter, NvmlMeter::Open(Options()));

  const MeterDescription description = meter->Describe();
  EXPECT_THAT(description.methods, ElementsAre(ENERGY_METHOD_NVML_POWER_INTEGRATED));
  EXPECT_TRUE(description.needs_sampling);
  EXPECT_EQ(description.summary, "nvml: 1 GPU (GPU-pascal power at sampler period)");

  ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> first, meter->Read());
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].energy_j(), 0.0);
  clock_.Advance(absl::Seconds(1));
  fake_.set_power(gpu, 200'000);
  ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> second, meter->Read());
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].energy_j(), 150.0);
  EXPECT_EQ(second[0].method(), ENERGY_METHOD_NVML_POWER_INTEGRATED);
  EXPECT_FALSE(second[0].estimated());
  EXPECT_EQ(second[0].device(), "GPU-pascal");
}

TEST_F(NvmlMeterTest, BoardReadableNeitherWayFailsToOpen) {
  const int gpu = AddH100("GPU-aaaa", "00000000:3B:00.0");
  fake_.set_energy_result(gpu, kNotSupported);
  fake_.set_power_result(gpu, kNotSupported);
  EXPECT_THAT(NvmlMeter::Open(Options()),
              StatusIs(absl::StatusCode::kUnimplemented,
                       "GPU-aaaa has no energy counter (pre-Volta) and its power is not readable"));
}

TEST_F(NvmlMeterTest, SelectsByUuidWithoutUsingIndices) {
  AddH100("GPU-aaaa", "00000000:3B:00.0");
  const int second = AddH100("GPU-bbbb", "00000000:5E:00.0");
  fake_.set_energy(second, 9000);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter,
                       NvmlMeter::Open(Options(Flag("GPU-bbbb"))));
  ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> readings, meter->Read());
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].device(), "GPU-bbbb");
  EXPECT_EQ(fake_.call_count("nvmlDeviceGetHandleByIndex_v2"), 0);
  EXPECT_EQ(fake_.call_count("nvmlDeviceGetHandleByUUID"), 1);
}

TEST_F(NvmlMeterTest, SelectsByPciBusIdWhateverItsCaseAndDomainWidth) {
  AddH100("GPU-aaaa", "00000000:3B:00.0");
  AddH100("GPU-bbbb", "00000000:5E:00.0");
  for (const char* id : {"0000:5e:00.0", "00000000:5E:00.0", "5e:00.0"}) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter, NvmlMeter::Open(Options(Flag(id))));
    ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> readings, meter->Read());
    ASSERT_EQ(readings.size(), 1u) << id;
    EXPECT_EQ(readings[0].device(), "GPU-bbbb") << id;
  }
  EXPECT_EQ(fake_.call_count("nvmlDeviceGetHandleByPciBusId_v2"), 3);
  EXPECT_EQ(fake_.call_count("nvmlDeviceGetHandleByIndex_v2"), 0);
}

TEST_F(NvmlMeterTest, UnknownGpuIsNamedWithTheKnownOnes) {
  AddH100("GPU-aaaa", "00000000:3B:00.0");
  AddH100("GPU-bbbb", "00000000:5E:00.0");
  absl::StatusOr<GpuSelection> selection = SelectGpus("", "GPU-zzzz", "");
  ASSERT_TRUE(selection.ok());
  absl::StatusOr<std::unique_ptr<NvmlMeter>> meter = NvmlMeter::Open(Options(*selection));
  EXPECT_THAT(meter, StatusIs(absl::StatusCode::kNotFound,
                              "GPU GPU-zzzz (CUDA_VISIBLE_DEVICES: GPU-zzzz) is not among the "
                              "GPUs NVML reports on this node (GPU-aaaa, GPU-bbbb)"));
  EXPECT_THAT(NvmlMeter::Open(Options(Flag("0000:99:00.0"))),
              StatusIs(absl::StatusCode::kNotFound, "GPU 00000000:99:00.0"));
}

TEST_F(NvmlMeterTest, AllListsEveryBoardByUuidWithItsOwnMethod) {
  const int a = AddH100("GPU-aaaa", "00000000:3B:00.0");
  const int b = fake_.add_device("GPU-bbbb", "00000000:5E:00.0", "Tesla V100", 0, 0);
  fake_.add_mig_instance(a, "MIG-1111");
  fake_.set_mig_mode(a, 0);
  fake_.set_energy_result(b, kNotSupported);
  fake_.set_energy(a, 2000);
  fake_.set_power(b, 50'000);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter, NvmlMeter::Open(Options()));

  const MeterDescription description = meter->Describe();
  EXPECT_EQ(description.summary,
            "nvml: 2 GPUs (GPU-aaaa energy counter, GPU-bbbb power at sampler period)");
  EXPECT_THAT(description.methods,
              ElementsAre(ENERGY_METHOD_NVML_ENERGY_COUNTER, ENERGY_METHOD_NVML_POWER_INTEGRATED));
  EXPECT_TRUE(description.needs_sampling);
  ASSERT_EQ(description.gpus.size(), 2u);
  EXPECT_EQ(description.gpus[1].product(), "Tesla V100");
  EXPECT_EQ(description.gpus[1].power_limit_w(), 0.0);

  ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> readings, meter->Read());
  ASSERT_EQ(readings.size(), 2u);
  EXPECT_EQ(readings[0].device(), "GPU-aaaa");
  EXPECT_EQ(readings[0].method(), ENERGY_METHOD_NVML_ENERGY_COUNTER);
  EXPECT_EQ(readings[1].device(), "GPU-bbbb");
  EXPECT_EQ(readings[1].method(), ENERGY_METHOD_NVML_POWER_INTEGRATED);
  EXPECT_EQ(fake_.call_count("nvmlDeviceGetHandleByIndex_v2"), 2);
}

TEST_F(NvmlMeterTest, NoGpusIsNotFound) {
  EXPECT_THAT(NvmlMeter::Open(Options()),
              StatusIs(absl::StatusCode::kNotFound, "NVML reports no GPUs on this node"));
}

TEST_F(NvmlMeterTest, MigInstanceIsMeteredAsItsWholeBoardAndNotExclusive) {
  const int board = AddH100("GPU-aaaa", "00000000:3B:00.0");
  fake_.add_mig_instance(board, "MIG-1111");
  fake_.set_energy(board, 7000);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter,
                       NvmlMeter::Open(Options(Flag("MIG-1111"))));
  ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> first, meter->Read());
  fake_.set_energy(board, 9500);
  ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> second, meter->Read());
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].device(), "GPU-aaaa");
  EXPECT_EQ(second[0].energy_j(), 2.5);

  const MeterDescription description = meter->Describe();
  EXPECT_FALSE(description.exclusive);
  EXPECT_EQ(description.shared_reason,
            "MIG-1111 is a MIG instance on GPU-aaaa: NVML meters the whole board, shared with "
            "other instances");
  ASSERT_EQ(description.gpus.size(), 1u);
  EXPECT_EQ(description.gpus[0].uuid(), "GPU-aaaa");
  EXPECT_TRUE(description.gpus[0].mig());
}

TEST_F(NvmlMeterTest, TwoInstancesOfOneBoardMeterItOnce) {
  const int board = AddH100("GPU-aaaa", "00000000:3B:00.0");
  fake_.add_mig_instance(board, "MIG-1111");
  fake_.add_mig_instance(board, "MIG-2222");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter,
                       NvmlMeter::Open(Options(Flag("MIG-1111,MIG-2222"))));
  ASSERT_OK_AND_ASSIGN(std::vector<EnergyReading> readings, meter->Read());
  EXPECT_EQ(readings.size(), 1u);
  EXPECT_EQ(meter->Describe().shared_reason,
            "MIG-1111, MIG-2222 are MIG instances on GPU-aaaa: NVML meters the whole board, "
            "shared with other instances");
}

TEST_F(NvmlMeterTest, Cuda11MigFormNamesItsBoard) {
  AddH100("GPU-aaaa", "00000000:3B:00.0");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter,
                       NvmlMeter::Open(Options(Flag("MIG-GPU-aaaa/1/0"))));
  const MeterDescription description = meter->Describe();
  ASSERT_EQ(description.gpus.size(), 1u);
  EXPECT_EQ(description.gpus[0].uuid(), "GPU-aaaa");
  EXPECT_FALSE(description.exclusive);
  EXPECT_THAT(description.shared_reason, HasSubstr("MIG-GPU-aaaa/1/0 is a MIG instance on"));
}

TEST_F(NvmlMeterTest, BoardInMigModeIsNotExclusive) {
  const int board = AddH100("GPU-aaaa", "00000000:3B:00.0");
  fake_.set_mig_mode(board, 1);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter,
                       NvmlMeter::Open(Options(Flag("GPU-aaaa"))));
  const MeterDescription description = meter->Describe();
  EXPECT_FALSE(description.exclusive);
  EXPECT_EQ(description.shared_reason,
            "GPU-aaaa has MIG mode enabled: NVML meters the whole board, shared by all its "
            "instances");
  EXPECT_TRUE(description.gpus[0].mig());
}

TEST_F(NvmlMeterTest, SharingNowReportsBoardsWithSeveralComputeProcesses) {
  const int a = AddH100("GPU-aaaa", "00000000:3B:00.0");
  const int b = AddH100("GPU-bbbb", "00000000:5E:00.0");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter, NvmlMeter::Open(Options()));
  EXPECT_EQ(meter->SharingNow(), "");

  const unsigned one[] = {311};
  fake_.set_processes(a, one, 1);
  EXPECT_EQ(meter->SharingNow(), "");

  const unsigned two[] = {311, 912};
  fake_.set_processes(a, two, 2);
  const unsigned three[] = {5, 6, 7};
  fake_.set_processes(b, three, 3);
  EXPECT_EQ(meter->SharingNow(),
            "GPU-aaaa: 2 compute processes (pids 311, 912); GPU-bbbb: 3 compute processes "
            "(pids 5, 6, 7)");

  fake_.set_processes_result(a, kNotSupported);
  fake_.set_processes_result(b, kNotSupported);
  EXPECT_EQ(meter->SharingNow(), "");
}

TEST_F(NvmlMeterTest, MemoryInUseIsSummedOverTheBoardsOrUnknownWhenOneCannotSay) {
  const int a = AddH100("GPU-aaaa", "00000000:3B:00.0");
  const int b = AddH100("GPU-bbbb", "00000000:5E:00.0");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter, NvmlMeter::Open(Options()));
  EXPECT_EQ(meter->MemoryInUseBytes(), 0u);
  fake_.set_memory_used(a, 70'000'000'000ULL);
  fake_.set_memory_used(b, 1'000'000'000ULL);
  EXPECT_EQ(meter->MemoryInUseBytes(), 71'000'000'000ULL);
  // A partial sum would understate the peak, so one unreadable board makes it unknown.
  fake_.set_memory_result(b, kGpuIsLost);
  EXPECT_EQ(meter->MemoryInUseBytes(), std::nullopt);
  EXPECT_EQ(meter->Describe().gpus[0].memory_bytes(), 85'899'345'920ULL);  // read at Open
}

TEST_F(NvmlMeterTest, ReadErrorNamesTheBoardAndTheCall) {
  const int gpu = AddH100("GPU-aaaa", "00000000:3B:00.0");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NvmlMeter> meter, NvmlMeter::Open(Options()));
  fake_.set_energy_result(gpu, kGpuIsLost);
  EXPECT_THAT(meter->Read(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "nvml GPU-aaaa (NVIDIA H100 80GB HBM3): "
                       "nvmlDeviceGetTotalEnergyConsumption: GPU is lost (NVML error 15)"));
  EXPECT_THAT(meter->Probe(), StatusIs(absl::StatusCode::kFailedPrecondition, "GPU is lost"));
}

}  // namespace
}  // namespace jb::worker
