#include "sim/task_queue.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace jb::sim {
namespace {

// Waits (bounded) until `done` holds.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 2000 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

TEST(LazyThreadPoolTest, StartsThreadsOnlyWhenNoneIsIdle) {
  LazyThreadPool pool(8);
  EXPECT_EQ(pool.threads(), 0u);
  std::atomic<int> ran{0};
  pool.enqueue([&] { ++ran; });
  ASSERT_TRUE(Eventually([&] { return ran == 1 && pool.idle() == 1; }));
  EXPECT_EQ(pool.threads(), 1u);
  // Sequential tasks reuse the idle thread.
  for (int i = 0; i < 20; ++i) {
    pool.enqueue([&] { ++ran; });
    ASSERT_TRUE(Eventually([&] { return ran == i + 2 && pool.idle() == 1; }));
  }
  EXPECT_EQ(pool.threads(), 1u);
  pool.shutdown();
}

TEST(LazyThreadPoolTest, GrowsToTheLimitAndQueuesBeyondIt) {
  LazyThreadPool pool(3);
  absl::Notification release;
  std::atomic<int> running{0};
  std::atomic<int> finished{0};
  for (int i = 0; i < 5; ++i) {
    pool.enqueue([&] {
      ++running;
      release.WaitForNotification();
      ++finished;
    });
  }
  ASSERT_TRUE(Eventually([&] { return running == 3; }));
  EXPECT_EQ(pool.threads(), 3u);
  EXPECT_EQ(pool.queued(), 2u);
  release.Notify();
  ASSERT_TRUE(Eventually([&] { return finished == 5; }));
  EXPECT_EQ(pool.threads(), 3u);
  pool.shutdown();
}

TEST(LazyThreadPoolTest, ShutdownRunsQueuedTasksAndJoins) {
  std::atomic<int> ran{0};
  {
    LazyThreadPool pool(1);
    for (int i = 0; i < 4; ++i) {
      pool.enqueue([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        ++ran;
      });
    }
    pool.shutdown();
    EXPECT_EQ(ran, 4);
    pool.enqueue([&] { ++ran; });  // after shutdown: dropped
    pool.shutdown();               // idempotent
  }
  EXPECT_EQ(ran, 4);
}

}  // namespace
}  // namespace jb::sim
