#include "tasks/metrics/pass_at_k.h"

namespace jb::tasks::metrics {

std::optional<double> PassAtK(int64_t n, int64_t c, int64_t k) {
  if (n < 0 || c < 0 || c > n || k < 1 || n < k) return std::nullopt;
  if (n - c < k) return 1.0;
  double product = 1.0;
  for (int64_t i = n - c + 1; i <= n; ++i) {
    product *= 1.0 - static_cast<double>(k) / static_cast<double>(i);
  }
  return 1.0 - product;
}

}  // namespace jb::tasks::metrics
