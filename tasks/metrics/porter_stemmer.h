// The Porter stemmer exactly as google-research rouge_score applies it with use_stemmer=True.
//
// Reference: rouge_score 0.1.2 (rouge_score/tokenizers.py, DefaultTokenizer) constructs
// `nltk.stem.porter.PorterStemmer()`, i.e. mode NLTK_EXTENSIONS, and calls `.stem(token)`.
// This file reproduces nltk/stem/porter.py, PorterStemmer.stem, NLTK_EXTENSIONS mode, as of
// nltk 3.8.1 (github.com/nltk/nltk commit f2a92bd7e360e39a4439e4d97540fd68f2721451; the Debian
// python3-nltk 3.8 copy is identical apart from formatting).
//
// Algorithm (Porter 1980, "An algorithm for suffix stripping", plus the NLTK extensions):
//   1. Irregular forms (sky/skies, dying, lying, tying, news, innings, outings, cannings, howe,
//      proceed, exceed, succeed) map through a fixed table; words of length <= 2 are returned.
//   2. Steps 1a, 1b, 1c, 2, 3, 4, 5a, 5b in order. Each step tries its suffix rules in list
//      order and stops at the FIRST rule whose suffix matches, applied or not (nltk's
//      _apply_rule_list); the NLTK extensions add 'ies'/'ied' on 4-letter words, y->i only after
//      a consonant, 'alli' re-entry and 'fulli'/'logi' in step 2, and the 2-letter *o case.
// REQUIRES: `word` is lowercase ASCII, as rouge_score's tokenizer guarantees ([a-z0-9]+).
// Other bytes are treated as consonants, as nltk treats any non-vowel character.
// Thread-safety: a pure function; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace jb::tasks::metrics {

// nltk PorterStemmer().stem(word) for a lowercase ASCII word.
std::string PorterStem(std::string_view word);

}  // namespace jb::tasks::metrics
