#include "worker/energy/cpu_tdp_table.h"

#include "gtest/gtest.h"

namespace jb::worker {
namespace {

TEST(CpuTdpTableTest, ExactNameIgnoringCase) {
  auto match = MatchCpuTdp("amd epyc 7763");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->name, "AMD EPYC 7763");
  EXPECT_EQ(match->tdp_w, 280);
}

TEST(CpuTdpTableTest, IntelDecorationsAreStrippedAsCodeCarbonDoes) {
  auto match = MatchCpuTdp("Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->name, "Intel Xeon Platinum 8480+");
  EXPECT_EQ(match->tdp_w, 350);
}

TEST(CpuTdpTableTest, BareFamilyNameIsAmbiguousAndUnmatched) {
  // "AMD EPYC" (this build machine's model name) is contained in hundreds of rows.
  EXPECT_FALSE(MatchCpuTdp("AMD EPYC").has_value());
  EXPECT_FALSE(MatchCpuTdp("").has_value());
}

TEST(CpuTdpTableTest, MaxPowerFromTableFallbackOrFlagTimesSockets) {
  CpuPower table = CpuMaxPower("AMD EPYC 7763", 128, 2, 0);
  EXPECT_EQ(table.max_power_w, 560);
  EXPECT_EQ(table.basis, "AMD EPYC 7763: 280 W TDP (CodeCarbon's table) x 2 sockets");
  CpuPower unknown = CpuMaxPower("AMD EPYC", 2, 1, 0);
  EXPECT_EQ(unknown.max_power_w, 8);  // 2 threads x 4 W x 1 socket
  EXPECT_EQ(unknown.basis,
            "unknown CPU 'AMD EPYC': 2 threads x 4 W (CodeCarbon's fallback) x 1 socket");
  EXPECT_EQ(CpuMaxPower("AMD EPYC 7763", 128, 1, 200).max_power_w, 200);
}

TEST(CpuTdpTableTest, SocketsAreDistinctPhysicalIds) {
  EXPECT_EQ(CountSockets("processor : 0\nphysical id : 0\nprocessor : 1\nphysical id : 1\n"
                         "processor : 2\nphysical id : 0\n"),
            2);
  EXPECT_EQ(CountSockets("processor : 0\nmodel name : AMD EPYC\n"), 1);
}

}  // namespace
}  // namespace jb::worker
