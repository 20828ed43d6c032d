// The texts the simulator's oracle (sim/oracle.h) answers one sample with: a correct reply and
// the wrong ones, chosen once when the oracle is built and checked against the task's own
// scoring (tasks/scoring.h) wherever the simulator can score.
//
// generate_until (GenerateReplies), with T the first gold answer (tasks::RenderTargets; "" for
// an empty list) and "reaches the maximum" meaning a primary score of
// tasks::MetricMaximum(first metric) (1, or 100 for bleu):
//   correct  the first of "The answer is T." and "T" whose primary score under
//            tasks::ScoreGenerations reaches the maximum; when neither does, T (with a warning).
//   wrong    when the task has choices: each other choice C (one equal to no gold answer), as
//            the first of "The answer is C." and "C" that scores below the maximum; else, when
//            T is an integer: "The answer is T+k." (k = 1, 2, 10) below the maximum; when none
//            of those qualify, "I am not sure.". For 0/1 metrics "below the maximum" is 0.
// Tasks whose scoring runs code (tasks::TaskRunsCode): the simulator has no sandbox, so nothing
// is scored here:
//   correct  the task's canonical_solution rendered against the sample (what a model writes
//            after the prompt);
//   wrong    kFailingCodeBody, a function body that fails any test.
//
// multiple_choice (ChoiceReplies), for the generative fallback (tasks::FallbackPrompt):
//   correct  the gold choice's text (tasks::RenderGoldIndex);
//   wrong    every other choice's text, in choice order, kept when tasks::ParseChosenOption
//            reads it back as a choice other than the gold one (all of them when the choice
//            texts are distinct words or phrases); "I am not sure." when none is kept and the
//            sample has two or more choices; none for a sample with one choice.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::sim {

// The wrong reply to a code task: ends the function before any real work.
inline constexpr char kFailingCodeBody[] = "    return None\n";

struct SampleReplies {
  std::string correct;
  // In a fixed order; the oracle picks one by hash. Empty only for a one-choice sample.
  std::vector<std::string> wrong;
};

// A generate_until sample's replies (rules above). InvalidArgument when the targets or the
// canonical solution do not render; FailedPrecondition for a code task without
// canonical_solution.
absl::StatusOr<SampleReplies> GenerateReplies(const joulebench::v1::TaskDefinition& task,
                                              const joulebench::v1::Sample& sample);

// A multiple_choice sample's replies to its fallback prompt (rules above). InvalidArgument when
// the choices or the gold index do not render, or the gold choice's text does not read back as
// the gold choice (a duplicated choice text).
absl::StatusOr<SampleReplies> ChoiceReplies(const joulebench::v1::TaskDefinition& task,
                                            const joulebench::v1::Sample& sample);

}  // namespace jb::sim
