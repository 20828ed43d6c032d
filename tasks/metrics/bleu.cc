#include "tasks/metrics/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "absl/status/status.h"
#include "tasks/metrics/unicode_text.h"

namespace jb::tasks::metrics {
namespace {

constexpr int kMaxOrder = 4;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// tokenizer_re.py's first rule: [\{-\~\[-\` -\&\(-\+\:-\@\/], i.e. ASCII punctuation and symbols
// except ' , - . plus the space itself.
bool IsSplitSymbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
         (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

bool IsPeriodOrComma(char c) { return c == '.' || c == ','; }

// re.sub of a two-character pattern (first, second) with replacement "<pre>\1<mid>\2<post>".
// Python's re.sub takes leftmost non-overlapping matches, so a match consumes both characters.
// Working on UTF-8 bytes gives the same result as Python's code points here: each pattern
// position that can be non-ASCII is [^0-9], and the other position is an ASCII character, which
// never occurs inside a multi-byte sequence.
template <typename First, typename Second>
std::string SubstitutePairs(std::string_view s, First first, Second second, std::string_view pre,
                            std::string_view mid, std::string_view post) {
  std::string out;
  out.reserve(s.size() + s.size() / 2);
  size_t i = 0;
  while (i < s.size()) {
    if (i + 1 < s.size() && first(s[i]) && second(s[i + 1])) {
      out.append(pre).append(1, s[i]).append(mid).append(1, s[i + 1]).append(post);
      i += 2;
    } else {
      out.push_back(s[i]);
      ++i;
    }
  }
  return out;
}

// Python's str.replace(from, to): every non-overlapping occurrence, left to right.
std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t start = 0;
  for (size_t hit = s.find(from); hit != std::string_view::npos; hit = s.find(from, start)) {
    out.append(s.substr(start, hit - start)).append(to);
    start = hit + from.size();
  }
  out.append(s.substr(start));
  return out;
}

using Ngrams = std::map<std::vector<std::string_view>, int>;

// helpers.py extract_all_word_ngrams(line, 1, 4): counts of all 1..4-grams.
Ngrams ExtractNgrams(const std::vector<std::string_view>& tokens) {
  Ngrams ngrams;
  for (size_t n = 1; n <= kMaxOrder; ++n) {
    for (size_t i = 0; i + n <= tokens.size(); ++i) {
      ++ngrams[std::vector<std::string_view>(tokens.begin() + i, tokens.begin() + i + n)];
    }
  }
  return ngrams;
}

// _get_closest_ref_len: the first closest length wins, except that a shorter one at the same
// distance replaces it.
int ClosestRefLen(int hyp_len, const std::vector<int>& ref_lens) {
  int closest_diff = -1;
  int closest_len = -1;
  for (int ref_len : ref_lens) {
    const int diff = std::abs(hyp_len - ref_len);
    if (closest_diff == -1 || diff < closest_diff) {
      closest_diff = diff;
      closest_len = ref_len;
    } else if (diff == closest_diff && ref_len < closest_len) {
      closest_len = ref_len;
    }
  }
  return closest_len;
}

// utils.py my_log: log with log(0) floored to -9999999999.
double MyLog(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

// BLEU.compute_bleu with smooth_method="exp" and max_ngram_order=4.
double ComputeBleu(const BleuStats& stats, bool effective_order) {
  const int sys_len = static_cast<int>(stats.hyp_len);  // int(stats[0]) in sacrebleu.
  const int ref_len = static_cast<int>(stats.ref_len);
  double bp = 1.0;
  if (sys_len < ref_len) {
    bp = sys_len > 0 ? std::exp(1 - static_cast<double>(ref_len) / sys_len) : 0.0;
  }
  // Early stop when nothing matched (sacrebleu issue #141).
  if (std::all_of(stats.matches.begin(), stats.matches.end(), [](double m) { return m == 0; })) {
    return 0.0;
  }
  std::array<double, kMaxOrder> precisions{};
  double smooth_mteval = 1.0;
  int eff_order = kMaxOrder;
  for (int n = 1; n <= kMaxOrder; ++n) {
    if (stats.totals[n - 1] == 0) break;
    if (effective_order) eff_order = n;
    if (stats.matches[n - 1] == 0) {
      smooth_mteval *= 2;
      precisions[n - 1] = 100. / (smooth_mteval * stats.totals[n - 1]);
    } else {
      precisions[n - 1] = 100. * stats.matches[n - 1] / stats.totals[n - 1];
    }
  }
  double log_sum = 0;  // Python's sum() adds left to right from 0.
  for (int n = 0; n < eff_order; ++n) log_sum += MyLog(precisions[n]);
  return bp * std::exp(log_sum / eff_order);
}

}  // namespace

std::string Tokenize13a(std::string_view line) {
  std::string s(line);
  // Each str.replace runs over the whole line before the next, as in tokenizer_13a.py.
  s = ReplaceAll(s, "<skipped>", "");
  s = ReplaceAll(s, "-\n", "");
  s = ReplaceAll(s, "\n", " ");
  if (s.find('&') != std::string::npos) {
    s = ReplaceAll(s, "&quot;", "\"");
    s = ReplaceAll(s, "&amp;", "&");
    s = ReplaceAll(s, "&lt;", "<");
    s = ReplaceAll(s, "&gt;", ">");
  }
  s = " " + s + " ";
  // TokenizerRegexp: the four substitutions in order.
  std::string spaced;
  spaced.reserve(s.size() * 2);
  for (char c : s) {
    if (IsSplitSymbol(c)) {
      spaced.append(1, ' ').append(1, c).append(1, ' ');
    } else {
      spaced.push_back(c);
    }
  }
  const auto not_digit = [](char c) { return !IsDigit(c); };
  const auto is_dash = [](char c) { return c == '-'; };
  // Period and comma are split off unless preceded by a digit, and unless followed by one.
  s = SubstitutePairs(spaced, not_digit, IsPeriodOrComma, "", " ", " ");
  s = SubstitutePairs(s, IsPeriodOrComma, not_digit, " ", " ", "");
  // A dash after a digit.
  s = SubstitutePairs(s, IsDigit, is_dash, "", " ", " ");
  return PythonCollapseWhitespace(s);
}

BleuStats& BleuStats::operator+=(const BleuStats& other) {
  hyp_len += other.hyp_len;
  ref_len += other.ref_len;
  for (int i = 0; i < kMaxOrder; ++i) {
    matches[i] += other.matches[i];
    totals[i] += other.totals[i];
  }
  return *this;
}

std::vector<double> BleuStats::ToVector() const {
  std::vector<double> v = {hyp_len, ref_len};
  v.insert(v.end(), matches.begin(), matches.end());
  v.insert(v.end(), totals.begin(), totals.end());
  return v;
}

absl::StatusOr<BleuStats> BleuStats::FromVector(absl::Span<const double> values) {
  if (values.size() != 2 + 2 * kMaxOrder) {
    return absl::InvalidArgumentError(
        "BLEU statistics need 10 values [hyp_len, ref_len, matches1..4, totals1..4], got " +
        std::to_string(values.size()));
  }
  BleuStats stats;
  stats.hyp_len = values[0];
  stats.ref_len = values[1];
  std::copy(values.begin() + 2, values.begin() + 2 + kMaxOrder, stats.matches.begin());
  std::copy(values.begin() + 2 + kMaxOrder, values.end(), stats.totals.begin());
  return stats;
}

BleuStats SentenceBleuStats(std::string_view hypothesis,
                            const std::vector<std::string>& references) {
  // Reference n-gram counts: the maximum over the references of each n-gram's count.
  std::vector<std::string> ref_lines;
  ref_lines.reserve(references.size());
  for (const std::string& ref : references) ref_lines.push_back(Tokenize13a(PythonRstrip(ref)));
  Ngrams ref_ngrams;
  std::vector<int> ref_lens;
  for (const std::string& line : ref_lines) {
    const std::vector<std::string_view> tokens = PythonSplit(line);
    ref_lens.push_back(static_cast<int>(tokens.size()));
    for (const auto& [ngram, count] : ExtractNgrams(tokens)) {
      int& max_count = ref_ngrams[ngram];
      max_count = std::max(max_count, count);
    }
  }
  if (ref_lens.empty()) ref_lens.push_back(0);

  const std::string hyp_line = Tokenize13a(PythonRstrip(hypothesis));
  const std::vector<std::string_view> hyp_tokens = PythonSplit(hyp_line);
  BleuStats stats;
  stats.hyp_len = static_cast<double>(hyp_tokens.size());
  stats.ref_len = ClosestRefLen(static_cast<int>(hyp_tokens.size()), ref_lens);
  for (const auto& [ngram, count] : ExtractNgrams(hyp_tokens)) {
    const size_t n = ngram.size() - 1;
    stats.totals[n] += count;
    const auto it = ref_ngrams.find(ngram);
    if (it != ref_ngrams.end()) stats.matches[n] += std::min(count, it->second);
  }
  return stats;
}

double CorpusBleu(const BleuStats& summed) { return ComputeBleu(summed, false); }

double SentenceBleu(const BleuStats& one) { return ComputeBleu(one, true); }

}  // namespace jb::tasks::metrics
