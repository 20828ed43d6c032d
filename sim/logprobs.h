// The logprobs of a simulated reply, as vLLM returns them: one entry per token of the returned
// text (the echoed prompt's tokens first when the request echoes, then the generated ones),
// with the token's logprob from the oracle's rule (sim/oracle.h), its most likely alternatives
// and its offset in the returned text.
//
// Alternatives (top_logprobs) are tokens from kAlternativeTokens, in order, skipping the token
// itself. At a greedy position the token is the most likely: the candidates are the token (lp)
// then alternatives at lp - 1, lp - 2, ...; at a position where it is not (a losing choice's
// continuation), a rival alternative comes first at kRivalLogprob, then the token, then the
// other alternatives at lp - 1, lp - 2, .... Completions return the first N candidates plus the
// token itself when it is not among them (as vLLM; N = "logprobs"); chat returns the first N
// ("top_logprobs"). The first echoed token has neither logprob nor alternatives (null).
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "sim/generation.h"
#include "sim/oracle.h"

namespace jb::sim {

// The likelier token at a position where the returned token is not the most likely.
inline constexpr double kRivalLogprob = -0.05;

// Alternative tokens offered in top_logprobs: 21 distinct pieces, enough for N = 20.
extern const char* const kAlternativeTokens[21];

struct TokenLogprob {
  std::string token;
  // Unset for the first echoed token.
  std::optional<double> logprob;
  // Candidates, most likely first (see above), at least request.logprobs + 1 of them; empty
  // when logprob is unset.
  std::vector<std::pair<std::string, double>> candidates;
  // Unicode code points before this token in the returned text.
  uint32_t text_offset = 0;
};

// Every token of the returned text: the prompt's (when request.echo) then plan.pieces.
std::vector<TokenLogprob> ReplyLogprobs(const Oracle& oracle, const GenerationRequest& request,
                                        const GenerationPlan& plan);

// Completions' "logprobs" object for tokens [begin, end): {text_offset, token_logprobs, tokens,
// top_logprobs}, with `top` alternatives per token.
nlohmann::json CompletionLogprobsJson(const std::vector<TokenLogprob>& tokens, size_t begin,
                                      size_t end, uint32_t top);

// Chat's "logprobs" object for tokens [begin, end): {"content": [{token, logprob, bytes,
// top_logprobs: [{token, logprob, bytes}]}]}.
nlohmann::json ChatLogprobsJson(const std::vector<TokenLogprob>& tokens, size_t begin, size_t end,
                                uint32_t top);

}  // namespace jb::sim
