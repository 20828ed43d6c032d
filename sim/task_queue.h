// LazyThreadPool: cpp-httplib's task queue for the simulator. httplib runs each accepted
// connection as one task that holds its thread for as long as the client keeps the connection
// alive, and a streamed reply holds it for the whole stream; so the simulator needs about one
// thread per concurrent client (thousands in scale runs), while most runs need a handful.
// httplib's own ThreadPool starts all of its threads up front; this one starts a thread only
// when a task arrives and no started thread is idle, up to `max_threads`, and queues tasks
// beyond that until a thread is free. Threads, once started, stay until shutdown().
//
// Lifecycle: constructed (no threads) -> enqueue()... -> shutdown(): runs the queued tasks,
// joins every thread. httplib calls shutdown() when its listen loop ends.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace jb::sim {

class LazyThreadPool : public httplib::TaskQueue {
 public:
  // REQUIRES: max_threads >= 1.
  explicit LazyThreadPool(size_t max_threads) : max_threads_(max_threads) {}
  ~LazyThreadPool() override;
  LazyThreadPool(const LazyThreadPool&) = delete;
  LazyThreadPool& operator=(const LazyThreadPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // Threads started so far, idle ones among them, and tasks waiting for a thread.
  size_t threads() const;
  size_t idle() const;
  size_t queued() const;

 private:
  void Work();

  const size_t max_threads_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace jb::sim
