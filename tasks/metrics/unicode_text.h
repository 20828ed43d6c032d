// Python 3 `str` semantics on UTF-8 text, for the reference metrics that run on `str`.
//
// What it computes: the string operations whose non-ASCII behaviour decides the output of
// SQuAD's evaluate-v2.0.py, rouge_score's tokenize.py and sacrebleu's tokenizers:
//   - PythonLower      = str.lower()   (full Unicode mapping; U+0130 becomes "i" + U+0307, and
//                                       U+03A3 follows CPython's Final_Sigma context rule)
//   - PythonSplit      = str.split()   (split on runs of str.isspace() code points, drop empties)
//   - IsPythonWordChar = `\w` of Python's `re` on str (letters, numbers and "_")
// Reference: CPython 3.11.2 with Unicode 14.0.0. The non-ASCII tables are generated from that
// interpreter by gen_unicode_tables.py into unicode_tables.inc.
// Malformed UTF-8: each byte of an invalid sequence is passed through unchanged and counts as
// one non-space, non-word, caseless code point (Python would have refused to decode it).
// Thread-safety: pure functions on immutable tables; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jb::tasks::metrics {

// One decoded code point and the bytes it occupied in the UTF-8 input.
struct Utf8CodePoint {
  char32_t code_point = 0;
  std::string_view bytes;
};

// Decodes the code point starting at text[pos]; never reads past the end. A malformed or
// truncated sequence yields its first byte alone, with code_point = that byte value + 0xDC00
// (CPython's surrogateescape convention), which none of the predicates below accept.
Utf8CodePoint DecodeUtf8At(std::string_view text, size_t pos);

// Python's str.isspace() for one code point.
bool IsPythonSpace(char32_t c);

// Python's `re` `\w` (str pattern) for one code point: str.isalnum() or '_'.
bool IsPythonWordChar(char32_t c);

// Python's str.lower() applied to UTF-8 text.
std::string PythonLower(std::string_view text);

// Python's str.split(separator) for a one-character separator: keeps empty parts.
std::vector<std::string_view> PythonSplitOn(std::string_view text, char separator);

// Python's str.split() with no arguments: the maximal runs of non-space code points.
std::vector<std::string_view> PythonSplit(std::string_view text);

// ' '.join(text.split()): whitespace runs become one space, none at either end.
std::string PythonCollapseWhitespace(std::string_view text);

// Python's str.rstrip() with no arguments.
std::string_view PythonRstrip(std::string_view text);

}  // namespace jb::tasks::metrics
