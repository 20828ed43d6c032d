#include "worker/inference/inference_client.h"

#include <utility>

namespace jb::worker {

InferenceResult InferenceClient::Send(const InferenceRequest& request) {
  InferenceResult out;
  out.status = absl::UnknownError("the request was not sent");
  const ResultFn keep = [&out](size_t, InferenceResult result) { out = std::move(result); };
  if (absl::Status status = RunBatch({request}, BatchOptions{}, keep); !status.ok()) {
    if (out.status.code() == absl::StatusCode::kUnknown) out.status = status;
  }
  return out;
}

}  // namespace jb::worker
