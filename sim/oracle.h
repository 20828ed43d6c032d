// The simulator's answer oracle: knows every sample of the loaded suites by its prompt and
// answers it correctly with the model's skill, deterministically per (seed, model, prompt), so
// end-to-end tests can compute the exact accuracy a run must report.
//
// Indexing: each sample's prompt is built with tasks::BuildPrompt (what a worker sends) and
// mapped to (task, sample, target, choices). Lookups ignore leading and trailing whitespace.
// When two samples share a prompt the first one (built-in suites first, by name) wins.
//
// Answering: draw = SHA-256(seed, model, prompt) mapped to [0, 1); the answer is correct when
// draw < skill(model, task). The texts are checked against the task's own scoring when the
// oracle is built:
//   correct  the first of "The answer is T." and "T" that scores 1 (T is the target); with
//            the built-in suites always the first.
//   wrong    when the task has choices: another choice ("The answer is C.", or "C"); when the
//            target is an integer: "The answer is T+k." (k = 1, 2, 10); otherwise (or when none
//            of those scores 0) "I am not sure.". Which one is picked also comes from the hash.
// A prompt that is no sample gets a fixed generic reply (known = false). A model the profile
// does not list has skill 0.
//
// Log-likelihood (echo with logprobs; how a client scores multiple_choice tasks). Every
// multiple_choice sample is also indexed by each full prompt BuildPrompt(task, sample) + c for
// c in tasks::ChoiceContinuations(task, sample) (the gold choice is the one equal to
// RenderTarget). ScorePrompt gives each token of a prompt (SplitTokens pieces) a logprob:
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
// correct is exactly the fraction with Draw < skill. Winner tokens are the argmax at their
// position (greedy); losers' tokens are not (sim/logprobs.h adds a likelier rival token).
// Generated tokens get kGeneratedLogprob.
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
  // The answer was drawn correct: it scores 1 under the task's primary metric.
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
  // Indexes the built-in suites and then `extra_suites`. Samples whose prompt or target cannot
  // be rendered are skipped with a warning (loaded suites were validated, so none are).
  Oracle(const Profile& profile, const std::vector<tasks::Suite>& extra_suites);

  OracleAnswer Answer(const std::string& model, const std::string& prompt) const;

  // The logprob of every token of `prompt` (rule above); `outcome` (may be null) is set when
  // the prompt is an indexed choice prompt and reset otherwise.
  std::vector<PromptTokenScore> ScorePrompt(const std::string& model, const std::string& prompt,
                                            std::optional<ChoiceOutcome>* outcome) const;

  // Probability that `model` answers `task` correctly (0 for a model the profile lacks).
  double Skill(const std::string& model, const std::string& task) const;

  // Number of indexed prompts (samples), and of indexed choice prompts.
  size_t size() const { return entries_.size(); }
  size_t choice_prompts() const { return choices_.size(); }

  // The oracle's uniform draw in [0, 1) for (seed, model, prompt).
  static double Draw(uint64_t seed, const std::string& model, const std::string& prompt);

 private:
  struct Entry {
    std::string task;
    uint32_t sample_index = 0;
    std::string correct_text;
    std::vector<std::string> wrong_texts;  // never empty
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
  void IndexChoices(const tasks::Suite& suite, const joulebench::v1::Sample& sample,
                    const std::string& prompt, const std::string& target);
  uint32_t Winner(const std::string& model, const ChoiceEntry& entry) const;

  uint64_t seed_;
  std::unordered_map<std::string, std::map<std::string, double>> skills_;
  std::unordered_map<std::string, double> default_skills_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, ChoiceEntry> choices_;
};

}  // namespace jb::sim
