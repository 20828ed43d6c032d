#include "tasks/fewshot.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using nlohmann::json;
using ::testing::ElementsAre;
using Shots = std::vector<std::vector<uint32_t>>;

std::vector<json> Docs(int n) {
  std::vector<json> docs;
  for (int i = 0; i < n; ++i) docs.push_back({{"q", absl::StrCat("q", i)}, {"a", i}});
  return docs;
}

// The expected shots were printed by CPython 3.11.2 running lm-eval's algorithm
// (lm_eval/api/samplers.py ContextSampler.sample with eval_doc; v0.4.9 get_context):
//   r = random.Random(1234); pool = [{'q': 'q%d' % i, 'a': i} for i in range(10)]
//   for d in pool: s = r.sample(pool, 3); print([pool.index(x) for x in s if x != d][:2])
TEST(FewshotTest, SeededSamplerOverTheEvaluatedSplitMatchesLmEval) {
  const std::vector<json> docs = Docs(10);
  ASSERT_OK_AND_ASSIGN(Shots shots, SelectShots(FewshotSampler::kSeeded, 2, kLmEvalFewshotSeed,
                                                docs, docs, /*exclude_eval_doc=*/true));
  EXPECT_EQ(
      shots,
      (Shots{{7, 1}, {0, 9}, {1, 5}, {0, 9}, {5, 7}, {2, 1}, {1, 0}, {3, 1}, {1, 9}, {4, 8}}));
}

// r = random.Random(1234); train = list(range(30)); [r.sample(train, 3) for _ in range(5)]
// (gsm8k: fewshot_split train differs from test_split test, so n draws and nothing dropped).
TEST(FewshotTest, SeededSamplerFromAnotherSplitDrawsExactlyN) {
  ASSERT_OK_AND_ASSIGN(Shots shots, SelectShots(FewshotSampler::kSeeded, 3, kLmEvalFewshotSeed,
                                                Docs(30), Docs(5), /*exclude_eval_doc=*/false));
  EXPECT_EQ(shots, (Shots{{24, 14, 3}, {0, 2, 29}, {25, 18, 1}, {21, 22, 2}, {3, 24, 11}}));
}

// sst2: neither fewshot_split nor test_split is set, None == None, so lm-eval draws n + 1 from
// the training split even though the evaluated documents are not in it:
//   r = random.Random(1234); [r.sample(train, 4)[:3] for _ in range(4)]
TEST(FewshotTest, ExclusionByNameDrawsOneMoreEvenFromAnotherSplit) {
  std::vector<json> eval = {{{"other", 1}}, {{"other", 2}}, {{"other", 3}}, {{"other", 4}}};
  ASSERT_OK_AND_ASSIGN(Shots shots, SelectShots(FewshotSampler::kSeeded, 3, kLmEvalFewshotSeed,
                                                Docs(30), eval, /*exclude_eval_doc=*/true));
  EXPECT_EQ(shots, (Shots{{24, 14, 3}, {2, 29, 25}, {1, 21, 22}, {3, 24, 11}}));
}

TEST(FewshotTest, FirstNSkipsTheDocumentItselfOnlyWhenExcluding) {
  const std::vector<json> docs = Docs(4);
  ASSERT_OK_AND_ASSIGN(Shots shots, SelectShots(FewshotSampler::kFirstN, 2, 0, docs, docs, true));
  EXPECT_EQ(shots, (Shots{{1, 2}, {0, 2}, {0, 1}, {0, 1}}));
  ASSERT_OK_AND_ASSIGN(shots, SelectShots(FewshotSampler::kFirstN, 2, 0, docs, docs, false));
  EXPECT_EQ(shots, (Shots{{0, 1}, {0, 1}, {0, 1}, {0, 1}}));
  // Equal as JSON (Python dict equality), whatever the key order or number spelling.
  std::vector<json> eval = {json::parse(R"({"a": 0, "q": "q0"})")};
  ASSERT_OK_AND_ASSIGN(shots, SelectShots(FewshotSampler::kFirstN, 1, 0, docs, eval, true));
  EXPECT_THAT(shots[0], ElementsAre(1));
}

TEST(FewshotTest, TooSmallAPoolIsAnError) {
  ShotSelectionError error;
  EXPECT_THAT(SelectShots(FewshotSampler::kSeeded, 3, 1234, Docs(3), Docs(3), true, &error),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "draws 4 documents per sample but "
                       "the shot pool has 3"));
  EXPECT_FALSE(error.about_document);
  // Two copies of the same document: once dropped, too few remain for this one.
  std::vector<json> pool = {{{"x", 1}}, {{"x", 1}}, {{"x", 2}}};
  EXPECT_THAT(SelectShots(FewshotSampler::kFirstN, 2, 0, pool, {json{{"x", 1}}}, true, &error),
              StatusIs(absl::StatusCode::kInvalidArgument, "only 1 documents"));
  EXPECT_TRUE(error.about_document);
  EXPECT_EQ(error.eval_index, 0u);
  EXPECT_THAT(SelectShots(FewshotSampler::kFirstN, 5, 0, Docs(3), Docs(1), false),
              StatusIs(absl::StatusCode::kInvalidArgument, "the shot pool has 3 documents"));
}

}  // namespace
}  // namespace jb::tasks
