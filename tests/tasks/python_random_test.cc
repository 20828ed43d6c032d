#include "tasks/python_random.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::tasks {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// Every expected number below was printed by CPython 3.11.2 (/usr/bin/python3), e.g.
//   python3 -c "import random; print(random.Random(1234).sample(range(100), 6))"
// so these tests fail if the port drifts from Python by a single draw.

TEST(PythonRandomTest, GetRandBitsMatchesCPythonSeeding) {
  // [random.Random(1234).getrandbits(32) for _ in range(3)]
  PythonRandom r(1234);
  EXPECT_EQ(r.GetRandBits(32), 4150886329u);
  EXPECT_EQ(r.GetRandBits(32), 3342196574u);
  EXPECT_EQ(r.GetRandBits(32), 1892932127u);
  // random.Random(s).getrandbits(32) for seeds of one and of two 32-bit words.
  EXPECT_EQ(PythonRandom(0).GetRandBits(32), 3626764237u);
  EXPECT_EQ(PythonRandom(1).GetRandBits(32), 577090037u);
  EXPECT_EQ(PythonRandom(uint64_t{1} << 32).GetRandBits(32), 485306839u);
  EXPECT_EQ(PythonRandom((uint64_t{1} << 32) + 1).GetRandBits(32), 991850117u);
  EXPECT_EQ(PythonRandom((uint64_t{1} << 40) + 5).GetRandBits(32), 2166296868u);
}

TEST(PythonRandomTest, SampleUsesThePoolBranchForSmallPopulations) {
  // k <= 5: setsize 21, so n = 21 takes the pool branch and n = 22 the set branch.
  EXPECT_THAT(PythonRandom(1234).Sample(21, 5), ElementsAre(14, 3, 0, 2, 1));
  EXPECT_THAT(PythonRandom(1234).Sample(5, 5), ElementsAre(3, 0, 4, 2, 1));
  EXPECT_THAT(PythonRandom(1234).Sample(10, 3), ElementsAre(7, 1, 0));
  EXPECT_THAT(PythonRandom(1234).Sample(1, 1), ElementsAre(0));
  // k = 6: setsize 21 + 4 ** ceil(log(18, 4)) = 85.
  EXPECT_THAT(PythonRandom(1234).Sample(85, 6), ElementsAre(56, 14, 0, 11, 74, 4));
}

TEST(PythonRandomTest, SampleUsesTheSetBranchForLargePopulations) {
  EXPECT_THAT(PythonRandom(1234).Sample(22, 5), ElementsAre(14, 3, 0, 2, 18));
  EXPECT_THAT(PythonRandom(1234).Sample(86, 6), ElementsAre(56, 14, 0, 11, 74, 4));
  EXPECT_THAT(PythonRandom(1234).Sample(100, 6), ElementsAre(99, 56, 14, 0, 11, 74));
  EXPECT_THAT(PythonRandom(1234).Sample(100, 1), ElementsAre(99));
  EXPECT_THAT(PythonRandom(1234).Sample(1000, 20),
              ElementsAreArray({989, 796, 451, 119, 7,  92,  932, 965, 961, 826,
                                596, 35,  687, 709, 85, 100, 784, 363, 242, 17}));
  EXPECT_THAT(PythonRandom(7).Sample(1 << 20, 3), ElementsAre(679126, 316353, 828004));
}

TEST(PythonRandomTest, SuccessiveSamplesShareOneStream) {
  // r = random.Random(1234); [r.sample(range(8), 3) for _ in range(4)]
  PythonRandom r(1234);
  EXPECT_THAT(r.Sample(8, 3), ElementsAre(7, 0, 6));
  EXPECT_THAT(r.Sample(8, 3), ElementsAre(1, 6, 4));
  EXPECT_THAT(r.Sample(8, 3), ElementsAre(0, 5, 6));
  EXPECT_THAT(r.Sample(8, 3), ElementsAre(1, 0, 2));
}

}  // namespace
}  // namespace jb::tasks
