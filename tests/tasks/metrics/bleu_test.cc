#include "tasks/metrics/bleu.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::tasks::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// Reference: sacrebleu (mjpost/sacrebleu commit f615c72, 2.6.0+) Tokenizer13a()(line) under
// CPython 3.11.2, printed by tests/tasks/metrics/make_reference_numbers.py (kTokenize13a).
constexpr std::pair<std::string_view, std::string_view> kTokenize13a[] = {
    {"Hello, world!", "Hello , world !"},
    {"It's 3.50, not 1,000.", "It's 3.50 , not 1,000 ."},
    {"2020-2021 and x-y", "2020 - 2021 and x-y"},
    {"a.b,c", "a . b , c"},
    {"end.", "end ."},
    {"&quot;q&quot; &amp;amp; &lt;tag&gt;", "\" q \" & amp ; < tag >"},
    {"tabs\there\u00a0nbsp", "tabs here nbsp"},
    {"foo<skipped>bar", "foobar"},
    {"line-\nbreak", "linebreak"},
    {"caf\u00e9. na\u00efve,", "caf\u00e9 . na\u00efve ,"},
    {"(parens) [brackets] {braces} $5 @home #tag",
     "( parens ) [ brackets ] { braces } $ 5 @ home # tag"},
    {"..,,", ". . , ,"},
    {"", ""},
};

TEST(Tokenize13aTest, MatchesSacrebleu) {
  for (const auto& [line, tokenized] : kTokenize13a) EXPECT_EQ(Tokenize13a(line), tokenized);
}

struct BleuCase {
  std::string hypothesis;
  std::vector<std::string> references;
  std::vector<double> stats;  // [hyp_len, ref_len, matches1..4, totals1..4]
  double sentence_bleu;
};

// Reference: sacrebleu (commit f615c72) BLEU()._extract_corpus_statistics([hyp], [[r] for r in
// refs])[0] and sacrebleu.sentence_bleu(hyp, refs).score, printed with repr() by
// tests/tasks/metrics/make_reference_numbers.py (section kBleuCases). The second case is
// sacrebleu's test/test_sentence_bleu.py example (#98, 8.493), the third its #141 zero case.
const BleuCase kBleuCases[] = {
    {"The cat sat on the mat.",
     {"The cat is on the mat."},
     {7, 7, 6, 4, 2, 1, 7, 6, 5, 4},
     48.892302243490086},
    {"Produc\u021bia de zah\u0103r prim\u0103 va fi exprimat\u0103 \u00een ceea ce prive\u0219te "
     "zah\u0103rul alb;",
     {"produc\u0163ia de zah\u0103r brut se exprim\u0103 \u00een zah\u0103r alb;"},
     {14, 10, 5, 2, 0, 0, 14, 13, 12, 11},
     8.493098745313148},
    {"this is a cat", {"okay thanks"}, {4, 2, 0, 0, 0, 0, 4, 3, 2, 1}, 0.0},
    {"The dog bit the man.",
     {"The dog bit the man.", "The dog had bit the man."},
     {6, 6, 6, 5, 4, 3, 6, 5, 4, 3},
     100.00000000000004},
    {"a b", {"a b c d e f"}, {2, 6, 2, 1, 0, 0, 2, 1, 0, 0}, 13.533528323661276},
    {"a b c d e f g h", {"a b c"}, {8, 3, 3, 2, 1, 0, 8, 7, 6, 5}, 20.556680845025987},
    {"He said &quot;hi&quot; &amp; left &lt;now&gt;.",
     {"He said \"hi\" & left <now>."},
     {11, 11, 11, 10, 9, 8, 11, 10, 9, 8},
     100.00000000000004},
    {"It costs 3.50, or 1,000 in 2020-2021.",
     {"It costs 3.50 or 1,000 in 2020 - 2021."},
     {11, 10, 10, 8, 6, 4, 11, 10, 9, 8},
     70.16879391277372},
    {"", {"something here"}, {0, 2, 0, 0, 0, 0, 0, 0, 0, 0}, 0.0},
    {"something", {""}, {1, 0, 0, 0, 0, 0, 1, 0, 0, 0}, 0.0},
    {"a b c d", {"a b c d e", "a b c"}, {4, 3, 4, 3, 2, 1, 4, 3, 2, 1}, 100.00000000000004},
    {"x a b c d", {"a b c", "a b c d e f g"}, {5, 3, 4, 3, 2, 1, 5, 4, 3, 2}, 66.87403049764218},
    {"foo<skipped> bar-\nbaz\nqux",
     {"foo barbaz qux"},
     {3, 3, 3, 2, 1, 0, 3, 2, 1, 0},
     100.00000000000004},
    {"the end.   \n", {"the end."}, {3, 3, 3, 2, 1, 0, 3, 2, 1, 0}, 100.00000000000004},
    {"the the the the the the the",
     {"the cat is on the mat", "there is a cat on the mat"},
     {7, 7, 2, 0, 0, 0, 7, 6, 5, 4},
     7.809849842300637},
    {"a\u00a0b\u3000c. d", {"a b c . d"}, {5, 5, 5, 4, 3, 2, 5, 4, 3, 2}, 100.00000000000004},
};

// Reference: sacrebleu.corpus_bleu(all hypotheses of kBleuCases, reference streams padded with
// None).score and the same for the first 8 cases (make_reference_numbers.py).
constexpr double kCorpusBleuAll = 54.29023046441561;
constexpr double kCorpusBleuFirst8 = 52.21857333660559;
constexpr double kExpSmoothed = 63.894310424627285;

TEST(SentenceBleuStatsTest, MatchesSacrebleuStatistics) {
  for (const BleuCase& t : kBleuCases) {
    EXPECT_THAT(SentenceBleuStats(t.hypothesis, t.references).ToVector(), ElementsAreArray(t.stats))
        << t.hypothesis;
  }
}

TEST(SentenceBleuTest, MatchesSacrebleuSentenceBleu) {
  for (const BleuCase& t : kBleuCases) {
    EXPECT_NEAR(SentenceBleu(SentenceBleuStats(t.hypothesis, t.references)), t.sentence_bleu, 1e-11)
        << t.hypothesis;
  }
}

BleuStats SumOfCases(size_t count) {
  BleuStats sum;
  for (size_t i = 0; i < count; ++i) {
    sum += SentenceBleuStats(kBleuCases[i].hypothesis, kBleuCases[i].references);
  }
  return sum;
}

// The property the stored statistics rely on: corpus BLEU is a function of summed statistics.
TEST(CorpusBleuTest, SumOfSentenceStatsGivesSacrebleuCorpusBleu) {
  EXPECT_NEAR(CorpusBleu(SumOfCases(std::size(kBleuCases))), kCorpusBleuAll, 1e-11);
  EXPECT_NEAR(CorpusBleu(SumOfCases(8)), kCorpusBleuFirst8, 1e-11);
}

// sacrebleu test/test_bleu.py test_corpus_bleu (README example): 48.530827 (EPSILON 1e-8 there),
// and the all-empty-hypotheses case, 0.0.
TEST(CorpusBleuTest, SacrebleuReadmeExample) {
  const std::vector<std::string> hyps = {"The dog bit the man.", "It wasn't surprising.",
                                         "The man had just bitten him."};
  const std::vector<std::vector<std::string>> refs = {
      {"The dog bit the man.", "The dog had bit the man."},
      {"It was not unexpected.", "No one was surprised."},
      {"The man bit him first.", "The man had bitten the dog."}};
  BleuStats sum;
  BleuStats empty_sum;
  for (size_t i = 0; i < hyps.size(); ++i) {
    sum += SentenceBleuStats(hyps[i], refs[i]);
    empty_sum += SentenceBleuStats("", refs[i]);
  }
  EXPECT_NEAR(CorpusBleu(sum), 48.530827, 1e-6);
  EXPECT_EQ(CorpusBleu(empty_sum), 0.0);
}

BleuStats Stats(double hyp_len, double ref_len, std::array<double, 4> matches,
                std::array<double, 4> totals) {
  BleuStats s;
  s.hyp_len = hyp_len;
  s.ref_len = ref_len;
  s.matches = matches;
  s.totals = totals;
  return s;
}

// sacrebleu test/test_bleu.py test_scoring (0.8375922397 / 1 with no zero counts, so "exp" and
// "none" agree), test_statistics and test_degenerate_statistics (all 0.0).
TEST(CorpusBleuTest, SacrebleuScoringAndDegenerateCases) {
  EXPECT_NEAR(CorpusBleu(Stats(11, 11, {9, 7, 5, 3}, {10, 8, 6, 4})) / 100, 0.8375922397, 1e-8);
  const BleuStats stats =
      SentenceBleuStats("am I am a character sequence", {"I am a symbol string sequence a a"});
  EXPECT_THAT(stats.matches, ElementsAre(4, 2, 1, 0));
  EXPECT_THAT(stats.totals, ElementsAre(6, 5, 4, 3));
  EXPECT_EQ(CorpusBleu(Stats(0, 1, {0, 0, 0, 0}, {4, 4, 2, 1})), 0.0);
  EXPECT_EQ(CorpusBleu(Stats(14, 10, {0, 0, 0, 0}, {10, 11, 12, 0})), 0.0);
  EXPECT_EQ(CorpusBleu(Stats(0, 0, {0, 0, 0, 0}, {0, 0, 0, 0})), 0.0);
  // test_degenerate_statistics scores this one 0 with "floor" smoothing at offset 0; with "exp"
  // it is BLEU.compute_bleu(..., smooth_method="exp") = kExpSmoothed.
  EXPECT_NEAR(CorpusBleu(Stats(6, 6, {6, 5, 4, 0}, {6, 5, 4, 3})), kExpSmoothed, 1e-11);
}

// Without effective order an order with no n-grams at all zeroes corpus BLEU; sentence BLEU
// averages over the orders present instead (sacrebleu test_bleu.py test_effective_order inputs).
TEST(BleuTest, EffectiveOrderOnlyInSentenceBleu) {
  const BleuStats short_hyp = SentenceBleuStats("a test", {"a test"});
  EXPECT_EQ(CorpusBleu(short_hyp), 0.0);
  EXPECT_NEAR(SentenceBleu(short_hyp), 100.0, 1e-9);
}

TEST(BleuStatsTest, VectorRoundTripAndLayout) {
  const BleuStats stats = Stats(7, 8, {6, 4, 2, 1}, {7, 6, 5, 4});
  EXPECT_THAT(stats.ToVector(), ElementsAre(7, 8, 6, 4, 2, 1, 7, 6, 5, 4));
  const absl::StatusOr<BleuStats> back = BleuStats::FromVector(stats.ToVector());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ToVector(), stats.ToVector());
}

TEST(BleuStatsTest, FromVectorRejectsWrongLength) {
  const std::vector<double> nine(9, 1.0);
  const std::vector<double> eleven(11, 1.0);
  EXPECT_EQ(BleuStats::FromVector(nine).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BleuStats::FromVector(eleven).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BleuStats::FromVector({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(BleuStatsTest, PlusEqualsAddsEveryField) {
  BleuStats sum = Stats(1, 2, {1, 0, 0, 0}, {1, 0, 0, 0});
  sum += Stats(3, 4, {2, 1, 0, 0}, {3, 2, 1, 0});
  EXPECT_THAT(sum.ToVector(), ElementsAre(4, 6, 3, 1, 0, 0, 4, 2, 1, 0));
}

}  // namespace
}  // namespace jb::tasks::metrics
