// HttpResponseParser: an incremental parser of one HTTP/1.1 response at a time (RFC 9112), as
// the pool (http_pool.h) reads it from a socket in pieces split anywhere.
//
//   - Status line "HTTP/1.x NNN reason"; header fields with names lower-cased and values
//     trimmed of surrounding whitespace, obsolete line folding joined with one space. Lines may
//     end with "\r\n" or a bare "\n" (RFC 9112 section 2.2 lets a recipient accept both).
//   - Interim 1xx responses (100 Continue, 103 Early Hints) are skipped; 101 is an error (the
//     pool never asks to switch protocols).
//   - Body framing (RFC 9112 section 6.3): none for 204 and 304; Transfer-Encoding ending in
//     chunked (extensions ignored, trailers skipped, the CRLF after each chunk checked); else
//     Content-Length; else everything until the server closes the connection.
//   - Body bytes are handed over as views into the bytes given to Feed: nothing is copied.
//
// Errors: Internal for bytes that are not a valid HTTP/1.x response (the message says what
// and where); OutOfRange when the head exceeds max_head_bytes or the body max_body_bytes;
// Unavailable from FinishAtEof when the connection closed before the response was complete.
// After an error the parser stays failed until Reset.
// Thread-compatible: one parser per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "worker/inference/http_exchange.h"

namespace jb::worker {

class HttpResponseParser {
 public:
  // Receives what Feed parses, in order, during the Feed call.
  class Handler {
   public:
    virtual ~Handler() = default;
    // The final (non-1xx) status line and headers; `head` is valid until Reset.
    virtual void OnHead(const HttpResponseHead& head) = 0;
    // A piece of de-framed body, a view valid only during the call. Returning false stops
    // the parser: Feed returns at once, and this response cannot be continued.
    virtual bool OnBody(absl::string_view data) = 0;
  };

  struct Limits {
    // Status line plus header fields, and separately the trailer fields.
    size_t max_head_bytes = size_t{64} << 10;
    // De-framed body bytes.
    uint64_t max_body_bytes = UINT64_MAX;
  };

  explicit HttpResponseParser(Limits limits) : limits_(limits) {}
  HttpResponseParser() : HttpResponseParser(Limits()) {}

  // Forgets the current response and expects a new one; keeps buffer capacity.
  void Reset();

  // Parses `bytes` and returns how many were consumed: all of them unless the response
  // completed before their end (the rest belongs to no request) or Handler::OnBody stopped
  // the parser. Errors as described at the top.
  absl::StatusOr<size_t> Feed(absl::string_view bytes, Handler& handler);

  // The server closed the connection: completes a body read until close; Unavailable when
  // the response is incomplete (saying whether any of it arrived). OK once complete.
  absl::Status FinishAtEof();

  // True once the whole response was parsed.
  bool complete() const { return state_ == State::kComplete; }
  // True when any byte was fed since Reset.
  bool started() const { return started_; }
  // Once complete: whether the connection may carry another request (HTTP/1.1 without
  // "Connection: close", HTTP/1.0 only with "Connection: keep-alive", and a framing that did
  // not need the connection's end).
  bool keep_alive() const { return keep_alive_; }
  // The head once OnHead was called.
  const HttpResponseHead& head() const { return head_; }

 private:
  enum class State {
    kStatusLine,
    kHeaderLine,
    kFixedBody,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailerLine,
    kBodyUntilEof,
    kComplete,
    kFailed,
  };

  enum class LineResult { kLine, kPartial, kTooLong };
  // Takes one line from `in` (without its line ending) into `line`, buffering a partial line
  // across calls; `raw_size` is the bytes it took with its ending. kTooLong past `limit`.
  LineResult TakeLine(absl::string_view& in, size_t limit, absl::string_view& line,
                      size_t& raw_size);
  absl::Status ParseStatusLine(absl::string_view line);
  absl::Status ParseHeaderLine(absl::string_view line);
  absl::Status EndOfHead(Handler& handler);
  absl::Status ChooseFraming();
  absl::Status ParseChunkSize(absl::string_view line);
  // Parses one line (status, header, trailer or chunk size) from the front of `in`, or
  // buffers the partial line that ends it.
  absl::Status StepLine(absl::string_view& in, Handler& handler);
  // Parses body bytes or a chunk's ending from the front of `in`; false when the handler
  // stopped the parser.
  absl::StatusOr<bool> StepBody(absl::string_view& in, Handler& handler);
  // Hands `size` bytes at the front of `in` to the handler; false when it stopped.
  absl::StatusOr<bool> DeliverBody(absl::string_view& in, size_t size, Handler& handler);
  absl::Status Fail(absl::Status status);

  const Limits limits_;
  State state_ = State::kStatusLine;
  absl::Status error_;
  bool started_ = false;
  bool keep_alive_ = false;
  bool http11_ = false;
  bool saw_chunk_cr_ = false;
  // Bytes of the head (or of the trailers) so far, against max_head_bytes.
  size_t head_bytes_ = 0;
  uint64_t body_bytes_ = 0;
  // Body bytes left in the fixed-length body or the current chunk.
  uint64_t remaining_ = 0;
  // A line split across Feed calls.
  std::string line_;
  HttpResponseHead head_;
};

}  // namespace jb::worker
