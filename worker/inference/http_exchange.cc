#include "worker/inference/http_exchange.h"

namespace jb::worker {

absl::string_view HttpResponseHead::Header(absl::string_view lowercase_name) const {
  for (const HttpHeader& header : headers) {
    if (header.name == lowercase_name) return header.value;
  }
  return "";
}

bool IsRetryableAttempt(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsResourceExhausted(status) ||
         absl::IsDeadlineExceeded(status);
}

absl::Status StatusForHttpStatus(int status, absl::string_view message) {
  // 408 is the server giving up on a slow request: like a 5xx, the same request may succeed.
  if (status == 429) return absl::ResourceExhaustedError(message);
  if (status == 408 || (status >= 500 && status <= 599)) return absl::UnavailableError(message);
  if (status == 404) return absl::NotFoundError(message);
  if (status >= 400 && status <= 499) return absl::InvalidArgumentError(message);
  return absl::InternalError(message);
}

}  // namespace jb::worker
