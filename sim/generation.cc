#include "sim/generation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace jb::sim {
namespace {

bool IsSpace(char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); }

std::string Join(const std::vector<std::string>& pieces) {
  std::string text;
  for (const std::string& piece : pieces) text += piece;
  return text;
}

}  // namespace

const char* const kFillerWords[16] = {"and",   "the",    "simulated", "model", "keeps", "going",
                                      "with",  "filler", "words",     "until", "it",    "reaches",
                                      "every", "token",  "it",        "owes"};

absl::Duration GenerationPlan::Total() const {
  return token_times.empty() ? first_token_delay : token_times.back();
}

uint32_t CountTokens(const std::string& text) {
  uint32_t count = 0;
  bool in_word = false;
  for (char c : text) {
    if (IsSpace(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++count;
    }
  }
  return count;
}

std::vector<std::string> SplitTokens(const std::string& text) {
  std::vector<std::string> pieces;
  size_t i = 0;
  while (i < text.size()) {
    size_t word = i;
    while (word < text.size() && IsSpace(text[word])) ++word;
    if (word == text.size()) {
      // Trailing whitespace belongs to the last piece (whitespace alone makes no token).
      if (!pieces.empty()) pieces.back() += text.substr(i);
      break;
    }
    size_t end = word;
    while (end < text.size() && !IsSpace(text[end])) ++end;
    pieces.push_back(text.substr(i, end - i));
    i = end;
  }
  return pieces;
}

void ApplyLimits(const std::string& reply, const GenerationRequest& request, GenerationPlan* plan) {
  std::vector<std::string> pieces = SplitTokens(reply);
  const size_t answer_tokens = pieces.size();
  // vLLM's ignore_eos and min_tokens suppress the end of sequence; the simulator's stand-in for
  // whatever a model would have written next is filler.
  size_t floor = request.min_tokens;
  if (request.ignore_eos && request.max_tokens)
    floor = std::max<size_t>(floor, *request.max_tokens);
  if (request.max_tokens) floor = std::min<size_t>(floor, *request.max_tokens);
  for (size_t k = 0; pieces.size() < floor; ++k) {
    const char* word = kFillerWords[k % std::size(kFillerWords)];
    pieces.push_back(pieces.empty() ? std::string(word) : absl::StrCat(" ", word));
  }
  std::string text = Join(pieces);
  // Stop strings are checked only after min_tokens, as vLLM's stop checker does.
  size_t protected_len = 0;
  for (size_t i = 0; i < std::min<size_t>(request.min_tokens, pieces.size()); ++i) {
    protected_len += pieces[i].size();
  }
  size_t cut = std::string::npos;
  for (const std::string& stop : request.stop) {
    if (stop.empty()) continue;
    cut = std::min(cut, text.find(stop, protected_len));
  }
  const bool stopped = cut != std::string::npos;
  if (stopped) {
    text.resize(cut);
    pieces = SplitTokens(text);
  }
  plan->finish_reason = "stop";
  if (request.max_tokens && pieces.size() > *request.max_tokens) {
    pieces.resize(*request.max_tokens);
    // A cut in the middle leaves no trailing whitespace, as a tokenizer would not emit it yet.
    text = std::string(absl::StripTrailingAsciiWhitespace(Join(pieces)));
    pieces = SplitTokens(text);
    plan->finish_reason = "length";
  } else if (!stopped && request.max_tokens && pieces.size() == *request.max_tokens &&
             (pieces.size() > answer_tokens || request.ignore_eos)) {
    plan->finish_reason = "length";  // no end of sequence came before the limit
  }
  plan->text = std::move(text);
  plan->pieces = std::move(pieces);
  plan->completion_tokens = static_cast<uint32_t>(plan->pieces.size());
}

}  // namespace jb::sim
