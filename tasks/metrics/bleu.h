// BLEU exactly as sacrebleu computes it with its defaults: the 13a tokenizer, no lowercasing,
// max n-gram order 4, "exp" smoothing.
//
// Reference: sacrebleu 2.6.0 (github.com/mjpost/sacrebleu commit
// f615c7286d4d813370efb824d94fc2bfcd3a6b94): tokenizers/tokenizer_13a.py Tokenizer13a.__call__,
// tokenizers/tokenizer_re.py TokenizerRegexp, metrics/bleu.py BLEU._preprocess_segment,
// _extract_reference_info, _compute_segment_statistics, _get_closest_ref_len, compute_bleu, and
// compat.py corpus_bleu / sentence_bleu.
//
// Algorithm:
//   Segment statistics: hypothesis and each reference are rstrip()ped and 13a-tokenized; for
//     n = 1..4, totals[n] = hypothesis n-grams, matches[n] = sum over hypothesis n-grams of
//     min(count, max count in any one reference); hyp_len = hypothesis tokens; ref_len = the
//     reference length closest to hyp_len, the shorter one on a tie.
//   Score from summed statistics: BP = exp(1 - ref_len / hyp_len) when hyp_len < ref_len (0 when
//     hyp_len = 0); 0 when no n-gram of any order matched; p_n = 100 * matches / totals, and for
//     a zero match count with nonzero totals p_n = 100 / (2^k * totals) at the k-th such order
//     ("exp", mteval-v13a's smoothing); the first order with totals = 0 ends the loop: with
//     effective_order the mean runs over the orders before it, without it the missing orders
//     count as log(0) (floored to -9999999999) and the score is 0.
//   BLEU = BP * exp(mean of log p_n), on a 0-100 scale.
// Thread-safety: pure functions and a value type; safe from any thread.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace jb::tasks::metrics {

// sacrebleu's Tokenizer13a()(line): mteval-v13a tokenization. Does not rstrip (BLEU does that
// before calling it).
std::string Tokenize13a(std::string_view line);

// sacrebleu's per-segment sufficient statistics. Corpus BLEU is a function of their sum, so
// they are stored per sample and summed over a task's rows. Counts are whole numbers held as
// doubles so that the stored vector is one numeric type.
struct BleuStats {
  double hyp_len = 0;
  double ref_len = 0;
  std::array<double, 4> matches{};  // Index n - 1: clipped matching n-grams.
  std::array<double, 4> totals{};   // Index n - 1: hypothesis n-grams.

  BleuStats& operator+=(const BleuStats& other);

  // The 10 values [hyp_len, ref_len, matches1..4, totals1..4]: sacrebleu's own stats layout
  // (bleu.py _compute_segment_statistics returns [hyp_len, ref_len] + correct + total). This is
  // the stored format; do not reorder.
  std::vector<double> ToVector() const;

  // Inverse of ToVector. InvalidArgument unless `values` has exactly 10 entries.
  static absl::StatusOr<BleuStats> FromVector(absl::Span<const double> values);
};

// Statistics of one hypothesis against its references (sacrebleu's segment statistics). With no
// references at all sacrebleu raises; here the result is as against one empty reference.
BleuStats SentenceBleuStats(std::string_view hypothesis,
                            const std::vector<std::string>& references);

// sacrebleu.corpus_bleu(hyps, refs).score (smooth_method="exp", use_effective_order=False) from
// the summed statistics of the corpus's segments; 0-100.
double CorpusBleu(const BleuStats& summed);

// sacrebleu.sentence_bleu(hyp, refs).score (smooth_method="exp", use_effective_order=True) from
// one segment's statistics; 0-100.
double SentenceBleu(const BleuStats& one);

}  // namespace jb::tasks::metrics
