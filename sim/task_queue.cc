#include "sim/task_queue.h"

#include <utility>

namespace jb::sim {

LazyThreadPool::~LazyThreadPool() { shutdown(); }

void LazyThreadPool::enqueue(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(mu_);
  if (shutdown_) return;
  tasks_.push_back(std::move(fn));
  // Idle threads take queued tasks in turn; start one only when they cannot cover them all.
  if (tasks_.size() > idle_ && threads_.size() < max_threads_) {
    threads_.emplace_back([this] { Work(); });
  } else {
    cv_.notify_one();
  }
}

void LazyThreadPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::unique_lock<std::mutex> lock(mu_);
    shutdown_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (std::thread& t : threads) t.join();
}

void LazyThreadPool::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    cv_.wait(lock, [this] { return !tasks_.empty() || shutdown_; });
    --idle_;
    if (tasks_.empty()) return;  // shut down with nothing left to run
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

size_t LazyThreadPool::threads() const {
  std::unique_lock<std::mutex> lock(mu_);
  return threads_.size();
}

size_t LazyThreadPool::idle() const {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_;
}

size_t LazyThreadPool::queued() const {
  std::unique_lock<std::mutex> lock(mu_);
  return tasks_.size();
}

}  // namespace jb::sim
