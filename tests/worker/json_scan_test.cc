// JsonReader: reading every kind of value, decoding every escape, and rejecting every kind of
// malformed input (cross-checked against nlohmann::json so the table itself cannot be wrong).
#include "worker/inference/json_scan.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

// Reads one whole document, validating it.
absl::Status Validate(absl::string_view text) {
  JsonReader reader(text);
  JB_RETURN_IF_ERROR(reader.SkipValue());
  return reader.Finish();
}

// Decodes a document that is one string; an error fails the test.
std::string DecodeString(absl::string_view text) {
  JsonReader reader(text);
  std::string out;
  absl::Status status = reader.ReadString(&out);
  if (status.ok()) status = reader.Finish();
  if (!status.ok()) {
    ADD_FAILURE() << text << ": " << status;
    return "<error>";
  }
  return out;
}

TEST(JsonReaderTest, WalksObjectMembersInOrderAndSkipsWhatItIsNotAskedFor) {
  JsonReader reader(R"( {"name": "tiny", "skip": {"a": [1, {"b": null}], "c": "x"},
                         "n": -12, "ok": true, "none": null, "list": [1.5, 2]} )");
  std::vector<std::string> keys;
  std::string name;
  int64_t n = 0;
  bool ok = false;
  bool none_was_null = false;
  std::vector<double> list;
  ASSERT_OK(reader.ForEachMember([&](absl::string_view key) -> absl::Status {
    keys.emplace_back(key);
    if (key == "name") return reader.ReadString(&name);
    if (key == "n") return reader.ReadInt(&n);
    if (key == "ok") return reader.ReadBool(&ok);
    if (key == "none") {
      none_was_null = reader.ConsumeNull();
      return absl::OkStatus();
    }
    if (key == "list") {
      return reader.ForEachElement([&]() -> absl::Status {
        double value;
        JB_RETURN_IF_ERROR(reader.ReadDouble(&value));
        list.push_back(value);
        return absl::OkStatus();
      });
    }
    return reader.SkipValue();
  }));
  EXPECT_OK(reader.Finish());
  EXPECT_THAT(keys, ElementsAre("name", "skip", "n", "ok", "none", "list"));
  EXPECT_EQ(name, "tiny");
  EXPECT_EQ(n, -12);
  EXPECT_TRUE(ok);
  EXPECT_TRUE(none_was_null);
  EXPECT_THAT(list, ElementsAre(1.5, 2.0));
}

TEST(JsonReaderTest, EmptyContainersCallNothing) {
  JsonReader reader(R"({"a": {}, "b": [ ]})");
  int calls = 0;
  ASSERT_OK(reader.ForEachMember([&](absl::string_view key) -> absl::Status {
    if (key == "a") {
      return reader.ForEachMember([&](absl::string_view) -> absl::Status {
        ++calls;
        return reader.SkipValue();
      });
    }
    return reader.ForEachElement([&]() -> absl::Status {
      ++calls;
      return reader.SkipValue();
    });
  }));
  EXPECT_OK(reader.Finish());
  EXPECT_EQ(calls, 0);
}

TEST(JsonReaderTest, DecodesEveryEscape) {
  EXPECT_EQ(DecodeString(R"("a\"b\\c\/d\be\ff\ng\rh\ti")"), "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(DecodeString(R"("\u0041\u00e9\u20AC")"), "A\xC3\xA9\xE2\x82\xAC");  // A é €
  // A surrogate pair is one code point: U+1F600 in four bytes.
  EXPECT_EQ(DecodeString(R"("\ud83d\ude00!")"), "\xF0\x9F\x98\x80!");
  EXPECT_EQ(DecodeString(R"("\uDBFF\uDFFF")"), "\xF4\x8F\xBF\xBF");  // U+10FFFF
  EXPECT_EQ(DecodeString(R"("nul\u0000byte")"), std::string("nul\0byte", 8));
  // Raw UTF-8 passes through unchanged.
  EXPECT_EQ(DecodeString("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\""),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(DecodeString(R"("")"), "");
}

TEST(JsonReaderTest, AppendStringAppendsAndReadStringReplacesReusingCapacity) {
  std::string out = "prefix:";
  JsonReader append(R"("x\ny")");
  ASSERT_OK(append.AppendString(&out));
  EXPECT_EQ(out, "prefix:x\ny");

  out.reserve(256);
  const char* buffer = out.data();
  JsonReader replace(R"("short")");
  ASSERT_OK(replace.ReadString(&out));
  EXPECT_EQ(out, "short");
  EXPECT_EQ(out.data(), buffer);  // no reallocation
}

TEST(JsonReaderTest, ReadStringViewCopiesOnlyWhenThereAreEscapes) {
  const std::string text = R"(["plain", "esc\taped"])";
  JsonReader reader(text);
  std::vector<std::pair<std::string, bool>> seen;  // value, points into the input
  std::string scratch;
  ASSERT_OK(reader.ForEachElement([&]() -> absl::Status {
    absl::string_view value;
    JB_RETURN_IF_ERROR(reader.ReadStringView(&value, &scratch));
    const bool in_input = value.data() >= text.data() && value.data() < text.data() + text.size();
    seen.emplace_back(std::string(value), in_input);
    return absl::OkStatus();
  }));
  EXPECT_THAT(seen, ElementsAre(Pair("plain", true), Pair("esc\taped", false)));
}

TEST(JsonReaderTest, KeysWithEscapesAreDecoded) {
  JsonReader reader(R"({"ch\u006fices": 1, "a\"b": 2})");
  std::vector<std::string> keys;
  ASSERT_OK(reader.ForEachMember([&](absl::string_view key) -> absl::Status {
    keys.emplace_back(key);
    return reader.SkipValue();
  }));
  EXPECT_THAT(keys, ElementsAre("choices", "a\"b"));
}

TEST(JsonReaderTest, ReadsDoubles) {
  struct Case {
    const char* text;
    double value;
  };
  for (const Case& c :
       {Case{"0", 0.0}, Case{"-0", -0.0}, Case{"1.5", 1.5}, Case{"-1.5e3", -1500},
        Case{"1E+2", 100}, Case{"2.5e-1", 0.25}, Case{"-9999.0", -9999}, Case{"1e-400", 0.0},
        Case{"123456789012345678901234567890", 1.2345678901234568e29}}) {
    JsonReader reader(c.text);
    double value = -1;
    ASSERT_OK(reader.ReadDouble(&value)) << c.text;
    EXPECT_OK(reader.Finish());
    EXPECT_DOUBLE_EQ(value, c.value) << c.text;
  }
  JsonReader huge("1e400");
  double value;
  EXPECT_THAT(huge.ReadDouble(&value),
              StatusIs(absl::StatusCode::kInvalidArgument, "too large for a double"));
}

TEST(JsonReaderTest, ReadsIntegersWithinTheTypesRange) {
  int64_t i64 = 0;
  JsonReader min("-9223372036854775808");
  ASSERT_OK(min.ReadInt(&i64));
  EXPECT_EQ(i64, INT64_MIN);
  JsonReader max("9223372036854775807");
  ASSERT_OK(max.ReadInt(&i64));
  EXPECT_EQ(i64, INT64_MAX);
  JsonReader over("9223372036854775808");
  EXPECT_THAT(over.ReadInt(&i64), StatusIs(absl::StatusCode::kInvalidArgument, "out of range"));

  uint32_t u32 = 7;
  JsonReader top("4294967295");
  ASSERT_OK(top.ReadInt(&u32));
  EXPECT_EQ(u32, UINT32_MAX);
  for (const char* bad : {"4294967296", "-1"}) {
    JsonReader reader(bad);
    EXPECT_THAT(reader.ReadInt(&u32), StatusIs(absl::StatusCode::kInvalidArgument, "out of range"))
        << bad;
  }
  for (const char* bad : {"1.0", "1e2", "0.5"}) {
    JsonReader reader(bad);
    EXPECT_THAT(reader.ReadInt(&i64),
                StatusIs(absl::StatusCode::kInvalidArgument, "expected an integer"))
        << bad;
  }
  EXPECT_EQ(u32, UINT32_MAX);  // failures leave the output alone
}

TEST(JsonReaderTest, WrongTypesAreInvalidArgumentWithTheOffset) {
  JsonReader reader(R"({"a": 12})");
  ASSERT_OK(reader.ForEachMember([&](absl::string_view) -> absl::Status {
    std::string text;
    EXPECT_THAT(reader.ReadString(&text),
                StatusIs(absl::StatusCode::kInvalidArgument, "at byte 6: expected a string"));
    bool flag;
    EXPECT_THAT(reader.ReadBool(&flag), StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_FALSE(reader.ConsumeNull());
    EXPECT_EQ(reader.Peek(), JsonType::kNumber);
    return reader.SkipValue();
  }));
}

TEST(JsonReaderTest, PeekNamesTheNextValue) {
  struct Case {
    const char* text;
    JsonType type;
  };
  for (const Case& c :
       {Case{" {", JsonType::kObject}, Case{"[", JsonType::kArray}, Case{"\"", JsonType::kString},
        Case{"-1", JsonType::kNumber}, Case{"7", JsonType::kNumber}, Case{"false", JsonType::kBool},
        Case{"null", JsonType::kNull}, Case{"", JsonType::kNone}, Case{"]", JsonType::kNone}}) {
    JsonReader reader(c.text);
    EXPECT_EQ(reader.Peek(), c.type) << c.text;
  }
}

TEST(JsonReaderTest, CallbackErrorsStopReadingAndAreReturnedAsIs) {
  JsonReader reader(R"({"a": 1, "b": 2})");
  int calls = 0;
  EXPECT_THAT(reader.ForEachMember([&](absl::string_view) -> absl::Status {
    ++calls;
    return absl::NotFoundError("mine");
  }),
              StatusIs(absl::StatusCode::kNotFound, "mine"));
  EXPECT_EQ(calls, 1);
}

TEST(JsonReaderTest, ACallbackThatLeavesItsValueUnreadIsAnError) {
  JsonReader reader(R"({"a": 1})");
  EXPECT_THAT(reader.ForEachMember([&](absl::string_view) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected ',' or '}'"));
}

TEST(JsonReaderTest, NestingIsLimitedTo64) {
  const int limit = JsonReader::kMaxDepth;
  const std::string deepest_ok = std::string(limit, '[') + std::string(limit, ']');
  EXPECT_OK(Validate(deepest_ok));
  const std::string too_deep = std::string(limit + 1, '[') + std::string(limit + 1, ']');
  EXPECT_THAT(Validate(too_deep), StatusIs(absl::StatusCode::kInvalidArgument, "nested deeper"));
  std::string objects;
  for (int i = 0; i <= limit; ++i) objects += "{\"a\":";
  objects += "1" + std::string(limit + 1, '}');
  EXPECT_THAT(Validate(objects), StatusIs(absl::StatusCode::kInvalidArgument, "nested deeper"));
}

TEST(JsonReaderTest, AcceptsEveryKindOfValidDocument) {
  for (const char* text :
       {"0", "-0", "1e5", "-1.25E-3", "true", "false", "null", "\"\"", "[]", "{}",
        " \t\r\n[ 1 , { \"a\" : [ ] , \"b\" : { } } , \"x\" , null ] \n", R"("\u00e9\ud83d\ude00")",
        "{\"a\":{\"a\":{\"a\":1}}}", "\"\xE2\x82\xAC\xF4\x8F\xBF\xBF\xED\x9F\xBF\""}) {
    EXPECT_OK(Validate(text)) << text;
    EXPECT_TRUE(nlohmann::json::accept(text)) << "the case itself is wrong: " << text;
  }
}

TEST(JsonReaderTest, RejectsEveryKindOfMalformedDocument) {
  const std::vector<std::string> malformed = {
      // structure
      "", " ", "{", "}", "[", "]", "[1,]", "[,1]", "[1 2]", R"({"a":1,})", R"({"a" 1})", "{a:1}",
      R"({"a":})", R"({"a":1 "b":2})", R"({,"a":1})", R"({"a":1]})", R"([1})", "{1:2}",
      // trailing garbage
      "[1]x", "{} {}", "1 2", "nullx", "\"a\"\"b\"",
      // literals
      "tru", "nul", "True", "NULL", "fals", "NaN", "Infinity", "'a'",
      // numbers
      "01", "-", "-01", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.e5", "--1",
      // strings: unterminated, bad escapes, control characters
      "\"abc", "\"abc\\\"", R"("a\x")", R"("\u12G4")", R"("\u123")", R"("\u")", R"("\U0041")",
      "\"a\tb\"", "\"a\nb\"", std::string("\"a\0b\"", 5), "\"\x1f\"",
      // unpaired surrogates
      R"("\ud800")", R"("\udc00")", R"("\ud800\u0041")", R"("\ud800x")", R"("\ud800\ud800")",
      // invalid UTF-8: stray continuation, overlong, encoded surrogate, past U+10FFFF, truncated
      "\"\x80\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"",
      "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xe2\x82\"", "\"\xc3\""};
  for (const std::string& text : malformed) {
    EXPECT_THAT(Validate(text), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
    EXPECT_FALSE(nlohmann::json::accept(text)) << "the case itself is wrong: " << text;
  }
  // RFC 8259 section 8.1 lets a parser accept a byte order mark (nlohmann does); no server
  // sends one, so it is rejected like any other stray byte.
  EXPECT_THAT(Validate("\xEF\xBB\xBF{}"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JsonReaderTest, ErrorsNameTheProblemAndItsOffset) {
  EXPECT_THAT(Validate(R"({"a": "x)"),
              StatusIs(absl::StatusCode::kInvalidArgument, "at byte 8: unterminated string"));
  EXPECT_THAT(Validate(R"(["\q"])"),
              StatusIs(absl::StatusCode::kInvalidArgument, "at byte 3: bad escape"));
  EXPECT_THAT(Validate("[1] x"), StatusIs(absl::StatusCode::kInvalidArgument,
                                          "at byte 4: expected the end of input, got 'x'"));
  EXPECT_THAT(Validate("\"a\x01\""),
              StatusIs(absl::StatusCode::kInvalidArgument, "control character"));
}

}  // namespace
}  // namespace jb::worker
