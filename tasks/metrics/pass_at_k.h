// pass@k: the unbiased estimator of Chen et al. 2021, "Evaluating Large Language Models Trained
// on Code" (arXiv:2107.03374), section 2.1 and its figure 3.
//
// Reference: github.com/openai/human-eval human_eval/evaluation.py estimate_pass_at_k's inner
// `estimator` (commit 6d43fb980f9fee3c892a914eda09951f772ad10d).
//
// Algorithm: with n samples of which c pass, pass@k = 1 - C(n - c, k) / C(n, k), computed in the
// numerically stable product form 1 - prod_{i = n-c+1}^{n} (1 - k / i); it is exactly 1.0 when
// n - c < k (every k-subset holds a passing sample). The product runs in increasing i, as
// numpy's prod over np.arange(n - c + 1, n + 1) does; numpy may vectorize the product, so the
// two can differ in the last bit.
// Thread-safety: a pure function; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>

namespace jb::tasks::metrics {

// The estimate in [0, 1], or nullopt when it is undefined: n < k (C(n, k) = 0; human-eval's
// estimator returns 1.0 there because its n - c < k test comes first), or the arguments are
// invalid (n < 0, c < 0, c > n, k < 1).
std::optional<double> PassAtK(int64_t n, int64_t c, int64_t k);

}  // namespace jb::tasks::metrics
