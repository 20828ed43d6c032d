#include "sim/logprobs.h"

#include <algorithm>

namespace jb::sim {
namespace {

using nlohmann::json;

uint32_t CodePoints(const std::string& text) {
  uint32_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Candidates at one position (see the header).
// Candidates at one position (see the header), the first `count` of them.
std::vector<std::pair<std::string, double>> Candidates(const std::string& token, double logprob,
                                                       bool greedy, size_t count) {
  std::vector<std::pair<std::string, double>> out;
  std::vector<const char*> alternatives;
  for (const char* alternative : kAlternativeTokens) {
    if (alternative != token && alternatives.size() < count) alternatives.push_back(alternative);
  }
  size_t next = 0;
  if (!greedy && next < alternatives.size()) out.emplace_back(alternatives[next++], kRivalLogprob);
  out.emplace_back(token, logprob);
  for (double step = 1; next < alternatives.size() && out.size() < count; ++step) {
    out.emplace_back(alternatives[next++], logprob - step);
  }
  return out;
}

json Bytes(const std::string& token) {
  json bytes = json::array();
  for (char c : token) bytes.push_back(static_cast<unsigned char>(c));
  return bytes;
}

}  // namespace

const char* const kAlternativeTokens[21] = {
    " the", " a",    " of",  " and", " to", " in",   " is",   " it", " that", " for", " on",
    " as",  " with", " was", " at",  " by", " this", " from", " or", " be",   " an"};

std::vector<TokenLogprob> ReplyLogprobs(const Oracle& oracle, const GenerationRequest& request,
                                        const GenerationPlan& plan) {
  std::vector<TokenLogprob> tokens;
  uint32_t offset = 0;
  // One more than asked for: the token itself may come second.
  const size_t count = request.logprobs.value_or(0) + 1;
  auto add = [&](std::string piece, std::optional<double> logprob, bool greedy) {
    TokenLogprob& t = tokens.emplace_back();
    if (logprob) t.candidates = Candidates(piece, *logprob, greedy, count);
    t.logprob = logprob;
    t.text_offset = offset;
    offset += CodePoints(piece);
    t.token = std::move(piece);
  };
  if (request.echo) {
    for (PromptTokenScore& score : oracle.ScorePrompt(request.model, request.prompt, nullptr)) {
      add(std::move(score.piece), score.logprob, score.greedy);
    }
  }
  for (const std::string& piece : plan.pieces) add(piece, kGeneratedLogprob, true);
  return tokens;
}

json CompletionLogprobsJson(const std::vector<TokenLogprob>& tokens, size_t begin, size_t end,
                            uint32_t top) {
  json offsets = json::array(), logprobs = json::array(), texts = json::array(),
       tops = json::array();
  for (size_t i = begin; i < end && i < tokens.size(); ++i) {
    const TokenLogprob& t = tokens[i];
    offsets.push_back(t.text_offset);
    texts.push_back(t.token);
    if (!t.logprob) {
      logprobs.push_back(nullptr);
      tops.push_back(nullptr);
      continue;
    }
    logprobs.push_back(*t.logprob);
    json map = json::object();
    for (size_t k = 0; k < t.candidates.size() && k < top; ++k) {
      map[t.candidates[k].first] = t.candidates[k].second;
    }
    map[t.token] = *t.logprob;  // vLLM always includes the returned token
    tops.push_back(std::move(map));
  }
  return json{{"text_offset", offsets},
              {"token_logprobs", logprobs},
              {"tokens", texts},
              {"top_logprobs", tops}};
}

json ChatLogprobsJson(const std::vector<TokenLogprob>& tokens, size_t begin, size_t end,
                      uint32_t top) {
  json content = json::array();
  for (size_t i = begin; i < end && i < tokens.size(); ++i) {
    const TokenLogprob& t = tokens[i];
    json alternatives = json::array();
    for (size_t k = 0; k < t.candidates.size() && k < top; ++k) {
      alternatives.push_back({{"token", t.candidates[k].first},
                              {"logprob", t.candidates[k].second},
                              {"bytes", Bytes(t.candidates[k].first)}});
    }
    content.push_back({{"token", t.token},
                       {"logprob", t.logprob ? json(*t.logprob) : json(nullptr)},
                       {"bytes", Bytes(t.token)},
                       {"top_logprobs", alternatives}});
  }
  return json{{"content", content}};
}

}  // namespace jb::sim
