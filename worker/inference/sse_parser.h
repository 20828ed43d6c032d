// SseParser: an incremental parser of Server-Sent Events (the WHATWG HTML "event stream"
// format) as OpenAI-compatible servers stream completions: `data: {json}\n\n` events, comment
// lines (": ping") as keep-alives, `data: [DONE]` at the end.
//
// Bytes may arrive split anywhere, even inside a line ending "\r\n"; the parser buffers only
// the unfinished line and the event being assembled. Per the format:
//   - lines end with "\n", "\r\n" or "\r";
//   - a line starting with ':' is a comment and is ignored;
//   - "field: value" or "field:value" (one leading space of the value is dropped) or "field"
//     (empty value); only "data" and "event" matter here, "id" and "retry" are ignored;
//   - several data lines of one event are joined with "\n";
//   - an empty line dispatches the event if it has any data line (then the event type is
//     reset); a stream that ends without the final empty line loses its unfinished event
//     (HasPartialEvent() reports it).
// A line, or an event's joined data, longer than max_line_bytes poisons the parser: its
// buffers are freed, Feed returns OutOfRange and HasPartialEvent() is true from then on, until
// Reset(). This bounds the memory a broken server can make a stream hold.
// Cost: a complete line inside one Feed is processed in place; only a line split across Feed
// calls and the event's data are copied, into buffers whose capacity is reused.
// Thread-compatible: one parser per stream.
#pragma once

#include <cstddef>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace jb::worker {

struct SseEvent {
  // The "event" field, "" when absent (OpenAI servers never set it).
  absl::string_view type;
  // The data lines joined with "\n".
  absl::string_view data;
};

class SseParser {
 public:
  explicit SseParser(size_t max_line_bytes = size_t{16} << 20) : max_line_bytes_(max_line_bytes) {}

  // Parses `bytes` and calls `on_event` for every event completed by them, in order. The
  // event's views are valid only during the call. Returning false from on_event stops parsing
  // at once (the rest of `bytes` is dropped) and Feed returns OK; use it after [DONE] or an
  // error. OutOfRange when a line exceeds max_line_bytes.
  absl::Status Feed(absl::string_view bytes,
                    absl::FunctionRef<bool(const SseEvent& event)> on_event);

  // True when bytes of an unfinished line or event are buffered, or the parser is poisoned:
  // a stream ending now was cut.
  bool HasPartialEvent() const;

  // Forgets everything buffered (a new attempt on a new stream).
  void Reset();

 private:
  enum class LineResult { kContinue, kStop, kTooLong };

  // Applies one complete line (without its ending) to the event being assembled.
  LineResult ProcessLine(absl::string_view line,
                         absl::FunctionRef<bool(const SseEvent& event)> on_event);
  absl::Status Poison();

  size_t max_line_bytes_;
  // The unfinished last line of the bytes fed so far.
  std::string line_;
  // The last byte fed was a '\r' ending a line: a '\n' first in the next Feed belongs to it.
  bool pending_cr_ = false;
  // The event being assembled: its joined data lines, whether it has any, and its type.
  std::string data_;
  bool has_data_ = false;
  std::string type_;
  bool poisoned_ = false;
};

}  // namespace jb::worker
