#include "sim/oracle.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/sha256.h"
#include "common/utf8.h"
#include "sim/generation.h"
#include "sim/oracle_replies.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"

namespace jb::sim {
namespace {

using joulebench::v1::TaskDefinition;

std::string Key(const std::string& prompt) {
  return std::string(absl::StripAsciiWhitespace(prompt));
}

// The first two big-endian 64-bit words of SHA-256(buffer): the draw and the pick.
std::array<uint64_t, 2> Digest64(const std::string& buffer) {
  const Sha256Digest digest = Sha256(buffer);
  std::array<uint64_t, 2> out = {0, 0};
  for (int i = 0; i < 8; ++i) {
    out[0] = (out[0] << 8) | digest[i];
    out[1] = (out[1] << 8) | digest[8 + i];
  }
  return out;
}

// SHA-256(seed, model, prompt) for greedy requests. The prefix is part of the pinned accuracy of
// every end-to-end test.
std::array<uint64_t, 2> Hash(uint64_t seed, const std::string& model, const std::string& key) {
  std::string buffer = absl::StrCat("joulebench-sim-oracle-v1|", seed, "|", model);
  buffer.push_back('\0');
  buffer += key;
  return Digest64(buffer);
}

// Sampled requests: another prefix, so no (seed, sampling seed) hashes as a greedy request.
std::array<uint64_t, 2> SampledHash(uint64_t seed, int64_t sampling_seed, const std::string& model,
                                    const std::string& key) {
  std::string buffer =
      absl::StrCat("joulebench-sim-oracle-sampled-v1|", seed, "|", sampling_seed, "|", model);
  buffer.push_back('\0');
  buffer += key;
  return Digest64(buffer);
}

double ToUnit(uint64_t v) { return static_cast<double>(v >> 11) * 0x1.0p-53; }

}  // namespace

Oracle::Oracle(const Profile& profile, const std::vector<tasks::Suite>& extra_suites)
    : seed_(profile.seed) {
  for (const ModelProfile& m : profile.models) {
    skills_[m.name] = m.skill;
    default_skills_[m.name] = m.default_skill;
  }
  for (const tasks::Suite& suite : tasks::BuiltinSuites()) Index(suite);
  for (const tasks::Suite& suite : extra_suites) Index(suite);
}

void Oracle::Index(const tasks::Suite& suite) {
  const TaskDefinition& task = suite.task;
  const bool multiple_choice = task.output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE;
  for (const joulebench::v1::Sample& sample : suite.samples) {
    absl::StatusOr<std::string> prompt = tasks::BuildPrompt(task, sample);
    if (!prompt.ok()) {
      JB_LOG(warn, "oracle: skipping sample {} of {}: its prompt does not render: {}",
             sample.index(), task.name(), std::string(prompt.status().message()));
      continue;
    }
    if (multiple_choice) {
      IndexMultipleChoice(task, sample, *prompt);
      continue;
    }
    const std::string key = Key(*prompt);
    if (entries_.count(key)) continue;
    absl::StatusOr<SampleReplies> replies = GenerateReplies(task, sample);
    if (!replies.ok()) {
      JB_LOG(warn, "oracle: skipping sample {} of {}: {}", sample.index(), task.name(),
             std::string(replies.status().message()));
      continue;
    }
    entries_.emplace(key, Entry{task.name(), sample.index(), key, std::move(replies->correct),
                                std::move(replies->wrong)});
  }
}

void Oracle::IndexMultipleChoice(const TaskDefinition& task, const joulebench::v1::Sample& sample,
                                 const std::string& prompt) {
  absl::StatusOr<std::vector<std::string>> choices = tasks::RenderChoices(task, sample);
  absl::StatusOr<uint32_t> gold = tasks::RenderGoldIndex(task, sample);
  for (const absl::Status& status : {choices.status(), gold.status()}) {
    if (!status.ok()) {
      JB_LOG(warn, "oracle: skipping sample {} of {}: {}", sample.index(), task.name(),
             std::string(status.message()));
      return;
    }
  }
  IndexChoices(task, sample, prompt, *choices, *gold);
  absl::StatusOr<SampleReplies> replies = ChoiceReplies(task, sample);
  if (!replies.ok()) {
    JB_LOG(warn, "oracle: sample {} of {} is not indexed for generation: {}", sample.index(),
           task.name(), std::string(replies.status().message()));
    return;
  }
  const std::string key = Key(prompt);
  // The plain prompt (no client sends it for a multiple_choice task, but it is a sample) and
  // the fallback prompt both draw over the plain prompt, as the log-likelihood rule does.
  const Entry entry{task.name(), sample.index(), key, replies->correct, replies->wrong};
  entries_.emplace(key, entry);
  if (entries_.emplace(Key(tasks::FallbackPrompt(prompt, *choices)), entry).second) {
    ++fallback_prompts_;
  }
}

void Oracle::IndexChoices(const TaskDefinition& task, const joulebench::v1::Sample& sample,
                          const std::string& prompt, const std::vector<std::string>& choices,
                          uint32_t gold) {
  absl::StatusOr<std::vector<std::string>> continuations = tasks::ChoiceContinuations(task, sample);
  if (!continuations.ok() || choices.size() != continuations->size() || gold >= choices.size()) {
    return;
  }
  for (size_t i = 0; i < continuations->size(); ++i) {
    ChoiceEntry entry;
    entry.task = task.name();
    entry.sample_index = sample.index();
    entry.context_key = Key(prompt);
    entry.continuation = (*continuations)[i];
    entry.choice = static_cast<uint32_t>(i);
    entry.gold = gold;
    entry.choices = static_cast<uint32_t>(choices.size());
    choices_.emplace(Key(prompt + entry.continuation), std::move(entry));
  }
}

uint32_t Oracle::Winner(const std::string& model, const ChoiceEntry& entry) const {
  const std::array<uint64_t, 2> hash = Hash(seed_, model, entry.context_key);
  if (entry.choices < 2 || ToUnit(hash[0]) < Skill(model, entry.task)) return entry.gold;
  const uint32_t wrong = static_cast<uint32_t>(hash[1] % (entry.choices - 1));
  return wrong < entry.gold ? wrong : wrong + 1;  // the wrong-th choice other than gold
}

std::vector<PromptTokenScore> Oracle::ScorePrompt(const std::string& model,
                                                  const std::string& prompt,
                                                  std::optional<ChoiceOutcome>* outcome) const {
  if (outcome != nullptr) outcome->reset();
  std::vector<PromptTokenScore> scores;
  for (std::string& piece : SplitTokens(prompt)) {
    PromptTokenScore& score = scores.emplace_back();
    score.piece = std::move(piece);
    if (scores.size() > 1) score.logprob = kContextLogprob;
  }
  auto it = choices_.find(Key(prompt));
  if (it == choices_.end()) return scores;
  const ChoiceEntry& entry = it->second;
  // Key() matched, so the prompt without trailing whitespace ends with the continuation without.
  const absl::string_view trimmed = absl::StripTrailingAsciiWhitespace(prompt);
  const absl::string_view continuation = absl::StripTrailingAsciiWhitespace(entry.continuation);
  if (!absl::EndsWith(trimmed, continuation)) return scores;
  ChoiceOutcome found;
  found.task = entry.task;
  found.sample_index = entry.sample_index;
  found.choice = entry.choice;
  found.gold = entry.gold;
  found.winner = Winner(model, entry);
  found.context_bytes = trimmed.size() - continuation.size();
  // Continuation tokens: pieces that end past the context.
  std::vector<size_t> tokens;
  size_t end = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    end += scores[i].piece.size();
    if (end > found.context_bytes) tokens.push_back(i);
  }
  // Losers are counted in choice order, skipping the winner.
  const uint32_t loser = found.choice - (found.choice > found.winner ? 1 : 0);
  for (size_t i : tokens) {
    PromptTokenScore& score = scores[i];
    if (found.choice == found.winner) {
      score.logprob = kWinnerLogprob / static_cast<double>(tokens.size());
    } else {
      score.logprob = (kLoserLogprob + kLoserStepLogprob * loser) *
                      static_cast<double>(Utf8CodePoints(score.piece));
      score.greedy = false;
    }
    if (i == 0) score.logprob.reset();
  }
  if (outcome != nullptr) *outcome = std::move(found);
  return scores;
}

double Oracle::Skill(const std::string& model, const std::string& task) const {
  auto it = skills_.find(model);
  if (it == skills_.end()) return 0;
  auto skill = it->second.find(task);
  return skill == it->second.end() ? default_skills_.at(model) : skill->second;
}

double Oracle::Draw(uint64_t seed, const std::string& model, const std::string& prompt) {
  return ToUnit(Hash(seed, model, Key(prompt))[0]);
}

double Oracle::Draw(uint64_t seed, const std::string& model, const std::string& prompt,
                    int64_t sampling_seed) {
  return ToUnit(SampledHash(seed, sampling_seed, model, Key(prompt))[0]);
}

OracleAnswer Oracle::Answer(const std::string& model, const std::string& prompt,
                            std::optional<int64_t> sampling_seed) const {
  OracleAnswer answer;
  auto it = entries_.find(Key(prompt));
  if (it == entries_.end()) {
    answer.text = kGenericReply;
    return answer;
  }
  const Entry& entry = it->second;
  const std::array<uint64_t, 2> hash =
      sampling_seed.has_value() ? SampledHash(seed_, *sampling_seed, model, entry.draw_key)
                                : Hash(seed_, model, entry.draw_key);
  answer.known = true;
  answer.task = entry.task;
  answer.sample_index = entry.sample_index;
  answer.correct = entry.wrong_texts.empty() || ToUnit(hash[0]) < Skill(model, entry.task);
  answer.text =
      answer.correct ? entry.correct_text : entry.wrong_texts[hash[1] % entry.wrong_texts.size()];
  return answer;
}

}  // namespace jb::sim
