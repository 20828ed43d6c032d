#include "worker/inference/http_wire.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace jb::worker {
namespace {

// Control characters other than tab would let a value end the header early or confuse a
// server's parser: request smuggling through a model name or an API key.
bool IsFieldValue(absl::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

bool IsTarget(absl::string_view s) {
  return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

void AppendField(std::string& out, absl::string_view name, absl::string_view value) {
  absl::StrAppend(&out, name, ": ", value, "\r\n");
}

}  // namespace

bool IsHttpToken(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
  });
}

std::string HostHeader(absl::string_view host, int port) {
  const bool ipv6 = host.find(':') != absl::string_view::npos;
  std::string out = ipv6 ? absl::StrCat("[", host, "]") : std::string(host);
  if (port != 80) absl::StrAppend(&out, ":", port);
  return out;
}

absl::StatusOr<std::string> SerializeRequestHead(const HttpRequest& request,
                                                 absl::string_view host_header) {
  if (!IsHttpToken(request.method)) {
    return absl::InvalidArgumentError(absl::StrCat("bad HTTP method \"", request.method, "\""));
  }
  if (!IsTarget(request.target) || request.target.front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad request target \"", absl::CEscape(request.target), "\": expected /path?query"));
  }
  size_t size = request.method.size() + request.target.size() + host_header.size() + 128;
  for (const HttpHeader& header : request.headers) {
    if (!IsHttpToken(header.name) || !IsFieldValue(header.value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad request header \"", absl::CEscape(header.name), "\""));
    }
    size += header.name.size() + header.value.size() + 4;
  }
  std::string out;
  out.reserve(size);
  absl::StrAppend(&out, request.method, " ", request.target, " HTTP/1.1\r\n");
  AppendField(out, "Host", host_header);
  AppendField(out, "User-Agent", "joulebench");
  if (!request.body.empty() || request.method != "GET") {
    AppendField(out, "Content-Length", absl::StrCat(request.body.size()));
  }
  AppendField(out, "Connection", "keep-alive");
  for (const HttpHeader& header : request.headers) AppendField(out, header.name, header.value);
  out.append("\r\n");
  return out;
}

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now) {
  value = absl::StripAsciiWhitespace(value);
  if (!value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    // More digits than an int64 holds is still "a very long time", not garbage.
    int64_t seconds = 0;
    if (!absl::SimpleAtoi(value, &seconds)) return absl::InfiniteDuration();
    return absl::Seconds(seconds);
  }
  // RFC 9110 section 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms.
  static constexpr const char* kFormats[] = {"%a, %d %b %Y %H:%M:%S GMT",
                                             "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"};
  const std::string text(value);
  for (const char* format : kFormats) {
    absl::Time when;
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &when, nullptr)) {
      return std::max(absl::ZeroDuration(), when - now);
    }
  }
  return std::nullopt;
}

}  // namespace jb::worker
