// Which way this worker answers multiple_choice samples (worker/sample_requests.h):
// log-likelihoods through /v1/completions with echo and logprobs (lm-eval's method), or the
// generative fallback on servers that have no such endpoint (chat-only servers and APIs).
//
// --multiple-choice auto (the default) probes the server once at start: one completions
// request for the first served model with echo, logprobs 1 and max_tokens 1. A reply with
// prompt logprobs means log-likelihood; a 4xx answer (no /v1/completions, or echo or logprobs
// refused) means the fallback. Any other failure (the server is down, 5xx) is not a verdict:
// the probe is retried with the worker's backoff. `loglikelihood` and `generative` skip it.
// Thread-safety: free functions.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "worker/inference/inference_client.h"
#include "worker/sample_requests.h"

namespace jb::worker {

// "auto", "loglikelihood" or "generative"; InvalidArgument otherwise.
absl::Status ValidateChoiceMethodFlag(const std::string& flag);

// One probe as described above: the method, or the error that is no verdict (Unavailable,
// ResourceExhausted, DeadlineExceeded, Internal).
absl::StatusOr<ChoiceMethod> ProbeChoiceMethod(InferenceClient& inference,
                                               const std::string& model);

}  // namespace jb::worker
