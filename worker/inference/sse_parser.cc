#include "worker/inference/sse_parser.h"

#include "absl/strings/str_cat.h"

namespace jb::worker {
namespace {

// The position of the first '\r' or '\n' at or after `from`, or npos.
size_t FindLineEnd(absl::string_view bytes, size_t from) {
  for (size_t i = from; i < bytes.size(); ++i) {
    if (bytes[i] == '\n' || bytes[i] == '\r') return i;
  }
  return absl::string_view::npos;
}

}  // namespace

absl::Status SseParser::Poison() {
  if (!poisoned_) {
    poisoned_ = true;
    // Up to max_line_bytes each: give the memory back now rather than at Reset().
    std::string().swap(line_);
    std::string().swap(data_);
    has_data_ = false;
    type_.clear();
  }
  return absl::OutOfRangeError(
      absl::StrCat("event stream line or event longer than ", max_line_bytes_, " bytes"));
}

absl::Status SseParser::Feed(absl::string_view bytes,
                             absl::FunctionRef<bool(const SseEvent& event)> on_event) {
  if (poisoned_) return Poison();
  size_t pos = 0;
  if (pending_cr_ && !bytes.empty()) {
    pending_cr_ = false;
    if (bytes[0] == '\n') pos = 1;  // the second half of a "\r\n" split between reads
  }
  while (pos < bytes.size()) {
    const size_t end = FindLineEnd(bytes, pos);
    const absl::string_view piece =
        bytes.substr(pos, end == absl::string_view::npos ? absl::string_view::npos : end - pos);
    if (line_.size() + piece.size() > max_line_bytes_) return Poison();
    if (end == absl::string_view::npos) {
      line_.append(piece.data(), piece.size());
      return absl::OkStatus();
    }
    // A line inside one read is used in place; only one split across reads was buffered.
    absl::string_view line = piece;
    if (!line_.empty()) {
      line_.append(piece.data(), piece.size());
      line = line_;
    }
    pos = end + 1;
    if (bytes[end] == '\r') {
      if (pos == bytes.size()) {
        pending_cr_ = true;
      } else if (bytes[pos] == '\n') {
        ++pos;
      }
    }
    const LineResult result = ProcessLine(line, on_event);
    line_.clear();
    if (result == LineResult::kTooLong) return Poison();
    if (result == LineResult::kStop) return absl::OkStatus();
  }
  return absl::OkStatus();
}

SseParser::LineResult SseParser::ProcessLine(
    absl::string_view line, absl::FunctionRef<bool(const SseEvent& event)> on_event) {
  if (line.empty()) {
    if (!has_data_) {
      type_.clear();
      return LineResult::kContinue;
    }
    const bool keep_going = on_event(SseEvent{type_, data_});
    data_.clear();
    has_data_ = false;
    type_.clear();
    return keep_going ? LineResult::kContinue : LineResult::kStop;
  }
  if (line[0] == ':') return LineResult::kContinue;  // a comment, e.g. a keep-alive ping
  const size_t colon = line.find(':');
  const absl::string_view field = line.substr(0, colon);
  absl::string_view value;
  if (colon != absl::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (data_.size() + value.size() + (has_data_ ? 1 : 0) > max_line_bytes_) {
      return LineResult::kTooLong;
    }
    if (has_data_) data_.push_back('\n');
    data_.append(value.data(), value.size());
    has_data_ = true;
  } else if (field == "event") {
    type_.assign(value.data(), value.size());
  }
  return LineResult::kContinue;
}

bool SseParser::HasPartialEvent() const {
  return poisoned_ || !line_.empty() || has_data_ || !type_.empty();
}

void SseParser::Reset() {
  line_.clear();
  pending_cr_ = false;
  data_.clear();
  has_data_ = false;
  type_.clear();
  poisoned_ = false;
}

}  // namespace jb::worker
