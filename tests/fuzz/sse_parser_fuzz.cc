// libFuzzer target: SseParser gives the same events however the bytes are split, and every
// event's data goes through ParseStreamChunk (both endpoints) and StreamAccumulator without
// a crash, a sanitizer report or a broken timing invariant. Any mismatch aborts.
//
// Input: byte 0 picks the split position, the rest is the stream. scripts/fuzz runs it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "worker/inference/openai_stream.h"
#include "worker/inference/sse_parser.h"

namespace {

using jb::worker::SseEvent;
using jb::worker::SseParser;
namespace v1 = joulebench::v1;

// Small, so that inputs of a few hundred bytes reach the limit's code paths.
constexpr size_t kMaxLineBytes = 256;

struct Outcome {
  std::vector<std::string> events;  // type + '\0' + data
  bool poisoned = false;
  bool partial = false;
  bool operator==(const Outcome& other) const {
    return events == other.events && poisoned == other.poisoned && partial == other.partial;
  }
};

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "sse_parser_fuzz: %s\n", what);
  std::abort();
}

// Feeds `pieces` in order; with stop_at_done, on_event returns false on "[DONE]" and the
// remaining pieces are not fed (as the worker does).
Outcome Run(const std::vector<absl::string_view>& pieces, bool stop_at_done) {
  SseParser parser(kMaxLineBytes);
  Outcome out;
  bool stopped = false;
  for (absl::string_view piece : pieces) {
    if (stopped) break;
    const absl::Status status = parser.Feed(piece, [&](const SseEvent& event) {
      out.events.push_back(std::string(event.type) + '\0' + std::string(event.data));
      stopped = stop_at_done && event.data == "[DONE]";
      return !stopped;
    });
    if (!status.ok()) {
      Check(status.code() == absl::StatusCode::kOutOfRange, "Feed failed other than OutOfRange");
      out.poisoned = true;
      break;
    }
  }
  out.partial = parser.HasPartialEvent();
  return out;
}

// Runs the events through the chunk parser and the accumulator and checks the timing rules.
void Accumulate(const std::vector<std::string>& events, v1::Endpoint endpoint) {
  const absl::Duration send = absl::Seconds(1);
  jb::worker::StreamAccumulator stream(send);
  jb::worker::StreamChunk chunk;
  int64_t ms = 0;
  for (const std::string& event : events) {
    const absl::string_view data = absl::string_view(event).substr(event.find('\0') + 1);
    if (data == "[DONE]") continue;
    const absl::Status status = jb::worker::ParseStreamChunk(endpoint, data, &chunk);
    if (!status.ok()) {
      Check(status.code() == absl::StatusCode::kInvalidArgument, "chunk error not InvalidArgument");
      continue;
    }
    stream.Add(chunk, send + absl::Milliseconds(++ms));
  }
  stream.Finish(send + absl::Milliseconds(++ms));
  const jb::worker::StreamTiming timing = stream.Timing();
  Check(timing.ttft_s >= 0 && timing.e2e_s >= timing.ttft_s, "e2e before TTFT");
  Check(timing.tpot_s >= 0, "negative TPOT");
  const size_t chunks = stream.content_chunks();
  Check(timing.itl_s.size() == (chunks > 0 ? chunks - 1 : 0), "ITL count != content chunks - 1");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t cut = stream.empty() ? 0 : data[0] % (stream.size() + 1);
  for (const bool stop_at_done : {false, true}) {
    const Outcome whole = Run({stream}, stop_at_done);
    Check(Run({stream.substr(0, cut), stream.substr(cut)}, stop_at_done) == whole,
          "split in two differs from whole");
    // Three pieces, the middle one a single byte: splits "\r" from "\n" and such.
    if (cut < stream.size()) {
      Check(Run({stream.substr(0, cut), stream.substr(cut, 1), stream.substr(cut + 1)},
                stop_at_done) == whole,
            "split in three differs from whole");
    }
    if (!stop_at_done) {
      Accumulate(whole.events, v1::ENDPOINT_CHAT);
      Accumulate(whole.events, v1::ENDPOINT_COMPLETIONS);
    }
  }
  return 0;
}
