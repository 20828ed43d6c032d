#include "tasks/metrics/rouge.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/status/status.h"
#include "tasks/metrics/porter_stemmer.h"
#include "tasks/metrics/unicode_text.h"

namespace jb::tasks::metrics {
namespace {

using Tokens = std::vector<std::string>;

// scoring.fmeasure.
double FMeasure(double precision, double recall) {
  if (precision + recall > 0) return 2 * precision * recall / (precision + recall);
  return 0.0;
}

RougeScore MakeScore(double precision, double recall) {
  return {precision, recall, FMeasure(precision, recall)};
}

std::map<std::vector<std::string_view>, int> CreateNgrams(const Tokens& tokens, size_t n) {
  std::map<std::vector<std::string_view>, int> ngrams;
  for (size_t i = 0; i + n <= tokens.size(); ++i) {
    ++ngrams[std::vector<std::string_view>(tokens.begin() + i, tokens.begin() + i + n)];
  }
  return ngrams;
}

// _score_ngrams.
RougeScore ScoreNgrams(const Tokens& target, const Tokens& prediction, size_t n) {
  const auto target_ngrams = CreateNgrams(target, n);
  const auto prediction_ngrams = CreateNgrams(prediction, n);
  int overlap = 0;
  int target_count = 0;
  int prediction_count = 0;
  for (const auto& [ngram, count] : target_ngrams) {
    const auto it = prediction_ngrams.find(ngram);
    if (it != prediction_ngrams.end()) overlap += std::min(count, it->second);
    target_count += count;
  }
  for (const auto& [ngram, count] : prediction_ngrams) prediction_count += count;
  return MakeScore(static_cast<double>(overlap) / std::max(prediction_count, 1),
                   static_cast<double>(overlap) / std::max(target_count, 1));
}

// _lcs_table: table[i][j] = LCS length of ref[:i] and can[:j].
std::vector<std::vector<int>> LcsTable(const Tokens& ref, const Tokens& can) {
  std::vector<std::vector<int>> table(ref.size() + 1, std::vector<int>(can.size() + 1, 0));
  for (size_t i = 1; i <= ref.size(); ++i) {
    for (size_t j = 1; j <= can.size(); ++j) {
      table[i][j] = ref[i - 1] == can[j - 1] ? table[i - 1][j - 1] + 1
                                             : std::max(table[i - 1][j], table[i][j - 1]);
    }
  }
  return table;
}

// _score_lcs.
RougeScore ScoreLcs(const Tokens& target, const Tokens& prediction) {
  if (target.empty() || prediction.empty()) return {};
  const int lcs = LcsTable(target, prediction).back().back();
  return MakeScore(static_cast<double>(lcs) / prediction.size(),
                   static_cast<double>(lcs) / target.size());
}

// lcs_ind + _backtrack_norec: indices into ref of the one LCS rouge_score reads out. Which LCS
// is read out matters for the union below, so the tie-break (prefer moving left in `can` only
// when strictly better) is rouge_score's.
std::vector<size_t> LcsIndices(const Tokens& ref, const Tokens& can) {
  const auto t = LcsTable(ref, can);
  std::vector<size_t> indices;
  size_t i = ref.size();
  size_t j = can.size();
  while (i > 0 && j > 0) {
    if (ref[i - 1] == can[j - 1]) {
      indices.push_back(i - 1);
      --i;
      --j;
    } else if (t[i][j - 1] > t[i - 1][j]) {
      --j;
    } else {
      --i;
    }
  }
  return indices;  // Order is irrelevant: the caller takes the sorted union.
}

// _summary_level_lcs (ROUGE paper section 3.2, with ROUGE 1.5.5's no-double-counting rule).
RougeScore SummaryLevelLcs(const std::vector<Tokens>& ref_sents,
                           const std::vector<Tokens>& can_sents) {
  if (ref_sents.empty() || can_sents.empty()) return {};
  size_t m = 0;
  size_t n = 0;
  std::map<std::string_view, int> ref_counts;
  std::map<std::string_view, int> can_counts;
  for (const Tokens& s : ref_sents) {
    m += s.size();
    for (const std::string& token : s) ++ref_counts[token];
  }
  for (const Tokens& s : can_sents) {
    n += s.size();
    for (const std::string& token : s) ++can_counts[token];
  }
  if (m == 0 || n == 0) return {};
  int hits = 0;
  for (const Tokens& ref : ref_sents) {
    std::set<size_t> union_indices;  // _find_union: sorted set union of the LCS indices.
    for (const Tokens& can : can_sents) {
      for (size_t index : LcsIndices(ref, can)) union_indices.insert(index);
    }
    for (size_t index : union_indices) {
      const std::string_view token = ref[index];
      int& c = can_counts[token];
      int& r = ref_counts[token];
      if (c > 0 && r > 0) {
        ++hits;
        --c;
        --r;
      }
    }
  }
  return MakeScore(static_cast<double>(hits) / n, static_cast<double>(hits) / m);
}

// get_sents with split_summaries=False: text.split("\n") without the empty strings.
std::vector<Tokens> TokenizeSentences(std::string_view text, bool use_stemmer) {
  std::vector<Tokens> sentences;
  for (std::string_view line : PythonSplitOn(text, '\n')) {
    if (!line.empty()) sentences.push_back(RougeTokenize(line, use_stemmer));
  }
  return sentences;
}

}  // namespace

std::vector<std::string> RougeTokenize(std::string_view text, bool use_stemmer) {
  // str.lower() can turn a non-ASCII character into ASCII letters (U+212A KELVIN SIGN -> "k",
  // U+0130 -> "i" + U+0307), so lowercase with Python's full mapping before filtering bytes.
  std::string lowered = PythonLower(text);
  for (char& ch : lowered) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) ch = ' ';
  }
  std::vector<std::string> tokens;
  // Only [a-z0-9 ] is left, so re.split(r"\s+") is a split on spaces; empty parts are dropped
  // by VALID_TOKEN_RE below.
  for (std::string_view piece : PythonSplitOn(lowered, ' ')) {
    if (piece.empty()) continue;
    std::string token = use_stemmer && piece.size() > 3 ? PorterStem(piece) : std::string(piece);
    // VALID_TOKEN_RE: the stemmer could in principle leave nothing behind.
    if (!token.empty()) tokens.push_back(std::move(token));
  }
  return tokens;
}

absl::StatusOr<RougeScore> Rouge(std::string_view rouge_type, std::string_view target,
                                 std::string_view prediction, bool use_stemmer) {
  if (rouge_type == "rougeL") {
    return ScoreLcs(RougeTokenize(target, use_stemmer), RougeTokenize(prediction, use_stemmer));
  }
  if (rouge_type == "rougeLsum") {
    return SummaryLevelLcs(TokenizeSentences(target, use_stemmer),
                           TokenizeSentences(prediction, use_stemmer));
  }
  // re.match(r"rouge[0-9]$") followed by rouge_score's "rougen requires positive n" check.
  if (rouge_type.size() == 6 && rouge_type.substr(0, 5) == "rouge" && rouge_type[5] >= '1' &&
      rouge_type[5] <= '9') {
    return ScoreNgrams(RougeTokenize(target, use_stemmer), RougeTokenize(prediction, use_stemmer),
                       static_cast<size_t>(rouge_type[5] - '0'));
  }
  return absl::InvalidArgumentError("unknown ROUGE type '" + std::string(rouge_type) +
                                    "' (expected rouge1..rouge9, rougeL or rougeLsum)");
}

}  // namespace jb::tasks::metrics
