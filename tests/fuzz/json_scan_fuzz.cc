// libFuzzer target: JsonReader against nlohmann::json as the reference. Both must agree on
// what is valid JSON (except where the two deliberately differ: JsonReader rejects nesting
// deeper than kMaxDepth and a byte order mark; nlohmann rejects numbers that overflow a double
// and stops at a NUL byte), and a document read through JsonReader's typed calls must equal
// nlohmann's parse of it. Any disagreement aborts. scripts/fuzz runs it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "worker/inference/json_scan.h"

namespace {

using jb::worker::JsonReader;
using jb::worker::JsonType;
using json = nlohmann::json;

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "json_scan_fuzz: %s\n", what);
  std::abort();
}

// Reads the next value with the typed calls into a nlohmann value (the last duplicate key
// wins, as in nlohmann's parser). *overflow is set for a number beyond double's range, which
// nlohmann turns into infinity and JsonReader rejects.
absl::Status Read(JsonReader& reader, json* out, bool* overflow) {
  switch (reader.Peek()) {
    case JsonType::kObject:
      *out = json::object();
      return reader.ForEachMember([&](absl::string_view key) -> absl::Status {
        return Read(reader, &(*out)[std::string(key)], overflow);
      });
    case JsonType::kArray:
      *out = json::array();
      return reader.ForEachElement([&]() -> absl::Status {
        out->push_back(nullptr);
        return Read(reader, &out->back(), overflow);
      });
    case JsonType::kString: {
      std::string text = "stale";  // ReadString must replace it
      JB_RETURN_IF_ERROR(reader.ReadString(&text));
      *out = std::move(text);
      return absl::OkStatus();
    }
    case JsonType::kNumber: {
      int64_t integer;
      if (reader.ReadInt(&integer).ok()) {
        *out = integer;
        return absl::OkStatus();
      }
      double value;
      absl::Status status = reader.ReadDouble(&value);
      if (absl::StrContains(status.message(), "too large")) *overflow = true;
      JB_RETURN_IF_ERROR(status);
      *out = value;
      return absl::OkStatus();
    }
    case JsonType::kBool: {
      bool value;
      JB_RETURN_IF_ERROR(reader.ReadBool(&value));
      *out = value;
      return absl::OkStatus();
    }
    case JsonType::kNull:
      if (!reader.ConsumeNull()) return reader.SkipValue();  // reports the malformed literal
      *out = nullptr;
      return absl::OkStatus();
    case JsonType::kNone:
      break;
  }
  return reader.SkipValue();  // reports what is there
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  JsonReader skipper(text);
  absl::Status skipped = skipper.SkipValue();
  if (skipped.ok()) skipped = skipper.Finish();
  Check(skipped.ok() || skipped.code() == absl::StatusCode::kInvalidArgument,
        "error other than InvalidArgument");

  json mine;
  absl::Status read = skipped;
  if (skipped.ok()) {
    JsonReader reader(text);
    bool overflow = false;
    read = Read(reader, &mine, &overflow);
    if (read.ok()) read = reader.Finish();
    // A number beyond double's range is valid JSON to SkipValue and an error to ReadDouble;
    // nlohmann rejects it ("number overflow"). Nothing to compare.
    if (overflow) return 0;
    Check(read.ok(), "typed read failed where SkipValue succeeded");
  }

  // nlohmann reads a NUL byte as the end of input (lexer::scan), so its verdict on inputs
  // with one says nothing; JsonReader's rejection of stray NULs is in json_scan_test.cc.
  if (text.find('\0') != absl::string_view::npos) return 0;
  const bool reference_ok = json::accept(text.begin(), text.end());
  const bool deliberately_stricter = absl::StrContains(skipped.message(), "nested deeper") ||
                                     absl::StartsWith(text, "\xEF\xBB\xBF");
  if (skipped.ok() != reference_ok && !(reference_ok && deliberately_stricter)) {
    std::fprintf(stderr, "JsonReader: %s; nlohmann accepts: %d\n", skipped.ToString().c_str(),
                 reference_ok);
    Check(false, "validity differs from nlohmann");
  }
  if (skipped.ok()) {
    Check(mine == json::parse(text.begin(), text.end()), "value differs from nlohmann's");
  }
  return 0;
}
