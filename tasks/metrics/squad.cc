#include "tasks/metrics/squad.h"

#include <algorithm>
#include <functional>
#include <map>

#include "tasks/metrics/unicode_text.h"

namespace jb::tasks::metrics {
namespace {

// Python's string.punctuation.
bool IsAsciiPunctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

// re.sub(r'\b(a|an|the)\b', ' ', text): a match is exactly a maximal run of word characters
// spelling a, an or the (the \b on each side forbids a word character next to it).
std::string RemoveArticles(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    Utf8CodePoint cp = DecodeUtf8At(text, pos);
    if (!IsPythonWordChar(cp.code_point)) {
      out.append(cp.bytes);
      pos += cp.bytes.size();
      continue;
    }
    const size_t start = pos;
    while (pos < text.size()) {
      cp = DecodeUtf8At(text, pos);
      if (!IsPythonWordChar(cp.code_point)) break;
      pos += cp.bytes.size();
    }
    const std::string_view word = text.substr(start, pos - start);
    if (word == "a" || word == "an" || word == "the") {
      out.push_back(' ');
    } else {
      out.append(word);
    }
  }
  return out;
}

// get_tokens: [] for an empty string, else normalize_answer(s).split().
std::vector<std::string> GetTokens(std::string_view s) {
  if (s.empty()) return {};
  const std::string normalized = NormalizeAnswer(s);
  std::vector<std::string> tokens;
  for (std::string_view token : PythonSplit(normalized)) tokens.emplace_back(token);
  return tokens;
}

double ComputeExact(std::string_view gold, std::string_view prediction) {
  return NormalizeAnswer(gold) == NormalizeAnswer(prediction) ? 1 : 0;
}

double ComputeF1(std::string_view gold, std::string_view prediction) {
  const std::vector<std::string> gold_tokens = GetTokens(gold);
  const std::vector<std::string> pred_tokens = GetTokens(prediction);
  if (gold_tokens.empty() || pred_tokens.empty()) {
    // "If either is no-answer, then F1 is 1 if they agree, 0 otherwise."
    return gold_tokens == pred_tokens ? 1 : 0;
  }
  std::map<std::string_view, int> gold_counts;
  for (const std::string& token : gold_tokens) ++gold_counts[token];
  int num_same = 0;  // sum((Counter(gold) & Counter(pred)).values())
  for (const std::string& token : pred_tokens) {
    auto it = gold_counts.find(token);
    if (it != gold_counts.end() && it->second > 0) {
      ++num_same;
      --it->second;
    }
  }
  if (num_same == 0) return 0;
  const double precision = 1.0 * num_same / pred_tokens.size();
  const double recall = 1.0 * num_same / gold_tokens.size();
  return (2 * precision * recall) / (precision + recall);
}

// The per-question part of get_raw_scores.
double MaxOverGolds(const std::vector<std::string>& gold_answers, std::string_view prediction,
                    const std::function<double(std::string_view, std::string_view)>& score) {
  std::vector<std::string_view> golds;
  for (const std::string& gold : gold_answers) {
    if (!NormalizeAnswer(gold).empty()) golds.push_back(gold);
  }
  // "For unanswerable questions, only correct answer is empty string."
  if (golds.empty()) golds.push_back("");
  double best = 0;
  for (std::string_view gold : golds) best = std::max(best, score(gold, prediction));
  return best;
}

}  // namespace

std::string NormalizeAnswer(std::string_view text) {
  std::string lowered = PythonLower(text);
  lowered.erase(std::remove_if(lowered.begin(), lowered.end(), IsAsciiPunctuation), lowered.end());
  const std::string without_articles = RemoveArticles(lowered);
  return PythonCollapseWhitespace(without_articles);
}

double SquadExact(const std::vector<std::string>& gold_answers, std::string_view prediction) {
  return MaxOverGolds(gold_answers, prediction, ComputeExact);
}

double SquadF1(const std::vector<std::string>& gold_answers, std::string_view prediction) {
  return MaxOverGolds(gold_answers, prediction, ComputeF1);
}

}  // namespace jb::tasks::metrics
