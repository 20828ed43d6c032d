// Confidence intervals for task scores (DESIGN.md section 7): Wilson's score interval for
// proportions, and a seeded percentile bootstrap over samples for everything else (means of
// graded scores, corpus BLEU, pass@k).
//
// Wilson (1927), with z the normal quantile of the confidence level:
//   centre = (p + z^2/2n) / (1 + z^2/n),  half = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2)
// It stays inside [0, 1] and is sensible at p = 0 or 1 and small n, where the normal
// approximation is not (Brown, Cai and DasGupta 2001).
// Bootstrap (Efron): `resamples` times, draw n units with replacement, recompute the
// statistic; the interval is the (1-c)/2 and (1+c)/2 percentiles of those values, with
// numpy.percentile's linear interpolation. The generator is seeded, so an interval is
// reproducible from the same data.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace jb::tasks {

struct Interval {
  double low = 0;
  double high = 0;
  // "wilson", "bootstrap", or "none" (no data: low = high = 0).
  std::string method = "none";
};

// The normal quantile for a two-sided interval at `confidence` (0.95 -> 1.959963984540054).
double NormalQuantile(double confidence);

// Wilson's interval for `successes` out of `n`; method "none" when n = 0.
Interval WilsonInterval(double successes, uint64_t n, double confidence = 0.95);

struct BootstrapOptions {
  int resamples = 1000;
  double confidence = 0.95;
  uint64_t seed = 20250101;
};

// Percentile bootstrap of `statistic` over `units` units: the statistic receives how many times
// each unit was drawn (counts.size() == units, summing to units). Method "none" when units = 0.
Interval BootstrapInterval(
    size_t units, const std::function<double(const std::vector<uint32_t>& counts)>& statistic,
    const BootstrapOptions& options = {});

// numpy.percentile(values, q) with linear interpolation; `values` need not be sorted.
double Percentile(std::vector<double> values, double q);

}  // namespace jb::tasks
