#include "worker/choice_method.h"

#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace jb::worker {

absl::Status ValidateChoiceMethodFlag(const std::string& flag) {
  if (flag == "auto" || flag == "loglikelihood" || flag == "generative") return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--multiple-choice: '", flag, "' is not a method; use auto, loglikelihood or generative"));
}

absl::StatusOr<ChoiceMethod> ProbeChoiceMethod(InferenceClient& inference,
                                               const std::string& model) {
  InferenceRequest probe;
  probe.model = model;
  probe.endpoint = joulebench::v1::ENDPOINT_COMPLETIONS;
  probe.prompt = "The capital of France is Paris";
  probe.max_tokens = 1;
  probe.stream = false;
  probe.echo = true;
  probe.logprobs = 1;
  const InferenceResult result = inference.Send(probe);
  if (result.status.ok() && result.logprobs.has_value()) return ChoiceMethod::kLoglikelihood;
  if (result.status.ok()) {
    JB_LOG(warn,
           "the inference server returned no prompt logprobs for echo=true; multiple_choice "
           "tasks use the generative fallback");
    return ChoiceMethod::kGenerativeFallback;
  }
  if (absl::IsNotFound(result.status) || absl::IsInvalidArgument(result.status) ||
      absl::IsUnimplemented(result.status)) {
    JB_LOG(warn,
           "the inference server refused a completions request with echo and logprobs ({}); "
           "multiple_choice tasks use the generative fallback, recorded as answer_method "
           "generative-fallback",
           result.status.ToString());
    return ChoiceMethod::kGenerativeFallback;
  }
  return result.status;
}

}  // namespace jb::worker
