#include "tasks/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace jb::tasks {

std::vector<size_t> ParetoFront(const std::vector<ParetoPoint>& points) {
  std::vector<size_t> order;
  for (size_t i = 0; i < points.size(); ++i) {
    if (std::isfinite(points[i].score) && std::isfinite(points[i].cost)) order.push_back(i);
  }
  // Cheapest first, and among equal costs the best score first: a point is on the front
  // exactly when it scores higher than everything cheaper, or equals the front point before it.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (points[a].cost != points[b].cost) return points[a].cost < points[b].cost;
    return points[a].score > points[b].score;
  });
  std::vector<size_t> front;
  double best = -std::numeric_limits<double>::infinity();
  for (size_t i : order) {
    const ParetoPoint& p = points[i];
    const bool ties_last = !front.empty() && p.score == points[front.back()].score &&
                           p.cost == points[front.back()].cost;
    if (p.score > best || ties_last) {
      front.push_back(i);
      best = std::max(best, p.score);
    }
  }
  return front;
}

}  // namespace jb::tasks
