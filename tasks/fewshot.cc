#include "tasks/fewshot.h"

#include "absl/strings/str_cat.h"
#include "tasks/python_random.h"

namespace jb::tasks {

using nlohmann::json;

absl::StatusOr<std::vector<std::vector<uint32_t>>> SelectShots(
    FewshotSampler sampler, uint32_t num_fewshot, uint64_t seed, const std::vector<json>& pool,
    const std::vector<json>& eval_docs, bool exclude_eval_doc, ShotSelectionError* error) {
  auto fail = [&](bool about_document, size_t eval_index, std::string message) {
    if (error != nullptr) *error = {about_document, eval_index, message};
    return absl::InvalidArgumentError(std::move(message));
  };
  std::vector<std::vector<uint32_t>> out(eval_docs.size());
  if (num_fewshot == 0) return out;
  const uint32_t draws = num_fewshot + (exclude_eval_doc ? 1 : 0);
  if (sampler == FewshotSampler::kSeeded && pool.size() < draws) {
    // random.sample raises ValueError("Sample larger than population") in lm-eval.
    return fail(false, 0,
                absl::StrCat("num_fewshot: the seeded sampler draws ", draws,
                             " documents per sample but the shot pool has ", pool.size()));
  }
  PythonRandom rnd(seed);
  for (size_t e = 0; e < eval_docs.size(); ++e) {
    std::vector<uint32_t>& shots = out[e];
    if (sampler == FewshotSampler::kSeeded) {
      for (uint32_t i : rnd.Sample(static_cast<uint32_t>(pool.size()), draws)) {
        if (exclude_eval_doc && pool[i] == eval_docs[e]) continue;
        if (shots.size() < num_fewshot) shots.push_back(i);
      }
    } else {
      for (uint32_t i = 0; i < pool.size() && shots.size() < num_fewshot; ++i) {
        if (exclude_eval_doc && pool[i] == eval_docs[e]) continue;
        shots.push_back(i);
      }
    }
    if (shots.size() < num_fewshot) {
      if (!exclude_eval_doc) {
        return fail(false, e,
                    absl::StrCat("num_fewshot: ", num_fewshot,
                                 " shots wanted but the shot pool "
                                 "has ",
                                 pool.size(), " documents; lower num_fewshot"));
      }
      return fail(true, e,
                  absl::StrCat("num_fewshot: ", num_fewshot, " shots wanted but only ",
                               shots.size(), " documents of the shot pool of ", pool.size(),
                               " differ from this one; lower num_fewshot or add documents"));
    }
  }
  return out;
}

}  // namespace jb::tasks
