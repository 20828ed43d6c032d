#include "worker/inference/http_response_parser.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "worker/inference/http_wire.h"

namespace jb::worker {
namespace {

// A chunk-size line is hex digits and extensions nobody sends long; 4 KiB bounds a garbage one.
constexpr size_t kMaxChunkSizeLine = 4096;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

absl::string_view TrimBlanks(absl::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

absl::Status Malformed(absl::string_view what, absl::string_view line) {
  constexpr size_t kShown = 80;
  return absl::InternalError(absl::StrCat("malformed HTTP response: ", what, " in \"",
                                          absl::CHexEscape(line.substr(0, kShown)),
                                          line.size() > kShown ? "...\"" : "\""));
}

// "42" or a list of equal values ("42, 42", RFC 9110 section 8.6).
absl::StatusOr<uint64_t> ParseContentLength(absl::string_view value) {
  bool seen = false;
  uint64_t length = 0;
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    item = TrimBlanks(item);
    uint64_t parsed = 0;
    const bool digits =
        !item.empty() && item.size() <= 19 && std::all_of(item.begin(), item.end(), [](char c) {
          return absl::ascii_isdigit(static_cast<unsigned char>(c));
        });
    if (!digits || !absl::SimpleAtoi(item, &parsed) || (seen && parsed != length)) {
      return Malformed("bad Content-Length", value);
    }
    seen = true;
    length = parsed;
  }
  if (!seen) return Malformed("empty Content-Length", value);
  return length;
}

// Whether a comma-separated header value lists `token` (case-insensitive).
bool HasToken(absl::string_view value, absl::string_view token) {
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    if (absl::EqualsIgnoreCase(TrimBlanks(item), token)) return true;
  }
  return false;
}

// The last transfer coding named by a Transfer-Encoding value, without parameters.
absl::string_view LastCoding(absl::string_view value) {
  absl::string_view last;
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    item = TrimBlanks(item.substr(0, item.find(';')));
    if (!item.empty()) last = item;
  }
  return last;
}

}  // namespace

void HttpResponseParser::Reset() {
  state_ = State::kStatusLine;
  error_ = absl::OkStatus();
  started_ = false;
  keep_alive_ = false;
  http11_ = false;
  saw_chunk_cr_ = false;
  head_bytes_ = 0;
  body_bytes_ = 0;
  remaining_ = 0;
  line_.clear();
  head_.status = 0;
  head_.headers.clear();
}

absl::Status HttpResponseParser::Fail(absl::Status status) {
  state_ = State::kFailed;
  error_ = status;
  return status;
}

HttpResponseParser::LineResult HttpResponseParser::TakeLine(absl::string_view& in, size_t limit,
                                                            absl::string_view& line,
                                                            size_t& raw_size) {
  const char* newline = static_cast<const char*>(std::memchr(in.data(), '\n', in.size()));
  const size_t taken = newline == nullptr ? in.size() : static_cast<size_t>(newline - in.data());
  if (line_.size() + taken + (newline != nullptr ? 1 : 0) > limit) return LineResult::kTooLong;
  if (newline == nullptr) {
    line_.append(in.data(), in.size());
    in = absl::string_view();
    return LineResult::kPartial;
  }
  // Most lines arrive whole: they are parsed in place, only split ones are copied.
  if (line_.empty()) {
    line = in.substr(0, taken);
  } else {
    line_.append(in.data(), taken);
    line = line_;
  }
  in.remove_prefix(taken + 1);
  raw_size = line.size() + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return LineResult::kLine;
}

absl::Status HttpResponseParser::ParseStatusLine(absl::string_view line) {
  // "HTTP/1.1 200 OK": the reason phrase may be empty or absent.
  if (line.size() < 12 || !absl::StartsWith(line, "HTTP/1.") ||
      !absl::ascii_isdigit(static_cast<unsigned char>(line[7])) || line[8] != ' ' ||
      (line.size() > 12 && line[12] != ' ')) {
    return Malformed("bad status line", line);
  }
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(line[i]))) {
      return Malformed("bad status code", line);
    }
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100) return Malformed("bad status code", line);
  http11_ = line[7] != '0';
  head_.status = status;
  return absl::OkStatus();
}

absl::Status HttpResponseParser::ParseHeaderLine(absl::string_view line) {
  if (line.find_first_of(absl::string_view("\r\0", 2)) != absl::string_view::npos) {
    return Malformed("stray CR or NUL in a header field", line);
  }
  if (IsBlank(line.front())) {
    // Obsolete line folding (RFC 9112 section 5.2): continues the previous field's value.
    if (head_.headers.empty()) return Malformed("folded line before any header field", line);
    const absl::string_view more = TrimBlanks(line);
    std::string& value = head_.headers.back().value;
    if (!more.empty()) {
      if (!value.empty()) value.push_back(' ');
      value.append(more.data(), more.size());
    }
    return absl::OkStatus();
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return Malformed("header field without a name and colon", line);
  }
  const absl::string_view name = line.substr(0, colon);
  if (!IsHttpToken(name)) {
    return Malformed("bad header field name", line);
  }
  HttpHeader& header = head_.headers.emplace_back();
  header.name.assign(name.data(), name.size());
  absl::AsciiStrToLower(&header.name);
  const absl::string_view value = TrimBlanks(line.substr(colon + 1));
  header.value.assign(value.data(), value.size());
  return absl::OkStatus();
}

absl::Status HttpResponseParser::ChooseFraming() {
  bool close = false;
  bool keep = false;
  bool chunked = false;
  bool has_coding = false;
  bool has_length = false;
  uint64_t length = 0;
  for (const HttpHeader& header : head_.headers) {
    if (header.name == "connection") {
      close = close || HasToken(header.value, "close");
      keep = keep || HasToken(header.value, "keep-alive");
    } else if (header.name == "transfer-encoding") {
      const absl::string_view last = LastCoding(header.value);
      if (!last.empty()) {
        has_coding = true;
        chunked = absl::EqualsIgnoreCase(last, "chunked");
      }
    } else if (header.name == "content-length") {
      JB_ASSIGN_OR_RETURN(const uint64_t parsed, ParseContentLength(header.value));
      if (has_length && parsed != length) return Malformed("conflicting Content-Length", "");
      has_length = true;
      length = parsed;
    }
  }
  keep_alive_ = http11_ ? !close : keep && !close;
  if (head_.status == 204 || head_.status == 304) {
    state_ = State::kComplete;
  } else if (has_coding) {
    // A coding other than chunked last leaves the close as the only end (RFC 9112 6.3 item 4);
    // with a Content-Length besides, the framing is suspect and the connection not reused.
    keep_alive_ = keep_alive_ && chunked && !has_length;
    state_ = chunked ? State::kChunkSize : State::kBodyUntilEof;
  } else if (has_length) {
    remaining_ = length;
    state_ = length == 0 ? State::kComplete : State::kFixedBody;
  } else {
    keep_alive_ = false;
    state_ = State::kBodyUntilEof;
  }
  return absl::OkStatus();
}

absl::Status HttpResponseParser::EndOfHead(Handler& handler) {
  if (head_.status >= 100 && head_.status <= 199) {
    if (head_.status == 101) return Malformed("unrequested protocol switch", "101");
    // An interim response: the final one follows on the same connection.
    head_.status = 0;
    head_.headers.clear();
    head_bytes_ = 0;
    state_ = State::kStatusLine;
    return absl::OkStatus();
  }
  JB_RETURN_IF_ERROR(ChooseFraming());
  handler.OnHead(head_);
  if (state_ == State::kFixedBody && remaining_ > limits_.max_body_bytes) {
    return absl::OutOfRangeError(absl::StrCat("the response body of ", remaining_,
                                              " bytes exceeds the limit of ",
                                              limits_.max_body_bytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status HttpResponseParser::ParseChunkSize(absl::string_view line) {
  uint64_t size = 0;
  size_t digits = 0;
  for (; digits < line.size(); ++digits) {
    const char c = line[digits];
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) break;
    // 15 hex digits are 2^60 bytes: more is garbage, and would overflow.
    if (digits == 15) return Malformed("chunk size too large", line);
    const int nibble = c <= '9' ? c - '0' : (absl::ascii_tolower(c) - 'a' + 10);
    size = size * 16 + static_cast<uint64_t>(nibble);
  }
  const absl::string_view rest = TrimBlanks(line.substr(digits));
  if (digits == 0 || (!rest.empty() && rest.front() != ';')) {
    return Malformed("bad chunk size line", line);
  }
  if (size == 0) {
    // The last chunk; its trailer section gets a head's budget of its own.
    head_bytes_ = 0;
    state_ = State::kTrailerLine;
  } else {
    remaining_ = size;
    state_ = State::kChunkData;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> HttpResponseParser::DeliverBody(absl::string_view& in, size_t size,
                                                     Handler& handler) {
  if (size > limits_.max_body_bytes - body_bytes_) {
    return absl::OutOfRangeError(
        absl::StrCat("the response body exceeds the limit of ", limits_.max_body_bytes, " bytes"));
  }
  const absl::string_view piece = in.substr(0, size);
  in.remove_prefix(size);
  body_bytes_ += size;
  return handler.OnBody(piece);
}

absl::Status HttpResponseParser::StepLine(absl::string_view& in, Handler& handler) {
  absl::string_view line;
  size_t raw_size = 0;
  if (state_ == State::kChunkSize) {
    const LineResult taken = TakeLine(in, kMaxChunkSizeLine, line, raw_size);
    if (taken == LineResult::kTooLong) return Malformed("chunk size line too long", line_);
    if (taken == LineResult::kPartial) return absl::OkStatus();
    absl::Status status = ParseChunkSize(line);
    line_.clear();
    return status;
  }
  const LineResult taken = TakeLine(in, limits_.max_head_bytes - head_bytes_, line, raw_size);
  if (taken == LineResult::kTooLong) {
    return absl::OutOfRangeError(absl::StrCat(
        state_ == State::kTrailerLine ? "the response's trailer section" : "the response head",
        " exceeds ", limits_.max_head_bytes, " bytes"));
  }
  if (taken == LineResult::kPartial) return absl::OkStatus();
  head_bytes_ += raw_size;
  absl::Status status;
  if (state_ == State::kStatusLine) {
    status = ParseStatusLine(line);
    state_ = State::kHeaderLine;
  } else if (state_ == State::kHeaderLine) {
    status = line.empty() ? EndOfHead(handler) : ParseHeaderLine(line);
  } else if (line.empty()) {
    state_ = State::kComplete;  // trailer fields are dropped: nothing here uses them
  }
  line_.clear();
  return status;
}

absl::StatusOr<bool> HttpResponseParser::StepBody(absl::string_view& in, Handler& handler) {
  if (state_ == State::kBodyUntilEof) return DeliverBody(in, in.size(), handler);
  if (state_ == State::kChunkDataEnd) {
    const char c = in.front();
    in.remove_prefix(1);
    if (c == '\r' && !saw_chunk_cr_) {
      saw_chunk_cr_ = true;
    } else if (c == '\n') {
      state_ = State::kChunkSize;
    } else {
      return Malformed("no CRLF after chunk data", absl::string_view(&c, 1));
    }
    return true;
  }
  // kFixedBody or kChunkData.
  const size_t size = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size()));
  absl::StatusOr<bool> go_on = DeliverBody(in, size, handler);
  remaining_ -= size;
  if (remaining_ == 0) {
    state_ = state_ == State::kFixedBody ? State::kComplete : State::kChunkDataEnd;
    saw_chunk_cr_ = false;
  }
  return go_on;
}

absl::StatusOr<size_t> HttpResponseParser::Feed(absl::string_view bytes, Handler& handler) {
  if (state_ == State::kFailed) return error_;
  if (!bytes.empty()) started_ = true;
  absl::string_view in = bytes;
  while (!in.empty() && state_ != State::kComplete) {
    const bool in_line = state_ == State::kStatusLine || state_ == State::kHeaderLine ||
                         state_ == State::kTrailerLine || state_ == State::kChunkSize;
    if (in_line) {
      if (absl::Status status = StepLine(in, handler); !status.ok()) return Fail(std::move(status));
      continue;
    }
    absl::StatusOr<bool> go_on = StepBody(in, handler);
    if (!go_on.ok()) return Fail(go_on.status());
    if (!*go_on) break;
  }
  return bytes.size() - in.size();
}

absl::Status HttpResponseParser::FinishAtEof() {
  if (state_ == State::kBodyUntilEof) state_ = State::kComplete;
  if (state_ == State::kComplete) return absl::OkStatus();
  if (state_ == State::kFailed) return error_;
  return absl::UnavailableError(
      !started_ ? "the server closed the connection before responding"
                : absl::StrCat("the server closed the connection mid-response (after ", body_bytes_,
                               " body bytes)"));
}

}  // namespace jb::worker
