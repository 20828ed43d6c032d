#include "sim/oracle.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/sha256.h"
#include "sim/generation.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"

namespace jb::sim {
namespace {

using joulebench::v1::TaskDefinition;

std::string Key(const std::string& prompt) {
  return std::string(absl::StripAsciiWhitespace(prompt));
}

// Two independent 64-bit values from SHA-256(seed, model, prompt): the draw and the pick.
std::array<uint64_t, 2> Hash(uint64_t seed, const std::string& model, const std::string& key) {
  std::string buffer = absl::StrCat("joulebench-sim-oracle-v1|", seed, "|", model);
  buffer.push_back('\0');
  buffer += key;
  const Sha256Digest digest = Sha256(buffer);
  std::array<uint64_t, 2> out = {0, 0};
  for (int i = 0; i < 8; ++i) {
    out[0] = (out[0] << 8) | digest[i];
    out[1] = (out[1] << 8) | digest[8 + i];
  }
  return out;
}

double ToUnit(uint64_t v) { return static_cast<double>(v >> 11) * 0x1.0p-53; }

// The primary score of `text` under the task's scoring, or -1 when it cannot be scored.
double ScoreOf(const TaskDefinition& task, const std::string& target, const std::string& text) {
  absl::StatusOr<tasks::Score> score = tasks::ScoreGeneration(task, target, text);
  return score.ok() ? score->score : -1;
}

// Unicode code points in UTF-8 `text` (bytes that do not continue a sequence).
size_t CodePoints(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool ParseInteger(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 17) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

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
  for (const joulebench::v1::Sample& sample : suite.samples) {
    absl::StatusOr<std::string> prompt = tasks::BuildPrompt(task, sample);
    absl::StatusOr<std::string> target = tasks::RenderTarget(task, sample);
    absl::StatusOr<std::vector<std::string>> choices = tasks::RenderChoices(task, sample);
    if (!prompt.ok() || !target.ok() || !choices.ok()) {
      JB_LOG(warn, "oracle: skipping sample {} of {}: it does not render", sample.index(),
             task.name());
      continue;
    }
    const std::string key = Key(*prompt);
    if (entries_.count(key)) continue;
    Entry entry;
    entry.task = task.name();
    entry.sample_index = sample.index();
    const std::string& t = *target;
    for (const std::string& candidate : {absl::StrCat("The answer is ", t, "."), t}) {
      if (ScoreOf(task, t, candidate) == 1) {
        entry.correct_text = candidate;
        break;
      }
    }
    if (entry.correct_text.empty()) {
      JB_LOG(warn, "oracle: no reply scores 1 for sample {} of {}; answering with the target",
             sample.index(), task.name());
      entry.correct_text = t;
    }
    for (const std::string& choice : *choices) {
      if (choice == t) continue;
      for (const std::string& candidate : {absl::StrCat("The answer is ", choice, "."), choice}) {
        if (ScoreOf(task, t, candidate) == 0) {
          entry.wrong_texts.push_back(candidate);
          break;
        }
      }
    }
    int64_t number = 0;
    if (entry.wrong_texts.empty() && ParseInteger(t, &number)) {
      for (int64_t k : {1, 2, 10}) {
        std::string candidate = absl::StrCat("The answer is ", number + k, ".");
        if (ScoreOf(task, t, candidate) == 0) entry.wrong_texts.push_back(std::move(candidate));
      }
    }
    if (entry.wrong_texts.empty()) entry.wrong_texts.push_back("I am not sure.");
    entries_.emplace(key, std::move(entry));
    if (task.output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE) {
      IndexChoices(suite, sample, *prompt, t);
    }
  }
}

void Oracle::IndexChoices(const tasks::Suite& suite, const joulebench::v1::Sample& sample,
                          const std::string& prompt, const std::string& target) {
  const TaskDefinition& task = suite.task;
  absl::StatusOr<std::vector<std::string>> choices = tasks::RenderChoices(task, sample);
  absl::StatusOr<std::vector<std::string>> continuations = tasks::ChoiceContinuations(task, sample);
  if (!choices.ok() || !continuations.ok() || choices->size() != continuations->size()) return;
  const auto gold = std::find(choices->begin(), choices->end(), target);
  if (gold == choices->end()) {
    JB_LOG(warn,
           "oracle: sample {} of {}: the target is none of the choices; not indexed for "
           "log-likelihood",
           sample.index(), task.name());
    return;
  }
  for (size_t i = 0; i < continuations->size(); ++i) {
    ChoiceEntry entry;
    entry.task = task.name();
    entry.sample_index = sample.index();
    entry.context_key = Key(prompt);
    entry.continuation = (*continuations)[i];
    entry.choice = static_cast<uint32_t>(i);
    entry.gold = static_cast<uint32_t>(gold - choices->begin());
    entry.choices = static_cast<uint32_t>(choices->size());
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
                      static_cast<double>(CodePoints(score.piece));
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

OracleAnswer Oracle::Answer(const std::string& model, const std::string& prompt) const {
  OracleAnswer answer;
  const std::string key = Key(prompt);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    answer.text = kGenericReply;
    return answer;
  }
  const Entry& entry = it->second;
  const std::array<uint64_t, 2> hash = Hash(seed_, model, key);
  answer.known = true;
  answer.task = entry.task;
  answer.sample_index = entry.sample_index;
  answer.correct = ToUnit(hash[0]) < Skill(model, entry.task);
  answer.text =
      answer.correct ? entry.correct_text : entry.wrong_texts[hash[1] % entry.wrong_texts.size()];
  return answer;
}

}  // namespace jb::sim
