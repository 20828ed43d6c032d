// Few-shot selection: which documents of the shot pool each evaluated document shows before
// its own prompt, chosen once at load time exactly as lm-eval chooses them, so a suite's
// prompts match lm-eval's for the same data.
//
//   kSeeded (lm-eval's "default" sampler, lm_eval/api/samplers.py ContextSampler)
//       One random.Random(seed) for the whole task (lm-eval's fewshot_random_seed, 1234 by
//       default: lm_eval/evaluator.py, lm_eval/config/evaluate_config.py DEFAULT_SEED), drawn
//       in the order of the evaluated documents. For each document: rnd.sample(pool, n), or,
//       when exclude_eval_doc, rnd.sample(pool, n + 1) with every draw equal to the document
//       dropped, then the first n kept.
//   kFirstN (lm-eval's "first_n", FirstNSampler)
//       The first n documents of the pool, skipping (when exclude_eval_doc) those equal to the
//       evaluated document.
//
// exclude_eval_doc is lm-eval's own rule: true exactly when the task's fewshot_split equals its
// test_split, both unset counting as equal (lm_eval/api/task.py fewshot_context in HEAD,
// lm_eval/api/samplers.py get_context in v0.4.9). Documents are equal as parsed JSON, which is
// Python's dict equality for these values.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace jb::tasks {

enum class FewshotSampler { kSeeded, kFirstN };

// lm-eval's default few-shot seed.
inline constexpr uint64_t kLmEvalFewshotSeed = 1234;

struct ShotSelectionError {
  // False when the pool is too small for any document; else eval_index is the document that
  // could not get its shots.
  bool about_document = false;
  size_t eval_index = 0;
  std::string message;
};

// For each document of `eval_docs`, the indices into `pool` of its num_fewshot shots, in shot
// order. InvalidArgument (with `*error` filled in when not null) when the pool is too small:
// fewer than n (n + 1 when exclude_eval_doc, seeded) documents, or fewer than n left once the
// document itself is dropped.
absl::StatusOr<std::vector<std::vector<uint32_t>>> SelectShots(
    FewshotSampler sampler, uint32_t num_fewshot, uint64_t seed,
    const std::vector<nlohmann::json>& pool, const std::vector<nlohmann::json>& eval_docs,
    bool exclude_eval_doc, ShotSelectionError* error = nullptr);

}  // namespace jb::tasks
