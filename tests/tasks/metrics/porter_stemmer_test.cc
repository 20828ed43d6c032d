#include "tasks/metrics/porter_stemmer.h"

#include <string_view>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::tasks::metrics {
namespace {

// Reference: nltk.stem.porter.PorterStemmer() (NLTK_EXTENSIONS, the mode rouge_score uses),
// Debian python3-nltk 3.8 (porter.py as nltk 3.8.1, commit f2a92bd), via
// tests/tasks/metrics/make_reference_numbers.py (section kNltkStems). The words are the
// examples of Porter's paper as quoted in nltk's docstrings, nltk's irregular forms and
// extension cases, and words rouge_score sees in summaries.
constexpr std::pair<std::string_view, std::string_view> kNltkStems[] = {
    {"caresses", "caress"},
    {"ponies", "poni"},
    {"ties", "tie"},
    {"caress", "caress"},
    {"cats", "cat"},
    {"feed", "feed"},
    {"agreed", "agre"},
    {"plastered", "plaster"},
    {"bled", "bled"},
    {"motoring", "motor"},
    {"sing", "sing"},
    {"conflated", "conflat"},
    {"troubled", "troubl"},
    {"sized", "size"},
    {"hopping", "hop"},
    {"tanned", "tan"},
    {"falling", "fall"},
    {"hissing", "hiss"},
    {"fizzed", "fizz"},
    {"failing", "fail"},
    {"filing", "file"},
    {"happy", "happi"},
    {"sky", "sky"},
    {"relational", "relat"},
    {"conditional", "condit"},
    {"rational", "ration"},
    {"valenci", "valenc"},
    {"hesitanci", "hesit"},
    {"digitizer", "digit"},
    {"conformabli", "conform"},
    {"radicalli", "radic"},
    {"differentli", "differ"},
    {"vileli", "vile"},
    {"analogousli", "analog"},
    {"vietnamization", "vietnam"},
    {"predication", "predic"},
    {"operator", "oper"},
    {"feudalism", "feudal"},
    {"decisiveness", "decis"},
    {"hopefulness", "hope"},
    {"callousness", "callous"},
    {"formaliti", "formal"},
    {"sensitiviti", "sensit"},
    {"sensibiliti", "sensibl"},
    {"triplicate", "triplic"},
    {"formative", "form"},
    {"formalize", "formal"},
    {"electriciti", "electr"},
    {"electrical", "electr"},
    {"hopeful", "hope"},
    {"goodness", "good"},
    {"revival", "reviv"},
    {"allowance", "allow"},
    {"inference", "infer"},
    {"airliner", "airlin"},
    {"gyroscopic", "gyroscop"},
    {"adjustable", "adjust"},
    {"defensible", "defens"},
    {"irritant", "irrit"},
    {"replacement", "replac"},
    {"adjustment", "adjust"},
    {"dependent", "depend"},
    {"adoption", "adopt"},
    {"homologou", "homolog"},
    {"communism", "commun"},
    {"activate", "activ"},
    {"angulariti", "angular"},
    {"homologous", "homolog"},
    {"effective", "effect"},
    {"bowdlerize", "bowdler"},
    {"probate", "probat"},
    {"rate", "rate"},
    {"cease", "ceas"},
    {"controlling", "control"},
    {"roll", "roll"},
    {"running", "run"},
    {"generously", "gener"},
    {"generous", "gener"},
    {"universities", "univers"},
    {"university", "univers"},
    {"dying", "die"},
    {"lying", "lie"},
    {"tying", "tie"},
    {"skies", "sky"},
    {"news", "news"},
    {"innings", "inning"},
    {"outings", "outing"},
    {"cannings", "canning"},
    {"howe", "howe"},
    {"proceed", "proceed"},
    {"exceed", "exceed"},
    {"succeed", "succeed"},
    {"dies", "die"},
    {"died", "die"},
    {"spied", "spi"},
    {"flies", "fli"},
    {"enjoy", "enjoy"},
    {"spy", "spi"},
    {"fully", "fulli"},
    {"archaeology", "archaeolog"},
    {"geology", "geolog"},
    {"oed", "o"},
    {"abc123", "abc123"},
    {"1990s", "1990"},
    {"2020", "2020"},
    {"quickly", "quickli"},
    {"agreement", "agreement"},
    {"easily", "easili"},
    {"meeting", "meet"},
    {"hoping", "hope"},
    {"octopi", "octopi"},
    {"summarization", "summar"},
    {"summaries", "summari"},
    {"abilities", "abil"},
};

TEST(PorterStemTest, MatchesNltkOnReferenceWords) {
  for (const auto& [word, stem] : kNltkStems) EXPECT_EQ(PorterStem(word), stem) << word;
}

// nltk/test/unit/test_stem.py PorterTest.test_oed_bug and test_lowercase_option.
TEST(PorterStemTest, NltkUnitTestCases) {
  EXPECT_EQ(PorterStem("oed"), "o");
  EXPECT_EQ(PorterStem("On"), "on");
  EXPECT_EQ(PorterStem("I"), "i");
  EXPECT_EQ(PorterStem("Github"), "github");
}

TEST(PorterStemTest, ShortWordsAreReturnedUnchanged) {
  EXPECT_EQ(PorterStem(""), "");
  EXPECT_EQ(PorterStem("is"), "is");
  EXPECT_EQ(PorterStem("as"), "as");
}

}  // namespace
}  // namespace jb::tasks::metrics
