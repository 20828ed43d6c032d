// ROUGE-N, ROUGE-L and ROUGE-Lsum exactly as google-research's rouge_score computes them.
//
// Reference: rouge_score 0.1.2 (github.com/google-research/google-research, folder rouge/,
// released on PyPI as rouge-score 0.1.2): rouge_scorer.py RougeScorer.score with the default
// tokenizer (tokenizers.py DefaultTokenizer -> tokenize.py tokenize) and split_summaries=False.
//
// Algorithm:
//   Tokenize: Python str.lower(); every run of characters outside [a-z0-9] becomes one space;
//     split on whitespace; with use_stemmer, tokens longer than 3 characters go through nltk's
//     Porter stemmer (porter_stemmer.h); keep the tokens matching ^[a-z0-9]+$.
//   rougeN (N = 1..9): clipped n-gram overlap; precision = overlap / max(#prediction n-grams, 1),
//     recall = overlap / max(#target n-grams, 1).
//   rougeL: LCS length over prediction and target lengths; 0 when either side has no tokens.
//   rougeLsum: both texts split on "\n" with empty lines dropped (a line of only spaces or
//     punctuation stays, as an empty sentence); for each target sentence the union of its LCS
//     with every prediction sentence (one LCS each, read out by rouge_score's backtrack), and
//     each union token is a hit only while unused copies remain on both sides (ROUGE 1.5.5's
//     no-double-counting rule); precision = hits / prediction tokens, recall = hits / target
//     tokens.
//   F-measure = 2PR / (P + R), 0 when P + R = 0.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace jb::tasks::metrics {

// rouge_score's tokenize.tokenize(text, PorterStemmer() if use_stemmer else None).
std::vector<std::string> RougeTokenize(std::string_view text, bool use_stemmer);

// rouge_score's scoring.Score, each in [0, 1].
struct RougeScore {
  double precision = 0;
  double recall = 0;
  double fmeasure = 0;
};

// RougeScorer([rouge_type], use_stemmer).score(target, prediction)[rouge_type]. Argument order
// is rouge_score's: the reference (target) first, then the model output (prediction).
// rouge_type: "rouge1" .. "rouge9", "rougeL" or "rougeLsum"; anything else (including "rouge0",
// which rouge_score also rejects) is InvalidArgument.
absl::StatusOr<RougeScore> Rouge(std::string_view rouge_type, std::string_view target,
                                 std::string_view prediction, bool use_stemmer);

}  // namespace jb::tasks::metrics
