// JsonReader: a strict, single-pass, pull-style JSON reader over a caller-owned buffer, for the
// hot path of streaming (one ~200-byte object per token, openai_stream.h). It builds no DOM and
// allocates nothing of its own, except to decode an object key that contains escapes: strings
// are appended into caller-provided std::strings (reusing their capacity) or viewed in place.
//
// Usage: the caller walks the document it expects and skips the rest.
//   JsonReader reader(text);
//   JB_RETURN_IF_ERROR(reader.ForEachMember([&](absl::string_view key) -> absl::Status {
//     if (key == "text") return reader.ReadString(&text);
//     return reader.SkipValue();
//   }));
//   JB_RETURN_IF_ERROR(reader.Finish());
//
// Strictness (RFC 8259): rejects unterminated or malformed values, trailing commas, bad escapes
// (including unpaired UTF-16 surrogates), raw control characters and invalid UTF-8 in strings,
// leading zeros, trailing characters after the value (Finish), and nesting deeper than
// kMaxDepth. Decoded strings are therefore valid UTF-8. Duplicate keys are passed to the
// callback as they come.
//
// Errors: every failure is InvalidArgument with the byte offset ("at byte 17: ..."). After an
// error the reader's position is unspecified: stop using it and return the status.
// Ownership: the reader views `text`, which must outlive it and every view it returns.
// Thread-compatible: one reader per document.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace jb::worker {

// The kind of the next value, from its first byte.
enum class JsonType { kObject, kArray, kString, kNumber, kBool, kNull, kNone };

class JsonReader {
 public:
  // Objects and arrays nested deeper than this are rejected (bounds the recursion of
  // SkipValue and of callers' nested ForEach calls).
  static constexpr int kMaxDepth = 64;

  explicit JsonReader(absl::string_view text) : text_(text) {}

  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // The type of the next value without consuming it; kNone at the end of the input or when
  // the next byte can start no value.
  JsonType Peek();

  // Reads an object, calling on_member(key) for each member with the reader at the member's
  // value. on_member must consume exactly that value (one Read*, Skip*, or ForEach* call) and
  // return OK, or return an error, which stops reading and is returned as is. The key is
  // decoded and valid only during the call.
  absl::Status ForEachMember(absl::FunctionRef<absl::Status(absl::string_view key)> on_member);

  // Reads an array, calling on_element() with the reader at each element; the same rules.
  absl::Status ForEachElement(absl::FunctionRef<absl::Status()> on_element);

  // Reads a string, decoding every escape (\uXXXX surrogate pairs into one code point) into
  // UTF-8: AppendString appends to *out, ReadString replaces *out's contents. On error *out
  // holds an unspecified prefix.
  absl::Status AppendString(std::string* out);
  absl::Status ReadString(std::string* out);

  // Reads a string as a view: into the input when it has no escapes (no copy), else decoded
  // into *scratch. The view is valid while the input and *scratch are.
  absl::Status ReadStringView(absl::string_view* value, std::string* scratch);

  // Reads a number. ReadDouble: any JSON number; one too large for a double is an error, one
  // too small becomes 0. ReadInt: an integer (no fraction or exponent) within Int's range.
  absl::Status ReadDouble(double* out);
  template <typename Int>
  absl::Status ReadInt(Int* out);

  absl::Status ReadBool(bool* out);

  // Consumes a null and returns true; returns false, consuming nothing, when the next value is
  // something else (or malformed: the next Read* reports it).
  bool ConsumeNull();

  // Consumes the next value, whatever it is, validating it and allocating nothing (except to
  // decode keys with escapes).
  absl::Status SkipValue();

  // OK when only whitespace remains after the values read.
  absl::Status Finish();

  // Bytes consumed so far.
  size_t offset() const { return pos_; }

 private:
  absl::Status ReadInt64InRange(int64_t min, int64_t max, int64_t* out);
  // Skips whitespace, then consumes `c` if it is next.
  bool Consume(char c);
  // Consumes the '{' or '[' of a value of `type`, one level deeper.
  absl::Status Enter(JsonType type, absl::string_view what);
  // Inline: called before every token, and almost always finds none (servers send compact
  // JSON).
  void SkipWhitespace() {
    while (pos_ < text_.size() && static_cast<unsigned char>(text_[pos_]) <= ' ') {
      const char c = text_[pos_];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      ++pos_;
    }
  }
  // Scans the string at pos_ (which is '"'); appends its decoded value to *out when out is
  // not null. *raw is the undecoded contents, *has_escapes whether it contains a backslash.
  absl::Status ScanString(std::string* out, absl::string_view* raw, bool* has_escapes);
  absl::Status DecodeEscape(std::string* out);
  absl::Status ReadHex4(uint32_t* out);
  // Scans the number at pos_ by the JSON grammar; *is_integer when it has no fraction or
  // exponent.
  absl::Status ScanNumber(absl::string_view* token, bool* is_integer);
  absl::Status ExpectLiteral(absl::string_view literal);
  absl::Status Expected(absl::string_view what);
  absl::Status Error(absl::string_view what) const;

  absl::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

template <typename Int>
absl::Status JsonReader::ReadInt(Int* out) {
  // int64_t holds every value of the allowed types, so one range-checked reader serves all.
  static_assert(std::is_integral_v<Int> && !std::is_same_v<Int, bool> &&
                    (std::is_signed_v<Int> ? sizeof(Int) <= 8 : sizeof(Int) < 8),
                "ReadInt supports integers that fit in int64_t");
  int64_t value = 0;
  absl::Status status =
      ReadInt64InRange(static_cast<int64_t>(std::numeric_limits<Int>::min()),
                       static_cast<int64_t>(std::numeric_limits<Int>::max()), &value);
  if (status.ok()) *out = static_cast<Int>(value);
  return status;
}

}  // namespace jb::worker
