// Pareto fronts of a score against a cost: the cells a user should consider, because no other
// cell is at least as good on both and better on one. Reports draw them for score against
// J/query, gCO2e/query, USD/query and latency, per task and hardware class.
// Thread-safety: a free function.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace jb::tasks {

struct ParetoPoint {
  std::string label;  // for the caller, e.g. "model on hardware class"
  double score = 0;   // higher is better
  double cost = 0;    // lower is better
};

// The indices into `points` of the non-dominated points, by cost ascending (so the front
// reads as "each extra unit of cost buys this much score"). A point is dominated when another
// has a score at least as high and a cost at least as low, one of them strictly; equal points
// are both on the front. Points whose score or cost is NaN or infinite are left out: they
// cannot be compared (an unmetered cell has no J/query).
std::vector<size_t> ParetoFront(const std::vector<ParetoPoint>& points);

}  // namespace jb::tasks
