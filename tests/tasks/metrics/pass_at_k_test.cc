#include "tasks/metrics/pass_at_k.h"

#include <cstdint>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::tasks::metrics {
namespace {

struct PassAtKCase {
  int64_t n, c, k;
  double expected;
};

// Reference: human-eval (commit 6d43fb9) human_eval/evaluation.py estimate_pass_at_k([n], [c],
// k)[0] with numpy 1.24.2, printed with repr() by tests/tasks/metrics/make_reference_numbers.py
// (section kPassAtK). numpy may vectorize its product, hence a tolerance of a few ulps.
constexpr PassAtKCase kPassAtK[] = {
    {10, 0, 1, 0.0},
    {10, 1, 1, 0.09999999999999998},
    {10, 3, 1, 0.30000000000000004},
    {10, 3, 5, 0.9166666666666666},
    {10, 8, 3, 1.0},
    {200, 13, 1, 0.06500000000000017},
    {200, 13, 10, 0.4975511147306061},
    {200, 13, 100, 0.9999194971988055},
    {5, 5, 5, 1.0},
    {100, 50, 10, 0.9994065803274141},
    {1000, 1, 500, 0.5},
    {1, 1, 1, 1.0},
    {1, 0, 1, 0.0},
    {20, 2, 20, 1.0},
    {7, 3, 4, 0.9714285714285714},
};

TEST(PassAtKTest, MatchesHumanEvalEstimator) {
  for (const PassAtKCase& t : kPassAtK) {
    const std::optional<double> got = PassAtK(t.n, t.c, t.k);
    ASSERT_TRUE(got.has_value()) << t.n << " " << t.c << " " << t.k;
    EXPECT_NEAR(*got, t.expected, 1e-12) << t.n << " " << t.c << " " << t.k;
  }
}

// Chen et al. 2021: pass@1 is the fraction of passing samples; pass@n is 1 once any passes.
TEST(PassAtKTest, ClosedForms) {
  EXPECT_NEAR(*PassAtK(40, 7, 1), 7.0 / 40, 1e-15);
  EXPECT_EQ(*PassAtK(40, 1, 40), 1.0);
  EXPECT_EQ(*PassAtK(40, 0, 40), 0.0);
}

TEST(PassAtKTest, UndefinedOrInvalidArgumentsGiveNullopt) {
  // human-eval returns 1.0 when n < k (its n - c < k test comes first); the estimate is
  // undefined there (C(n, k) = 0), so this API reports no value instead.
  EXPECT_EQ(PassAtK(3, 1, 5), std::nullopt);
  EXPECT_EQ(PassAtK(3, 4, 1), std::nullopt);   // c > n
  EXPECT_EQ(PassAtK(3, 1, 0), std::nullopt);   // k < 1
  EXPECT_EQ(PassAtK(-1, 0, 1), std::nullopt);  // n < 0
  EXPECT_EQ(PassAtK(3, -1, 1), std::nullopt);  // c < 0
}

}  // namespace
}  // namespace jb::tasks::metrics
