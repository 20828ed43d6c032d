#include "tasks/pareto.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::tasks {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ParetoTest, KeepsOnlyPointsNothingElseBeats) {
  // score, J/query: c is beaten by b (better score, lower cost); e by d (same score, cheaper).
  const std::vector<ParetoPoint> points = {
      {"a", 0.60, 1.0}, {"b", 0.80, 3.0},  {"c", 0.70, 4.0},
      {"d", 0.90, 9.0}, {"e", 0.90, 12.0}, {"f", 0.95, 40.0},
  };
  EXPECT_THAT(ParetoFront(points), ElementsAre(0, 1, 3, 5));
}

TEST(ParetoTest, OrdersTheFrontByCostWhateverTheInputOrder) {
  const std::vector<ParetoPoint> points = {{"big", 0.9, 20}, {"small", 0.5, 1}, {"mid", 0.7, 5}};
  EXPECT_THAT(ParetoFront(points), ElementsAre(1, 2, 0));
}

TEST(ParetoTest, EqualPointsAreBothOnTheFrontAndEqualCostKeepsTheBetterScore) {
  const std::vector<ParetoPoint> points = {
      {"a", 0.8, 2}, {"a-twin", 0.8, 2}, {"worse-same-cost", 0.7, 2}, {"cheap", 0.5, 1}};
  EXPECT_THAT(ParetoFront(points), ElementsAre(3, 0, 1));
}

TEST(ParetoTest, LeavesOutPointsItCannotCompare) {
  const std::vector<ParetoPoint> points = {
      {"unmetered", 0.99, NAN}, {"metered", 0.6, 2}, {"no-score", NAN, 1}, {"inf", 0.7, INFINITY}};
  EXPECT_THAT(ParetoFront(points), ElementsAre(1));
  EXPECT_THAT(ParetoFront({}), IsEmpty());
}

}  // namespace
}  // namespace jb::tasks
