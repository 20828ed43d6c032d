#include "tasks/metrics/unicode_text.h"

#include <algorithm>
#include <iterator>
#include <vector>

namespace jb::tasks::metrics {
namespace {

// Lowercase mapping c -> c + delta for c in [first, last] stepping by `stride`.
struct LowerRun {
  char32_t first;
  char32_t last;
  int stride;
  int delta;
};

struct CodePointRange {
  char32_t first;
  char32_t last;
};

#include "tasks/metrics/unicode_tables.inc"

template <size_t N>
bool InRanges(const CodePointRange (&ranges)[N], char32_t c) {
  const auto* it =
      std::upper_bound(std::begin(ranges), std::end(ranges), c,
                       [](char32_t v, const CodePointRange& r) { return v < r.first; });
  return it != std::begin(ranges) && c <= std::prev(it)->last;
}

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// The single-code-point lowercase of a non-ASCII c (c itself when it has none).
char32_t LowerNonAscii(char32_t c) {
  const auto* it = std::upper_bound(std::begin(kLowerRuns), std::end(kLowerRuns), c,
                                    [](char32_t v, const LowerRun& r) { return v < r.first; });
  if (it == std::begin(kLowerRuns)) return c;
  const LowerRun& run = *std::prev(it);
  if (c > run.last || (c - run.first) % run.stride != 0) return c;
  return static_cast<char32_t>(static_cast<int>(c) + run.delta);
}

// CPython's handle_capital_sigma: U+03A3 lowercases to final U+03C2 in the context
// \p{Cased} \p{Case_Ignorable}* U+03A3 !(\p{Case_Ignorable}* \p{Cased}), else to U+03C3.
char32_t LowerCapitalSigma(const std::vector<Utf8CodePoint>& cps, size_t i) {
  size_t j = i;
  while (j > 0 && InRanges(kCaseIgnorableRanges, cps[j - 1].code_point)) --j;
  bool final_sigma = j > 0 && InRanges(kCasedRanges, cps[j - 1].code_point);
  if (final_sigma) {
    size_t k = i + 1;
    while (k < cps.size() && InRanges(kCaseIgnorableRanges, cps[k].code_point)) ++k;
    final_sigma = k == cps.size() || !InRanges(kCasedRanges, cps[k].code_point);
  }
  return final_sigma ? 0x3C2 : 0x3C3;
}

}  // namespace

Utf8CodePoint DecodeUtf8At(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  const Utf8CodePoint invalid{char32_t{0xDC00} + lead, text.substr(pos, 1)};
  if (lead < 0x80) return {lead, text.substr(pos, 1)};
  size_t length;
  char32_t c;
  char32_t min_value;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, c = lead & 0x1F, min_value = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, c = lead & 0x0F, min_value = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, c = lead & 0x07, min_value = 0x10000;
  } else {
    return invalid;
  }
  if (pos + length > text.size()) return invalid;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return invalid;
    c = (c << 6) | (byte(pos + i) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 (Python rejects them).
  if (c < min_value || (c >= 0xD800 && c < 0xE000) || c > 0x10FFFF) return invalid;
  return {c, text.substr(pos, length)};
}

bool IsPythonSpace(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  return InRanges(kSpaceRanges, c);
}

bool IsPythonWordChar(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  return InRanges(kWordRanges, c);
}

std::string PythonLower(std::string_view text) {
  std::vector<Utf8CodePoint> cps;
  for (size_t pos = 0; pos < text.size(); pos += cps.back().bytes.size()) {
    cps.push_back(DecodeUtf8At(text, pos));
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < cps.size(); ++i) {
    const Utf8CodePoint& cp = cps[i];
    if (cp.code_point < 0x80) {
      const char ch = cp.bytes[0];
      out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
    } else if (cp.code_point == 0x3A3) {
      AppendUtf8(LowerCapitalSigma(cps, i), out);
    } else if (cp.code_point == 0x130) {
      out.append("i\xCC\x87");  // The one multi-code-point mapping: "i" + COMBINING DOT ABOVE.
    } else if (cp.code_point >= 0xDC80 && cp.code_point <= 0xDCFF && cp.bytes.size() == 1) {
      out.append(cp.bytes);  // A malformed byte passes through.
    } else {
      AppendUtf8(LowerNonAscii(cp.code_point), out);
    }
  }
  return out;
}

std::vector<std::string_view> PythonSplitOn(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t hit = text.find(separator); hit != std::string_view::npos;
       hit = text.find(separator, start)) {
    parts.push_back(text.substr(start, hit - start));
    start = hit + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::vector<std::string_view> PythonSplit(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = std::string_view::npos;
  for (size_t pos = 0; pos < text.size();) {
    const Utf8CodePoint cp = DecodeUtf8At(text, pos);
    if (IsPythonSpace(cp.code_point)) {
      if (start != std::string_view::npos) parts.push_back(text.substr(start, pos - start));
      start = std::string_view::npos;
    } else if (start == std::string_view::npos) {
      start = pos;
    }
    pos += cp.bytes.size();
  }
  if (start != std::string_view::npos) parts.push_back(text.substr(start));
  return parts;
}

std::string PythonCollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::string_view part : PythonSplit(text)) {
    if (!out.empty()) out.push_back(' ');
    out.append(part);
  }
  return out;
}

std::string_view PythonRstrip(std::string_view text) {
  size_t end = 0;  // One past the last non-space code point.
  for (size_t pos = 0; pos < text.size();) {
    const Utf8CodePoint cp = DecodeUtf8At(text, pos);
    pos += cp.bytes.size();
    if (!IsPythonSpace(cp.code_point)) end = pos;
  }
  return text.substr(0, end);
}

}  // namespace jb::tasks::metrics
