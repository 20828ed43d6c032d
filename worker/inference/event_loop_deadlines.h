// DeadlineList: the deadlines of one timeout that is the same for every member (the pool's
// connect timeout, its attempt timeout), kept in arming order. With one duration and a
// monotonic clock, arming order is deadline order, so the list is a priority queue whose
// arm, disarm and earliest are all O(1) with no garbage: a lazily pruned heap would hold a
// stale entry per finished attempt until its deadline passed, 5 minutes of requests at the
// default attempt timeout.
// Members are small integer ids (connection slots), 0..capacity-1.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace jb::worker {

class DeadlineList {
 public:
  explicit DeadlineList(int capacity) : nodes_(capacity) {}

  // Arms (or re-arms) `id` to expire at `deadline`.
  // REQUIRES: `deadline` is no earlier than any armed deadline (now + the fixed timeout).
  void Arm(int id, absl::Duration deadline) {
    Disarm(id);
    Node& node = nodes_[id];
    node.armed = true;
    node.deadline = deadline;
    node.prev = tail_;
    node.next = -1;
    (tail_ >= 0 ? nodes_[tail_].next : head_) = id;
    tail_ = id;
  }

  // Does nothing when `id` is not armed.
  void Disarm(int id) {
    Node& node = nodes_[id];
    if (!node.armed) return;
    (node.prev >= 0 ? nodes_[node.prev].next : head_) = node.next;
    (node.next >= 0 ? nodes_[node.next].prev : tail_) = node.prev;
    node.armed = false;
  }

  // The id with the earliest deadline, or -1 when none is armed.
  int earliest() const { return head_; }
  absl::Duration deadline(int id) const { return nodes_[id].deadline; }

 private:
  struct Node {
    int prev = -1;
    int next = -1;
    bool armed = false;
    absl::Duration deadline;
  };

  std::vector<Node> nodes_;
  int head_ = -1;
  int tail_ = -1;
};

}  // namespace jb::worker
