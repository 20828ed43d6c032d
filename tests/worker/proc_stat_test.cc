#include "worker/energy/proc_stat.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

TEST(ProcStatTest, TotalExcludesGuestAndIdleIncludesIowait) {
  // user nice system idle iowait irq softirq steal guest guest_nice
  ASSERT_OK_AND_ASSIGN(
      CpuTimes t, ParseProcStat("cpu  100 10 50 800 40 5 5 0 30 3\ncpu0 1 1 1 1 1 1 1 1 1 1\n"));
  EXPECT_EQ(t.total, 1010u);
  EXPECT_EQ(t.idle, 840u);
}

TEST(ProcStatTest, LoadIsBusyShareOfTheInterval) {
  CpuTimes before{1000, 800};
  CpuTimes after{2000, 1550};  // 1000 jiffies, 750 idle
  EXPECT_DOUBLE_EQ(CpuLoadPercent(before, after), 25.0);
  EXPECT_EQ(CpuLoadPercent(after, after), 0);
}

TEST(ProcStatTest, MissingCpuLineIsAnError) {
  EXPECT_THAT(ParseProcStat("intr 1 2 3\n"),
              ::jb::testing::StatusIs(absl::StatusCode::kInvalidArgument, "'cpu' line"));
}

}  // namespace
}  // namespace jb::worker
