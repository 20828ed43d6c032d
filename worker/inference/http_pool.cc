#include "worker/inference/http_pool.h"

#include <unistd.h>

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "worker/inference/http_pool_loop.h"

namespace jb::worker {

HttpConnectionCache::~HttpConnectionCache() {
  absl::MutexLock lock(&mu_);
  for (int fd : fds_) close(fd);
}

int HttpConnectionCache::Take() {
  absl::MutexLock lock(&mu_);
  if (fds_.empty()) return -1;
  const int fd = fds_.back();
  fds_.pop_back();
  return fd;
}

void HttpConnectionCache::Give(int fd) {
  {
    absl::MutexLock lock(&mu_);
    if (fds_.size() < capacity_) {
      fds_.push_back(fd);
      return;
    }
  }
  close(fd);
}

size_t HttpConnectionCache::size() const {
  absl::MutexLock lock(&mu_);
  return fds_.size();
}

absl::Status ValidateHttpPoolOptions(const HttpPoolOptions& options) {
  if (options.host.empty()) return absl::InvalidArgumentError("the HTTP pool's host is empty");
  if (absl::StartsWithIgnoreCase(options.host, "https://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "host \"", options.host,
        "\": TLS is not supported; the worker speaks plain http:// to a node-local server"));
  }
  if (options.host.find_first_of("/ \t\r\n") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "host \"", options.host, "\" is not a host name or IP literal (give no scheme or path)"));
  }
  if (options.port < 1 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("port ", options.port, " is out of range; expected 1..65535"));
  }
  if (options.concurrency < 1 || options.concurrency > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("concurrency ", options.concurrency, " is out of range; expected 1..1024"));
  }
  if (options.retry.max_attempts < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "retry.max_attempts is ", options.retry.max_attempts, "; expected at least 1"));
  }
  const std::pair<const char*, absl::Duration> positive[] = {
      {"connect_timeout", options.connect_timeout}, {"attempt_timeout", options.attempt_timeout}};
  for (const auto& [name, value] : positive) {
    if (value <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " is ", absl::FormatDuration(value), "; expected > 0"));
    }
  }
  if (options.retry.initial < absl::ZeroDuration() ||
      options.max_retry_after < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("retry.initial and max_retry_after must not be negative");
  }
  if (options.max_response_bytes == 0) {
    return absl::InvalidArgumentError("max_response_bytes is 0; expected > 0");
  }
  return absl::OkStatus();
}

absl::Status RunExchanges(const HttpPoolOptions& options, absl::Span<HttpExchange* const> exchanges,
                          const std::atomic<bool>* cancel) {
  if (absl::Status status = ValidateHttpPoolOptions(options); !status.ok()) {
    for (HttpExchange* exchange : exchanges) exchange->OnDone(status, 0);
    return status;
  }
  if (exchanges.empty()) return absl::OkStatus();
  HttpPoolLoop pool(options, exchanges, cancel);
  return pool.Run();
}

}  // namespace jb::worker
