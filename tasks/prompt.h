// Prompt building: turns a task definition and one sample into the text sent to the model,
// following lm-eval's assembly (reference/vllm-lmeval-pg-grpc-k8s.md section 2.1):
//
//   description + [doc_to_text(shot) + target_delimiter + doc_to_target(shot) + fewshot_delimiter]*
//               + doc_to_text(doc)
//
// Templates use a Jinja subset (tasks/jinja.h). As in lm-eval, doc_to_text, doc_to_target and
// doc_to_choice may also be a bare field name ("label"), which yields that field's value
// unrendered; description is always a template.
//
// A shot prints its target as lm-eval does (lm_eval/api/task.py build_qa_turn; v0.4.9
// lm_eval/api/samplers.py get_context): an integer with choices is that choice's text, a list
// its first element; a shot whose target is the empty string adds only its doc_to_text, with
// no delimiter after it.
//
// Few-shot shots: sample.fewshot_indices index task.fewshot_samples, in shot order. The loader
// chooses them (tasks/fewshot.h: lm-eval's seeded or first_n sampler) and stores only the
// documents some sample uses.
//
// Rendering is deterministic, so the worker and the simulator build the same prompt for the
// same sample. Thread-safety: free functions, safe from any thread.
#pragma once

#include <cstdint>
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
// does not fit the sample or a shot, when the sample's fewshot_indices are not num_fewshot
// valid indices, or when a shot's target is an empty list (lm-eval fails on it too).
absl::StatusOr<std::string> BuildPrompt(const joulebench::v1::TaskDefinition& task,
                                        const joulebench::v1::Sample& sample);

// Every gold answer of `sample`: doc_to_target rendered; a scalar gives one text, a list one
// text per element (an empty list is allowed: SQuAD 2.0's unanswerable questions). An integer
// indexes the choices when the task has them and gives that choice's text (lm-eval: an int
// field value, or a rendered template that is all digits). InvalidArgument for an index out of
// range.
absl::StatusOr<std::vector<std::string>> RenderTargets(const joulebench::v1::TaskDefinition& task,
                                                       const joulebench::v1::Sample& sample);

// The one gold text lm-eval prints for the target: a scalar's text, a list's first element,
// "" for an empty list. InvalidArgument as RenderTargets.
absl::StatusOr<std::string> RenderTarget(const joulebench::v1::TaskDefinition& task,
                                         const joulebench::v1::Sample& sample);

// multiple_choice: the gold choice's position. doc_to_target as an index into the choices, or
// a string that is one of the choices (its first position), as lm-eval's process_results does.
// InvalidArgument for an index out of range, a string that is no choice, a list of targets, or
// a task without choices.
absl::StatusOr<uint32_t> RenderGoldIndex(const joulebench::v1::TaskDefinition& task,
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

// The shots BuildPrompt puts before `sample`: task.fewshot_samples at sample.fewshot_indices,
// in order; indices out of range are left out (BuildPrompt reports them).
std::vector<joulebench::v1::Sample> SelectFewshot(const joulebench::v1::TaskDefinition& task,
                                                  const joulebench::v1::Sample& sample);

}  // namespace jb::tasks
