#include "worker/inference/http_url.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace jb::worker {

absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url) {
  absl::string_view rest = url;
  if (absl::StartsWith(rest, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("URL '", url,
                     "': https is not supported; the worker talks plain HTTP to the inference "
                     "server and exporters on its own node (e.g. http://127.0.0.1:8000/v1)"));
  }
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat("URL '", url, "' must start with http://"));
  }
  if (rest.find_first_of("?#") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("URL '", url, "' must not have a query string or fragment"));
  }
  const size_t slash = rest.find('/');
  const absl::string_view authority = rest.substr(0, slash);
  HttpUrl out;
  out.origin = absl::StrCat("http://", authority);
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::ConsumePrefix(&host, "[")) {
    const size_t close = host.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("URL '", url, "' has an unclosed '['"));
    }
    absl::string_view after = host.substr(close + 1);
    host = host.substr(0, close);
    if (!after.empty() && !absl::ConsumePrefix(&after, ":")) {
      return absl::InvalidArgumentError(absl::StrCat("URL '", url, "' has junk after ']'"));
    }
    port = after;
  } else if (const size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return absl::InvalidArgumentError(absl::StrCat("URL '", url, "' has no host"));
  out.host = std::string(host);
  if (!port.empty() && (!absl::SimpleAtoi(port, &out.port) || out.port < 1 || out.port > 65535)) {
    return absl::InvalidArgumentError(
        absl::StrCat("URL '", url, "' has port '", port, "'; expected 1..65535"));
  }
  if (slash != absl::string_view::npos) {
    absl::string_view path = rest.substr(slash);
    while (absl::ConsumeSuffix(&path, "/")) {
    }
    out.path = std::string(path);
  }
  return out;
}

std::string ServerRootUrl(absl::string_view base_url) {
  absl::string_view root = base_url;
  while (absl::ConsumeSuffix(&root, "/")) {
  }
  absl::ConsumeSuffix(&root, "/v1");
  while (absl::ConsumeSuffix(&root, "/")) {
  }
  return std::string(root);
}

}  // namespace jb::worker
