// Prompt building: turns a task definition and one sample into the text sent to the model,
// following lm-eval's assembly (reference/vllm-lmeval-pg-grpc-k8s.md section 2.1):
//
//   description + [doc_to_text(shot) + target_delimiter + doc_to_target(shot) + fewshot_delimiter]*
//               + doc_to_text(doc)
//
// Templates use a Jinja subset: {{field}}, {{a.b}}, {{f[i]}}, string literals, and the filters
// |trim, |lower, |upper (tasks/jinja.h has the details). As in lm-eval, doc_to_text,
// doc_to_target and doc_to_choice may also be a bare field name ("label"), which yields that
// field's value unrendered; description is always a template.
//
// Few-shot shots (lm-eval's first_n sampler over the evaluated split): the first num_fewshot of
// task.fewshot_samples that are not the sample itself (same index and document). The loader
// puts the first num_fewshot + 1 samples of the suite there, so every sample gets num_fewshot
// shots and never its own answer; the task still evaluates every sample, shots included.
//
// Rendering is deterministic, so the worker and the simulator build the same prompt for the
// same sample. Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::tasks {

// Renders `template_text` against the JSON document `doc_json`. InvalidArgument when the
// template is malformed or names a field the document lacks (the message names the field).
absl::StatusOr<std::string> RenderTemplate(const std::string& template_text,
                                           const std::string& doc_json);

// The full prompt for `sample`, few-shot examples included. InvalidArgument when a template
// does not fit the sample, or when fewer than num_fewshot shots are available.
absl::StatusOr<std::string> BuildPrompt(const joulebench::v1::TaskDefinition& task,
                                        const joulebench::v1::Sample& sample);

// The gold answer text: doc_to_target rendered; when it renders to an integer index into the
// choices, the text of that choice (lm-eval: an int field value, or a rendered template that
// is all digits, indexes doc_to_choice when the task has one). InvalidArgument for an index out
// of range and for a list of targets.
absl::StatusOr<std::string> RenderTarget(const joulebench::v1::TaskDefinition& task,
                                         const joulebench::v1::Sample& sample);

// The answer choices (fixed list, or doc_to_choice_template rendered); empty when none.
absl::StatusOr<std::vector<std::string>> RenderChoices(const joulebench::v1::TaskDefinition& task,
                                                       const joulebench::v1::Sample& sample);

// The continuations a multiple_choice task scores by log-likelihood, one per choice, in
// order: target_delimiter + choice (lm-eval's ConfigurableTask.construct_requests). Each
// request's prompt is BuildPrompt(task, sample) + continuation, sent with echo and logprobs.
// InvalidArgument when the task has no choices for this sample.
absl::StatusOr<std::vector<std::string>> ChoiceContinuations(
    const joulebench::v1::TaskDefinition& task, const joulebench::v1::Sample& sample);

// The shots BuildPrompt puts before `sample` (see the top of this file), in order.
std::vector<joulebench::v1::Sample> SelectFewshot(const joulebench::v1::TaskDefinition& task,
                                                  const joulebench::v1::Sample& sample);

}  // namespace jb::tasks
