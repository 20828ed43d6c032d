// UTF-8 length in code points: what Python's len() of a str, vLLM's logprobs text_offset and
// lm-eval's acc_norm (len(choice)) count. Every byte except a continuation byte (10xxxxxx)
// starts one, so malformed input still gives a defined count.
// Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <string_view>

namespace jb {

inline size_t Utf8CodePoints(std::string_view text) {
  size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace jb
