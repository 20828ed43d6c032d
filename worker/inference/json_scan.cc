#include "worker/inference/json_scan.h"

#include <array>
#include <charconv>
#include <cstring>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace jb::worker {
namespace {

// Bytes a string may contain as they are: printable ASCII other than '"' and '\\'. Control
// characters must be escaped (RFC 8259 section 7); bytes >= 0x80 go through ValidUtf8Length.
constexpr std::array<bool, 256> MakePlainTable() {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
  return table;
}
constexpr std::array<bool, 256> kPlain = MakePlainTable();

bool InRange(unsigned char c, unsigned char low, unsigned char high) {
  return c >= low && c <= high;
}

// The length of the well-formed UTF-8 sequence starting at text[pos] (a byte >= 0x80), or 0.
// The ranges are RFC 3629 section 4's: no overlong forms, no surrogates, nothing past U+10FFFF.
size_t ValidUtf8Length(absl::string_view text, size_t pos) {
  const size_t avail = text.size() - pos;
  auto at = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = at(0);
  if (InRange(lead, 0xC2, 0xDF)) {
    return avail >= 2 && InRange(at(1), 0x80, 0xBF) ? 2 : 0;
  }
  if (InRange(lead, 0xE0, 0xEF)) {
    if (avail < 3) return 0;
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return InRange(at(1), low, high) && InRange(at(2), 0x80, 0xBF) ? 3 : 0;
  }
  if (InRange(lead, 0xF0, 0xF4)) {
    if (avail < 4) return 0;
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return InRange(at(1), low, high) && InRange(at(2), 0x80, 0xBF) && InRange(at(3), 0x80, 0xBF)
               ? 4
               : 0;
  }
  return 0;
}

// The first position at or after `pos`, in steps of 8 bytes, whose 8-byte word holds a byte
// that is not plain ASCII (a quote, a backslash, a control character or a byte >= 0x80):
// the byte loop after it then has little left to do. SWAR ("SIMD within a register") tests
// from Hacker's Delight 6-1: a byte of x is zero when (x - 0x01..) & ~x & 0x80.. is set.
size_t SkipPlainWords(absl::string_view text, size_t pos) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  while (text.size() - pos >= 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + pos, 8);
    const uint64_t quote = word ^ (kOnes * '"');
    const uint64_t backslash = word ^ (kOnes * '\\');
    const uint64_t special = ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                             (word - kOnes * 0x20) | word;
    if ((special & kHighs) != 0) return pos;
    pos += 8;
  }
  return pos;
}

// Encodes a code point (< 0x110000, no surrogate) as UTF-8: a lead byte 0xxxxxxx, 110xxxxx,
// 1110xxxx or 11110xxx, then 10xxxxxx continuation bytes with six bits each.
void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
    return;
  }
  const int length = code_point < 0x800 ? 2 : code_point < 0x10000 ? 3 : 4;
  char bytes[4];
  for (int i = length - 1; i > 0; --i) {
    bytes[i] = static_cast<char>(0x80 | (code_point & 0x3F));
    code_point >>= 6;
  }
  bytes[0] = static_cast<char>(((0xFF00 >> length) & 0xFF) | code_point);
  out->append(bytes, length);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether a number that from_chars found out of range is too large (rather than too small):
// the decimal exponent of its first significant digit is positive. Such numbers are beyond
// 1e308 or below 1e-307, so the sign of that exponent decides.
bool IsOverflow(absl::string_view token) {
  size_t i = token[0] == '-' ? 1 : 0;
  int64_t magnitude = 0;  // decimal exponent of the first significant digit, plus one
  bool found = false;
  for (; i < token.size() && IsDigit(token[i]); ++i) {
    if (found) {
      ++magnitude;
    } else if (token[i] != '0') {
      found = true;
      magnitude = 1;
    }
  }
  if (i < token.size() && token[i] == '.') {
    for (++i; i < token.size() && IsDigit(token[i]); ++i) {
      if (found) continue;
      if (token[i] == '0') {
        --magnitude;
      } else {
        found = true;
      }
    }
  }
  int64_t exponent = 0;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    const bool negative = token[i] == '-';
    if (token[i] == '-' || token[i] == '+') ++i;
    // Capped far above any magnitude an input can have (its length), and far below overflow.
    for (; i < token.size() && exponent < (int64_t{1} << 50); ++i) {
      exponent = exponent * 10 + (token[i] - '0');
    }
    if (negative) exponent = -exponent;
  }
  return magnitude + exponent > 0;
}

}  // namespace

absl::Status JsonReader::Error(absl::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat("JSON at byte ", pos_, ": ", what));
}

absl::Status JsonReader::Expected(absl::string_view what) {
  if (pos_ >= text_.size()) return Error(absl::StrCat("expected ", what, ", got end of input"));
  const char c = text_[pos_];
  if (c >= 0x20 && c < 0x7F) {
    return Error(absl::StrCat("expected ", what, ", got '", absl::string_view(&c, 1), "'"));
  }
  return Error(absl::StrCat("expected ", what, ", got byte 0x",
                            absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2)));
}

JsonType JsonReader::Peek() {
  SkipWhitespace();
  if (pos_ >= text_.size()) return JsonType::kNone;
  switch (text_[pos_]) {
    case '{':
      return JsonType::kObject;
    case '[':
      return JsonType::kArray;
    case '"':
      return JsonType::kString;
    case 't':
    case 'f':
      return JsonType::kBool;
    case 'n':
      return JsonType::kNull;
    default:
      return text_[pos_] == '-' || IsDigit(text_[pos_]) ? JsonType::kNumber : JsonType::kNone;
  }
}

bool JsonReader::Consume(char c) {
  SkipWhitespace();
  if (pos_ >= text_.size() || text_[pos_] != c) return false;
  ++pos_;
  return true;
}

absl::Status JsonReader::Enter(JsonType type, absl::string_view what) {
  if (Peek() != type) return Expected(what);
  if (++depth_ > kMaxDepth) return Error(absl::StrCat("nested deeper than ", kMaxDepth));
  ++pos_;
  return absl::OkStatus();
}

absl::Status JsonReader::ForEachMember(
    absl::FunctionRef<absl::Status(absl::string_view key)> on_member) {
  JB_RETURN_IF_ERROR(Enter(JsonType::kObject, "an object"));
  std::string decoded_key;  // used only for keys with escapes, which OpenAI servers never send
  if (!Consume('}')) {
    do {
      SkipWhitespace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Expected("a member name");
      const size_t key_start = pos_;
      absl::string_view key;
      bool has_escapes = false;
      JB_RETURN_IF_ERROR(ScanString(nullptr, &key, &has_escapes));
      if (has_escapes) {
        pos_ = key_start;
        decoded_key.clear();
        JB_RETURN_IF_ERROR(ScanString(&decoded_key, &key, &has_escapes));
        key = decoded_key;
      }
      if (!Consume(':')) return Expected("':'");
      JB_RETURN_IF_ERROR(on_member(key));
    } while (Consume(','));
    if (!Consume('}')) return Expected("',' or '}'");
  }
  --depth_;
  return absl::OkStatus();
}

absl::Status JsonReader::ForEachElement(absl::FunctionRef<absl::Status()> on_element) {
  JB_RETURN_IF_ERROR(Enter(JsonType::kArray, "an array"));
  if (!Consume(']')) {
    do {
      JB_RETURN_IF_ERROR(on_element());
    } while (Consume(','));
    if (!Consume(']')) return Expected("',' or ']'");
  }
  --depth_;
  return absl::OkStatus();
}

absl::Status JsonReader::ScanString(std::string* out, absl::string_view* raw, bool* has_escapes) {
  ++pos_;  // the opening quote
  const size_t start = pos_;
  *has_escapes = false;
  while (true) {
    // Copy runs of plain bytes and well-formed UTF-8 in one append. A local position, since
    // pos_ would be stored on every byte (a char read may alias *this).
    const size_t run_start = pos_;
    size_t pos = SkipPlainWords(text_, pos_);
    while (pos < text_.size()) {
      const unsigned char c = static_cast<unsigned char>(text_[pos]);
      if (kPlain[c]) {
        ++pos;
      } else if (c >= 0x80) {
        const size_t length = ValidUtf8Length(text_, pos);
        if (length == 0) {
          pos_ = pos;
          return Error("invalid UTF-8 in a string");
        }
        pos += length;
      } else {
        break;
      }
    }
    pos_ = pos;
    if (out != nullptr) out->append(text_.data() + run_start, pos_ - run_start);
    if (pos_ >= text_.size()) return Error("unterminated string");
    const char c = text_[pos_];
    if (c == '"') {
      *raw = text_.substr(start, pos_ - start);
      ++pos_;
      return absl::OkStatus();
    }
    if (c != '\\') return Error("control character in a string (must be escaped)");
    *has_escapes = true;
    JB_RETURN_IF_ERROR(DecodeEscape(out));
  }
}

absl::Status JsonReader::ReadHex4(uint32_t* out) {
  if (text_.size() - pos_ < 4) return Error("truncated \\u escape");
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = text_[pos_ + i];
    uint32_t digit;
    if (IsDigit(c)) {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return Error("bad hex digit in a \\u escape");
    }
    value = value * 16 + digit;
  }
  pos_ += 4;
  *out = value;
  return absl::OkStatus();
}

absl::Status JsonReader::DecodeEscape(std::string* out) {
  // The one-letter escapes of RFC 8259 section 7, and what each stands for.
  static constexpr absl::string_view kLetters = "\"\\/bfnrt";
  static constexpr absl::string_view kMeanings = "\"\\/\b\f\n\r\t";
  ++pos_;  // the backslash
  if (pos_ >= text_.size()) return Error("unterminated string");
  const char c = text_[pos_];
  if (const size_t letter = kLetters.find(c); letter != absl::string_view::npos) {
    ++pos_;
    if (out != nullptr) out->push_back(kMeanings[letter]);
    return absl::OkStatus();
  }
  if (c != 'u') return Error("bad escape in a string");
  ++pos_;
  uint32_t code_point;
  JB_RETURN_IF_ERROR(ReadHex4(&code_point));
  if (code_point >= 0xDC00 && code_point <= 0xDFFF) return Error("unpaired low surrogate");
  if (code_point >= 0xD800 && code_point <= 0xDBFF) {
    // A high surrogate must be followed by an escaped low one.
    if (text_.size() - pos_ < 2 || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') {
      return Error("unpaired high surrogate");
    }
    pos_ += 2;
    uint32_t low;
    JB_RETURN_IF_ERROR(ReadHex4(&low));
    if (low < 0xDC00 || low > 0xDFFF) return Error("unpaired high surrogate");
    code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
  }
  if (out != nullptr) AppendUtf8(code_point, out);
  return absl::OkStatus();
}

absl::Status JsonReader::AppendString(std::string* out) {
  if (Peek() != JsonType::kString) return Expected("a string");
  absl::string_view raw;
  bool has_escapes;
  return ScanString(out, &raw, &has_escapes);
}

absl::Status JsonReader::ReadString(std::string* out) {
  out->clear();
  return AppendString(out);
}

absl::Status JsonReader::ReadStringView(absl::string_view* value, std::string* scratch) {
  if (Peek() != JsonType::kString) return Expected("a string");
  const size_t start = pos_;
  bool has_escapes;
  JB_RETURN_IF_ERROR(ScanString(nullptr, value, &has_escapes));
  if (!has_escapes) return absl::OkStatus();
  pos_ = start;
  scratch->clear();
  JB_RETURN_IF_ERROR(ScanString(scratch, value, &has_escapes));
  *value = *scratch;
  return absl::OkStatus();
}

absl::Status JsonReader::ScanNumber(absl::string_view* token, bool* is_integer) {
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  (RFC 8259 section 6)
  const size_t start = pos_;
  auto digits = [&] {
    const size_t from = pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    return pos_ - from;
  };
  if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '0') {
    ++pos_;
    if (pos_ < text_.size() && IsDigit(text_[pos_])) return Error("leading zero in a number");
  } else if (digits() == 0) {
    return Expected("a digit");
  }
  *is_integer = true;
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    *is_integer = false;
    if (digits() == 0) return Expected("a digit after '.'");
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    *is_integer = false;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (digits() == 0) return Expected("a digit in the exponent");
  }
  *token = text_.substr(start, pos_ - start);
  return absl::OkStatus();
}

absl::Status JsonReader::ReadDouble(double* out) {
  if (Peek() != JsonType::kNumber) return Expected("a number");
  const size_t start = pos_;
  absl::string_view token;
  bool is_integer;
  JB_RETURN_IF_ERROR(ScanNumber(&token, &is_integer));
  // from_chars is locale-independent and exact; the grammar was checked above.
  double value = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error == std::errc::result_out_of_range) {
    if (IsOverflow(token)) {
      pos_ = start;
      return Error("number too large for a double");
    }
    value = token[0] == '-' ? -0.0 : 0.0;
  } else if (error != std::errc() || end != token.data() + token.size()) {
    pos_ = start;
    return Error("unreadable number");
  }
  *out = value;
  return absl::OkStatus();
}

absl::Status JsonReader::ReadInt64InRange(int64_t min, int64_t max, int64_t* out) {
  if (Peek() != JsonType::kNumber) return Expected("an integer");
  const size_t start = pos_;
  absl::string_view token;
  bool is_integer;
  JB_RETURN_IF_ERROR(ScanNumber(&token, &is_integer));
  int64_t value = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  pos_ = start;  // errors point at the number
  if (!is_integer) return Error(absl::StrCat("expected an integer, got ", token));
  if (error != std::errc() || value < min || value > max) {
    return Error(absl::StrCat("integer ", token, " out of range [", min, ", ", max, "]"));
  }
  pos_ += token.size();
  *out = value;
  return absl::OkStatus();
}

absl::Status JsonReader::ExpectLiteral(absl::string_view literal) {
  if (text_.substr(pos_, literal.size()) != literal) return Expected(literal);
  pos_ += literal.size();
  return absl::OkStatus();
}

absl::Status JsonReader::ReadBool(bool* out) {
  if (Peek() != JsonType::kBool) return Expected("true or false");
  const bool value = text_[pos_] == 't';
  JB_RETURN_IF_ERROR(ExpectLiteral(value ? "true" : "false"));
  *out = value;
  return absl::OkStatus();
}

bool JsonReader::ConsumeNull() {
  if (Peek() != JsonType::kNull || text_.substr(pos_, 4) != "null") return false;
  pos_ += 4;
  return true;
}

absl::Status JsonReader::SkipValue() {
  switch (Peek()) {
    case JsonType::kObject:
      return ForEachMember([this](absl::string_view) { return SkipValue(); });
    case JsonType::kArray:
      return ForEachElement([this] { return SkipValue(); });
    case JsonType::kString: {
      absl::string_view raw;
      bool has_escapes;
      return ScanString(nullptr, &raw, &has_escapes);
    }
    case JsonType::kNumber: {
      absl::string_view token;
      bool is_integer;
      return ScanNumber(&token, &is_integer);
    }
    case JsonType::kBool: {
      bool ignored;
      return ReadBool(&ignored);
    }
    case JsonType::kNull:
      return ExpectLiteral("null");
    case JsonType::kNone:
      break;
  }
  return Expected("a value");
}

absl::Status JsonReader::Finish() {
  SkipWhitespace();
  if (pos_ != text_.size()) return Expected("the end of input");
  return absl::OkStatus();
}

}  // namespace jb::worker
