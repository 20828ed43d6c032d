// A line-by-line port of nltk/stem/porter.py (NLTK_EXTENSIONS mode); the step comments quote the
// rules of Porter's paper as nltk's docstrings do. Names follow nltk's so the two can be diffed.
#include "tasks/metrics/porter_stemmer.h"

#include <array>
#include <functional>
#include <utility>
#include <vector>

namespace jb::tasks::metrics {
namespace {

using Condition = std::function<bool(std::string_view stem)>;

struct Rule {
  std::string_view suffix;  // "*d" means "ends in a double consonant" (nltk's marker).
  std::string replacement;
  Condition condition;  // Empty: unconditional.
};

bool IsConsonant(std::string_view word, size_t i) {
  switch (word[i]) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
      return false;
    case 'y':
      return i == 0 ? true : !IsConsonant(word, i - 1);
    default:
      return true;
  }
}

// m in [C](VC){m}[V]: the number of vowel-to-consonant transitions.
int Measure(std::string_view stem) {
  int m = 0;
  for (size_t i = 1; i < stem.size(); ++i) {
    if (!IsConsonant(stem, i - 1) && IsConsonant(stem, i)) ++m;
  }
  return m;
}

bool HasPositiveMeasure(std::string_view stem) { return Measure(stem) > 0; }

bool ContainsVowel(std::string_view stem) {
  for (size_t i = 0; i < stem.size(); ++i) {
    if (!IsConsonant(stem, i)) return true;
  }
  return false;
}

// Condition *d.
bool EndsDoubleConsonant(std::string_view word) {
  const size_t n = word.size();
  return n >= 2 && word[n - 1] == word[n - 2] && IsConsonant(word, n - 1);
}

// Condition *o, with nltk's extension that a 2-letter vowel-consonant word also qualifies.
bool EndsCvc(std::string_view word) {
  const size_t n = word.size();
  if (n >= 3 && IsConsonant(word, n - 3) && !IsConsonant(word, n - 2) && IsConsonant(word, n - 1) &&
      word[n - 1] != 'w' && word[n - 1] != 'x' && word[n - 1] != 'y') {
    return true;
  }
  return n == 2 && !IsConsonant(word, 0) && IsConsonant(word, 1);
}

// Python's str.endswith.
bool EndsWith(std::string_view word, std::string_view suffix) { return word.ends_with(suffix); }

std::string_view WithoutSuffix(std::string_view word, size_t suffix_size) {
  return word.substr(0, word.size() - suffix_size);
}

// nltk's _apply_rule_list: the first rule whose suffix matches decides, applied or not.
std::string ApplyRuleList(std::string_view word, const std::vector<Rule>& rules) {
  for (const Rule& rule : rules) {
    if (rule.suffix == "*d" && EndsDoubleConsonant(word)) {
      const std::string_view stem = WithoutSuffix(word, 2);
      if (!rule.condition || rule.condition(stem)) return std::string(stem) + rule.replacement;
      return std::string(word);
    }
    if (EndsWith(word, rule.suffix)) {
      const std::string_view stem = WithoutSuffix(word, rule.suffix.size());
      if (!rule.condition || rule.condition(stem)) return std::string(stem) + rule.replacement;
      return std::string(word);
    }
  }
  return std::string(word);
}

// SSES -> SS, IES -> I, SS -> SS, S -> ; nltk: a 4-letter "-ies" word keeps "ie" (dies -> die).
std::string Step1a(std::string_view word) {
  if (EndsWith(word, "ies") && word.size() == 4) {
    return std::string(WithoutSuffix(word, 3)) + "ie";
  }
  return ApplyRuleList(
      word,
      {{"sses", "ss", nullptr}, {"ies", "i", nullptr}, {"ss", "ss", nullptr}, {"s", "", nullptr}});
}

// (m>0) EED -> EE; (*v*) ED -> ; (*v*) ING -> ; then AT/BL/IZ -> +E, undouble, (m=1 and *o) -> E.
// nltk: "-ied" becomes "ie" on 4-letter words and "i" otherwise (died -> die, spied -> spi).
std::string Step1b(std::string_view word) {
  if (EndsWith(word, "ied")) {
    return std::string(WithoutSuffix(word, 3)) + (word.size() == 4 ? "ie" : "i");
  }
  if (EndsWith(word, "eed")) {
    const std::string_view stem = WithoutSuffix(word, 3);
    return Measure(stem) > 0 ? std::string(stem) + "ee" : std::string(word);
  }
  std::string_view intermediate;
  bool rule_2_or_3_succeeded = false;
  for (std::string_view suffix : {std::string_view("ed"), std::string_view("ing")}) {
    if (EndsWith(word, suffix)) {
      intermediate = WithoutSuffix(word, suffix.size());
      if (ContainsVowel(intermediate)) {
        rule_2_or_3_succeeded = true;
        break;
      }
    }
  }
  if (!rule_2_or_3_succeeded) return std::string(word);
  const char last = intermediate.back();
  return ApplyRuleList(
      intermediate,
      {{"at", "ate", nullptr},
       {"bl", "ble", nullptr},
       {"iz", "ize", nullptr},
       {"*d", std::string(1, last),
        [last](std::string_view) { return last != 'l' && last != 's' && last != 'z'; }},
       {"", "e", [](std::string_view stem) { return Measure(stem) == 1 && EndsCvc(stem); }}});
}

// nltk: Y -> I only when preceded by a consonant that is not the whole stem (happy -> happi,
// enjoy -> enjoy, spy -> spi).
std::string Step1c(std::string_view word) {
  return ApplyRuleList(word, {{"y", "i", [](std::string_view stem) {
                                 return stem.size() > 1 && IsConsonant(stem, stem.size() - 1);
                               }}});
}

std::string Step2(std::string_view word) {
  // nltk applies ALLI -> AL first and, when it fires, runs step 2 again on the result.
  if (EndsWith(word, "alli") && HasPositiveMeasure(WithoutSuffix(word, 4))) {
    return Step2(std::string(WithoutSuffix(word, 4)) + "al");
  }
  const Condition m_gt_0 = HasPositiveMeasure;
  const std::string word_copy(word);
  return ApplyRuleList(
      word, {{"ational", "ate", m_gt_0},
             {"tional", "tion", m_gt_0},
             {"enci", "ence", m_gt_0},
             {"anci", "ance", m_gt_0},
             {"izer", "ize", m_gt_0},
             {"bli", "ble", m_gt_0},
             {"alli", "al", m_gt_0},
             {"entli", "ent", m_gt_0},
             {"eli", "e", m_gt_0},
             {"ousli", "ous", m_gt_0},
             {"ization", "ize", m_gt_0},
             {"ation", "ate", m_gt_0},
             {"ator", "ate", m_gt_0},
             {"alism", "al", m_gt_0},
             {"iveness", "ive", m_gt_0},
             {"fulness", "ful", m_gt_0},
             {"ousness", "ous", m_gt_0},
             {"aliti", "al", m_gt_0},
             {"iviti", "ive", m_gt_0},
             {"biliti", "ble", m_gt_0},
             {"fulli", "ful", m_gt_0},
             // The 'l' of LOGI stays with the stem for the measure (geo-logi like archaeo-logi).
             {"logi", "log", [word_copy](std::string_view) {
                return HasPositiveMeasure(WithoutSuffix(word_copy, 3));
              }}});
}

std::string Step3(std::string_view word) {
  const Condition m_gt_0 = HasPositiveMeasure;
  return ApplyRuleList(word, {{"icate", "ic", m_gt_0},
                              {"ative", "", m_gt_0},
                              {"alize", "al", m_gt_0},
                              {"iciti", "ic", m_gt_0},
                              {"ical", "ic", m_gt_0},
                              {"ful", "", m_gt_0},
                              {"ness", "", m_gt_0}});
}

std::string Step4(std::string_view word) {
  const Condition m_gt_1 = [](std::string_view stem) { return Measure(stem) > 1; };
  return ApplyRuleList(word, {{"al", "", m_gt_1},
                              {"ance", "", m_gt_1},
                              {"ence", "", m_gt_1},
                              {"er", "", m_gt_1},
                              {"ic", "", m_gt_1},
                              {"able", "", m_gt_1},
                              {"ible", "", m_gt_1},
                              {"ant", "", m_gt_1},
                              {"ement", "", m_gt_1},
                              {"ment", "", m_gt_1},
                              {"ent", "", m_gt_1},
                              {"ion", "",
                               [](std::string_view stem) {
                                 return Measure(stem) > 1 &&
                                        (stem.back() == 's' || stem.back() == 't');
                               }},
                              {"ou", "", m_gt_1},
                              {"ism", "", m_gt_1},
                              {"ate", "", m_gt_1},
                              {"iti", "", m_gt_1},
                              {"ous", "", m_gt_1},
                              {"ive", "", m_gt_1},
                              {"ize", "", m_gt_1}});
}

// (m>1) E -> ; (m=1 and not *o) E -> . Both conditions are tried (nltk's note on step 5a).
std::string Step5a(std::string_view word) {
  if (EndsWith(word, "e")) {
    const std::string_view stem = WithoutSuffix(word, 1);
    if (Measure(stem) > 1) return std::string(stem);
    if (Measure(stem) == 1 && !EndsCvc(stem)) return std::string(stem);
  }
  return std::string(word);
}

// (m > 1 and *d and *L) -> single letter; nltk measures the word minus one 'l'.
std::string Step5b(std::string_view word) {
  const std::string word_copy(word);
  return ApplyRuleList(word, {{"ll", "l", [word_copy](std::string_view) {
                                 return Measure(WithoutSuffix(word_copy, 1)) > 1;
                               }}});
}

// nltk's NLTK_EXTENSIONS irregular_forms table, inverted (form -> stem).
constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kIrregularForms = {{
    {"sky", "sky"},
    {"skies", "sky"},
    {"dying", "die"},
    {"lying", "lie"},
    {"tying", "tie"},
    {"news", "news"},
    {"innings", "inning"},
    {"inning", "inning"},
    {"outings", "outing"},
    {"outing", "outing"},
    {"cannings", "canning"},
    {"canning", "canning"},
    {"howe", "howe"},
    {"proceed", "proceed"},
    {"exceed", "exceed"},
    {"succeed", "succeed"},
}};

}  // namespace

std::string PorterStem(std::string_view word) {
  std::string stem(word);
  for (char& ch : stem) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  for (const auto& [form, irregular_stem] : kIrregularForms) {
    if (stem == form) return std::string(irregular_stem);
  }
  // nltk leaves words of one or two letters alone (not in the paper).
  if (stem.size() <= 2) return stem;
  stem = Step1a(stem);
  stem = Step1b(stem);
  stem = Step1c(stem);
  stem = Step2(stem);
  stem = Step3(stem);
  stem = Step4(stem);
  stem = Step5a(stem);
  stem = Step5b(stem);
  return stem;
}

}  // namespace jb::tasks::metrics
