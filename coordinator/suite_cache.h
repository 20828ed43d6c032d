// SuiteCache: the parts of stored suites that leases hand out (a task definition, the samples
// of a shard's range), kept in the coordinator's memory so that AcquireShard reads each from
// PostgreSQL once rather than on every lease. A suite is stored under the hash of its content
// and never changes, so an entry cannot go stale; a coordinator restart starts empty.
//
//   SuiteCache cache;
//   JB_RETURN_IF_ERROR(cache.Fill(tx, shard.suite_hash, begin, end, &response_shard));
//
// Bounded by max_bytes of cached messages: when a new entry would pass it, everything cached
// is dropped first (a sweep reuses a few suites and ranges; the next leases refill them).
// Thread-safe; Fill copies out of the cache under a lock held only for lookups and inserts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <pqxx/transaction>
#include <string>
#include <tuple>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "joulebench/v1/coordinator.pb.h"

namespace jb::coordinator {

class SuiteCache {
 public:
  explicit SuiteCache(size_t max_bytes = size_t{256} << 20) : max_bytes_(max_bytes) {}

  // Sets shard->task to suite `suite_hash`'s task definition and shard->samples to its samples
  // [begin, end), reading what is not cached through `tx`. Errors: those of storage::GetTask
  // and storage::GetSamples (kNotFound for an unknown suite, kInvalidArgument for a bad range).
  absl::Status Fill(pqxx::work& tx, const std::string& suite_hash, uint32_t begin, uint32_t end,
                    joulebench::v1::Shard* shard);

  // Bytes of messages cached now (ByteSizeLong), for tests and logs.
  size_t bytes() const;

 private:
  using Samples = std::vector<joulebench::v1::Sample>;
  using RangeKey = std::tuple<std::string, uint32_t, uint32_t>;

  // Makes room for `bytes` more, dropping everything when the bound would be passed.
  void Reserve(size_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_bytes_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<const joulebench::v1::TaskDefinition>> tasks_
      ABSL_GUARDED_BY(mu_);
  std::map<RangeKey, std::shared_ptr<const Samples>> samples_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace jb::coordinator
