// The simulator's answer oracle: knows every sample of the loaded suites by its prompt and
// answers it correctly with the model's skill, deterministically per (seed, model, prompt) (and
// the request's seed when it samples), so end-to-end tests can compute the exact scores a run
// must report.
//
// Indexing: each sample's prompt is built with tasks::BuildPrompt (what a worker sends) and
// mapped to the sample's replies (sim/oracle_replies.h). A multiple_choice sample is also
// indexed by its generative fallback prompt, tasks::FallbackPrompt(BuildPrompt(task, sample),
// choices), what a worker sends to a server without completions logprobs. Lookups ignore
// leading and trailing whitespace. When two samples share a prompt the first one (built-in
// suites first, by name) wins. Samples whose texts do not render, and code tasks without
// canonical_solution, are skipped with a warning.
//
// Answering (the replies are chosen when the oracle is built, sim/oracle_replies.h):
//   generate_until  correct: the first of "The answer is T." and "T" (T the first gold answer)
//                   that reaches tasks::MetricMaximum of the primary metric under
//                   tasks::ScoreGenerations (1; 100 for bleu): the first where a filter
//                   extracts the answer, the bare T for exact, f1, rouge and bleu. Wrong:
//                   another choice, or "The answer is T+k." for an integer T, or "I am not
//                   sure.", each scoring below the maximum.
//   code tasks      (tasks::TaskRunsCode; no sandbox here, so nothing is scored) correct: the
//                   task's canonical_solution rendered against the sample; wrong:
//                   kFailingCodeBody ("    return None\n"), which fails any test.
//   multiple_choice (the plain prompt and the fallback prompt) correct: the gold choice's text
//                   (tasks::RenderGoldIndex); wrong: the other choices' texts in choice order,
//                   those that tasks::ParseChosenOption reads back as a non-gold choice.
// The draw: draw = Draw(seed, model, prompt), SHA-256 of the three mapped to [0, 1); for a
// fallback prompt the prompt hashed is the sample's plain BuildPrompt context. The answer is
// correct when draw < skill(model, task); a wrong answer is wrong_texts[(second 64 bits of the
// same hash) % wrong texts]. For a fallback prompt that is the same draw and the same pick as
// the log-likelihood rule below, so a sample is answered correctly by the generative fallback
// exactly when log-likelihood scoring picks its gold choice (and with distinct choice texts the
// fallback names the very choice log-likelihood picks). A one-choice sample is always correct.
// Sampling: a request that samples (temperature > 0 and a seed sent) is drawn from
// Draw(seed, model, prompt, sampling_seed) instead, a different hash for every request seed,
// so a task's repeats (pass@k) get independent draws; greedy requests, and sampled ones
// without a seed, keep Draw(seed, model, prompt).
// A prompt that is no sample gets a fixed generic reply (known = false). A model the profile
// does not list has skill 0.
//
// Log-likelihood (echo with logprobs; how a client scores multiple_choice tasks). Every
// multiple_choice sample is also indexed by each full prompt BuildPrompt(task, sample) + c for
// c in tasks::ChoiceContinuations(task, sample) (the gold choice is tasks::RenderGoldIndex).
// ScorePrompt gives each token of a prompt (SplitTokens pieces) a logprob:
//   first token                     none (null), as vLLM
//   an indexed choice prompt: tokens whose piece reaches past the context (the continuation):
//     the winning choice            kWinnerLogprob / k each (k continuation tokens): -0.1 total
//     losing choice number j        (kLoserLogprob + kLoserStepLogprob * j) * code points of
//                                   the piece, j counting the losers from 0 in choice order:
//                                   at most -3 per code point, so the winner has the highest
//                                   sum, mean per token, per character and per byte
//   every other prompt token        kContextLogprob
// The winner is drawn as a generated answer is: draw = Draw(seed, model, context) < skill(model,
// task) -> the gold choice; otherwise the wrong choice (others in choice order) at index
// (second 64 bits of the same hash) % (choices - 1). So the fraction of samples a client scores
// correct is exactly the fraction with Draw < skill. Prompt logprobs are never sampled: the
// request's seed plays no part here. Winner tokens are the argmax at their position (greedy);
// losers' tokens are not (sim/logprobs.h adds a likelier rival token). Generated tokens get
// kGeneratedLogprob.
// Thread-safety: immutable after construction; every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/profile.h"
#include "tasks/suite.h"

namespace jb::sim {

struct OracleAnswer {
  std::string text;
  // The prompt is a sample of a loaded suite.
  bool known = false;
  // The answer was drawn correct: it reaches the maximum of the task's primary metric (code
  // tasks: it is the canonical solution; multiple_choice: it names the gold choice).
  bool correct = false;
  // Task name and sample index when known.
  std::string task;
  uint32_t sample_index = 0;
};

// The logprob rule above.
inline constexpr double kContextLogprob = -1.5;
inline constexpr double kGeneratedLogprob = -0.5;
inline constexpr double kWinnerLogprob = -0.1;
inline constexpr double kLoserLogprob = -3.0;
inline constexpr double kLoserStepLogprob = -0.5;

// One prompt token under the logprob rule.
struct PromptTokenScore {
  std::string piece;
  // Unset for the first token.
  std::optional<double> logprob;
  // The token is the most likely one at its position.
  bool greedy = true;
};

// What ScorePrompt found when the prompt is a multiple_choice sample's context + a choice.
struct ChoiceOutcome {
  std::string task;
  uint32_t sample_index = 0;
  // Indexes into the sample's choices: this prompt's, the gold one, the drawn winner.
  uint32_t choice = 0;
  uint32_t gold = 0;
  uint32_t winner = 0;
  // Bytes of the prompt before the continuation.
  size_t context_bytes = 0;
};

// The reply to prompts that are no sample of any loaded suite.
inline constexpr char kGenericReply[] =
    "This is a simulated reply from joulebench-sim; the prompt is not a sample of any loaded "
    "suite.";

class Oracle {
 public:
  // Indexes the built-in suites and then `extra_suites`. Samples whose texts cannot be rendered
  // are skipped with a warning (loaded suites were validated, so none are), as are the samples
  // of a code task without canonical_solution.
  Oracle(const Profile& profile, const std::vector<tasks::Suite>& extra_suites);

  // The reply to `prompt` (rules above). `sampling_seed` is the request's seed when it samples
  // (temperature > 0 and a seed was sent), nullopt for a greedy or unseeded request.
  OracleAnswer Answer(const std::string& model, const std::string& prompt,
                      std::optional<int64_t> sampling_seed = std::nullopt) const;

  // The logprob of every token of `prompt` (rule above); `outcome` (may be null) is set when
  // the prompt is an indexed choice prompt and reset otherwise.
  std::vector<PromptTokenScore> ScorePrompt(const std::string& model, const std::string& prompt,
                                            std::optional<ChoiceOutcome>* outcome) const;

  // Probability that `model` answers `task` correctly (0 for a model the profile lacks).
  double Skill(const std::string& model, const std::string& task) const;

  // Number of indexed prompts (samples and fallback prompts), of those the fallback prompts,
  // and of indexed choice prompts.
  size_t size() const { return entries_.size(); }
  size_t fallback_prompts() const { return fallback_prompts_; }
  size_t choice_prompts() const { return choices_.size(); }

  // The oracle's uniform draw in [0, 1) for (seed, model, prompt): greedy requests.
  static double Draw(uint64_t seed, const std::string& model, const std::string& prompt);
  // The draw of a sampled request with seed `sampling_seed` (independent of the greedy one).
  static double Draw(uint64_t seed, const std::string& model, const std::string& prompt,
                     int64_t sampling_seed);

 private:
  struct Entry {
    std::string task;
    uint32_t sample_index = 0;
    // The prompt the draw hashes (Key form): the sample's plain prompt.
    std::string draw_key;
    std::string correct_text;
    // Empty only for a one-choice multiple_choice sample (always correct).
    std::vector<std::string> wrong_texts;
  };

  // A multiple_choice sample's context + one continuation.
  struct ChoiceEntry {
    std::string task;
    uint32_t sample_index = 0;
    std::string context_key;
    std::string continuation;
    uint32_t choice = 0;
    uint32_t gold = 0;
    uint32_t choices = 0;
  };

  void Index(const tasks::Suite& suite);
  void IndexMultipleChoice(const joulebench::v1::TaskDefinition& task,
                           const joulebench::v1::Sample& sample, const std::string& prompt);
  void IndexChoices(const joulebench::v1::TaskDefinition& task,
                    const joulebench::v1::Sample& sample, const std::string& prompt,
                    const std::vector<std::string>& choices, uint32_t gold);
  uint32_t Winner(const std::string& model, const ChoiceEntry& entry) const;

  uint64_t seed_;
  std::unordered_map<std::string, std::map<std::string, double>> skills_;
  std::unordered_map<std::string, double> default_skills_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, ChoiceEntry> choices_;
  size_t fallback_prompts_ = 0;
};

}  // namespace jb::sim
