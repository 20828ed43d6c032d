#include "coordinator/suite_cache.h"

#include <utility>

#include "common/status_macros.h"
#include "storage/suite_repository.h"

namespace jb::coordinator {

namespace v1 = joulebench::v1;

absl::Status SuiteCache::Fill(pqxx::work& tx, const std::string& suite_hash, uint32_t begin,
                              uint32_t end, v1::Shard* shard) {
  std::shared_ptr<const v1::TaskDefinition> task;
  std::shared_ptr<const Samples> samples;
  const RangeKey key{suite_hash, begin, end};
  {
    absl::MutexLock lock(&mu_);
    if (auto it = tasks_.find(suite_hash); it != tasks_.end()) task = it->second;
    if (auto it = samples_.find(key); it != samples_.end()) samples = it->second;
  }
  // Misses are read outside the lock; two leases missing at once both read, and one insert
  // wins (the values are equal).
  if (task == nullptr) {
    JB_ASSIGN_OR_RETURN(v1::TaskDefinition read, storage::GetTask(tx, suite_hash));
    task = std::make_shared<const v1::TaskDefinition>(std::move(read));
    absl::MutexLock lock(&mu_);
    if (tasks_.find(suite_hash) == tasks_.end()) {
      Reserve(task->ByteSizeLong());
      tasks_.emplace(suite_hash, task);
    }
  }
  if (samples == nullptr) {
    JB_ASSIGN_OR_RETURN(Samples read, storage::GetSamples(tx, suite_hash, begin, end));
    size_t size = 0;
    for (const v1::Sample& sample : read) size += sample.ByteSizeLong();
    samples = std::make_shared<const Samples>(std::move(read));
    absl::MutexLock lock(&mu_);
    if (samples_.find(key) == samples_.end()) {
      Reserve(size);
      samples_.emplace(key, samples);
    }
  }
  *shard->mutable_task() = *task;
  shard->clear_samples();
  for (const v1::Sample& sample : *samples) *shard->add_samples() = sample;
  return absl::OkStatus();
}

size_t SuiteCache::bytes() const {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

void SuiteCache::Reserve(size_t bytes) {
  if (bytes_ + bytes > max_bytes_) {
    tasks_.clear();
    samples_.clear();
    bytes_ = 0;
  }
  bytes_ += bytes;
}

}  // namespace jb::coordinator
