#include "tasks/confidence.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace jb::tasks {

double NormalQuantile(double confidence) {
  // Solve Phi(z) = (1 + confidence) / 2 by bisection; Phi(z) = erfc(-z / sqrt 2) / 2.
  const double target = (1 + confidence) / 2;
  double lo = 0, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    if (0.5 * std::erfc(-mid / std::sqrt(2.0)) < target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2;
}

Interval WilsonInterval(double successes, uint64_t n, double confidence) {
  Interval out;
  if (n == 0) return out;
  const double z = NormalQuantile(confidence);
  const double nn = static_cast<double>(n);
  const double p = successes / nn;
  const double z2 = z * z;
  const double denominator = 1 + z2 / nn;
  const double centre = (p + z2 / (2 * nn)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  out.low = std::max(0.0, centre - half);
  out.high = std::min(1.0, centre + half);
  out.method = "wilson";
  return out;
}

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = q / 100 * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(rank));
  const size_t above = std::min(values.size() - 1, below + 1);
  const double fraction = rank - static_cast<double>(below);
  return values[below] + (values[above] - values[below]) * fraction;
}

Interval BootstrapInterval(
    size_t units, const std::function<double(const std::vector<uint32_t>& counts)>& statistic,
    const BootstrapOptions& options) {
  Interval out;
  if (units == 0 || options.resamples <= 0) return out;
  std::mt19937_64 random(options.seed);
  std::uniform_int_distribution<size_t> pick(0, units - 1);
  std::vector<double> values;
  values.reserve(static_cast<size_t>(options.resamples));
  std::vector<uint32_t> counts(units);
  for (int r = 0; r < options.resamples; ++r) {
    std::fill(counts.begin(), counts.end(), 0);
    for (size_t i = 0; i < units; ++i) ++counts[pick(random)];
    values.push_back(statistic(counts));
  }
  const double tail = (1 - options.confidence) / 2 * 100;
  out.low = Percentile(values, tail);
  out.high = Percentile(std::move(values), 100 - tail);
  out.method = "bootstrap";
  return out;
}

}  // namespace jb::tasks
