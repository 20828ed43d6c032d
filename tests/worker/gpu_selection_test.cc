#include "worker/energy/gpu_selection.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Source = GpuSelection::Source;

TEST(SelectGpusTest, FlagWinsOverTheEnvironment) {
  ASSERT_OK_AND_ASSIGN(GpuSelection selection,
                       SelectGpus("GPU-aaaa, GPU-bbbb", "GPU-cccc", "GPU-dddd"));
  EXPECT_EQ(selection.source, Source::kFlag);
  EXPECT_THAT(selection.ids, ElementsAre("GPU-aaaa", "GPU-bbbb"));
  EXPECT_EQ(DescribeGpuSelection(selection), "--gpus: GPU-aaaa, GPU-bbbb");
}

TEST(SelectGpusTest, CudaVisibleDevicesWhenNoFlag) {
  ASSERT_OK_AND_ASSIGN(GpuSelection selection, SelectGpus("", "GPU-cccc,MIG-1111", "GPU-dddd"));
  EXPECT_EQ(selection.source, Source::kCudaVisibleDevices);
  EXPECT_THAT(selection.ids, ElementsAre("GPU-cccc", "MIG-1111"));
  EXPECT_EQ(DescribeGpuSelection(selection), "CUDA_VISIBLE_DEVICES: GPU-cccc, MIG-1111");
}

TEST(SelectGpusTest, NvidiaVisibleDevicesWhenCudaUnsetOrAll) {
  ASSERT_OK_AND_ASSIGN(GpuSelection unset, SelectGpus("", "", "GPU-dddd"));
  EXPECT_EQ(unset.source, Source::kNvidiaVisibleDevices);
  EXPECT_THAT(unset.ids, ElementsAre("GPU-dddd"));
  ASSERT_OK_AND_ASSIGN(GpuSelection all, SelectGpus("", "all", "GPU-dddd"));
  EXPECT_EQ(all.source, Source::kNvidiaVisibleDevices);
}

TEST(SelectGpusTest, AllNoneVoidAndEmptyFallThroughToEveryGpu) {
  for (const char* value : {"all", "none", "void", "", " , "}) {
    ASSERT_OK_AND_ASSIGN(GpuSelection selection, SelectGpus("", value, value));
    EXPECT_EQ(selection.source, Source::kAll) << value;
    EXPECT_TRUE(selection.ids.empty()) << value;
  }
  EXPECT_EQ(DescribeGpuSelection(GpuSelection{}), "all GPUs NVML reports");
}

TEST(SelectGpusTest, FlagAllOverridesCudaVisibleDevices) {
  ASSERT_OK_AND_ASSIGN(GpuSelection selection, SelectGpus("all", "GPU-cccc", ""));
  EXPECT_EQ(selection.source, Source::kAll);
  EXPECT_TRUE(selection.ids.empty());
}

TEST(SelectGpusTest, IndicesAreRejectedWithTheReasonAndTheFix) {
  absl::StatusOr<GpuSelection> selection = SelectGpus("", "0,1", "");
  EXPECT_THAT(selection, StatusIs(absl::StatusCode::kInvalidArgument,
                                  "CUDA_VISIBLE_DEVICES=0,1 names GPUs by index"));
  EXPECT_THAT(selection.status().message(), HasSubstr("CUDA and NVML number GPUs differently"));
  EXPECT_THAT(selection.status().message(), HasSubstr("pass --gpus"));
  EXPECT_THAT(selection.status().message(), HasSubstr("`nvidia-smi -L`"));

  EXPECT_THAT(SelectGpus("GPU-aaaa,1", "", ""), StatusIs(absl::StatusCode::kInvalidArgument,
                                                         "--gpus=GPU-aaaa,1 names GPUs by index"));
  EXPECT_THAT(SelectGpus("", "", "2"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                "NVIDIA_VISIBLE_DEVICES=2 names GPUs by index"));
}

TEST(SelectGpusTest, EntriesThatAreNeitherUuidNorPciAreRejected) {
  EXPECT_THAT(
      SelectGpus("tesla", "", ""),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "--gpus: 'tesla' is neither a GPU UUID (GPU-..., MIG-...) nor a PCI bus id"));
}

TEST(SelectGpusTest, PciBusIdsAreNormalisedToNvmlFormAndDeduplicated) {
  ASSERT_OK_AND_ASSIGN(GpuSelection selection,
                       SelectGpus("0000:3b:00.0,00000000:3B:00.0,3b:00.0,0001:af:1f.1", "", ""));
  EXPECT_THAT(selection.ids, ElementsAre("00000000:3B:00.0", "00000001:AF:1F.1"));
}

TEST(SelectGpusTest, DuplicateUuidsAreKeptOnce) {
  ASSERT_OK_AND_ASSIGN(GpuSelection selection, SelectGpus("GPU-aaaa,GPU-aaaa", "", ""));
  EXPECT_THAT(selection.ids, ElementsAre("GPU-aaaa"));
}

TEST(CanonicalPciBusIdTest, AcceptsNvmlAndLspciFormsOnly) {
  EXPECT_EQ(CanonicalPciBusId("0000:3b:00.0"), "00000000:3B:00.0");
  EXPECT_EQ(CanonicalPciBusId("3B:00.0"), "00000000:3B:00.0");
  EXPECT_EQ(CanonicalPciBusId("00000000:3B:00.0"), "00000000:3B:00.0");
  EXPECT_EQ(CanonicalPciBusId("3b:00"), std::nullopt);
  EXPECT_EQ(CanonicalPciBusId("zz:00.0"), std::nullopt);
  EXPECT_EQ(CanonicalPciBusId("123456789:3b:00.0"), std::nullopt);
  EXPECT_EQ(CanonicalPciBusId("3b:20.0"), std::nullopt);
  EXPECT_EQ(CanonicalPciBusId("3b:00.8"), std::nullopt);
  EXPECT_EQ(CanonicalPciBusId("GPU-aaaa"), std::nullopt);
}

}  // namespace
}  // namespace jb::worker
