#include "worker/inference/http_fetch.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "worker/inference/http_url.h"
#include "worker/inference/openai_protocol.h"

namespace jb::worker {
namespace {

// Keeps the status and the whole body of its one attempt.
class BufferedExchange : public HttpExchange {
 public:
  explicit BufferedExchange(HttpRequest request) : request_(std::move(request)) {}

  const HttpRequest& request() const override { return request_; }
  void OnAttemptStart(int, absl::Duration) override { result_ = HttpFetchResult(); }
  void OnResponseHead(const HttpResponseHead& head, absl::Duration) override {
    result_.status = head.status;
  }
  bool OnBody(absl::string_view data, absl::Duration) override {
    result_.body.append(data.data(), data.size());
    return true;
  }
  absl::Status OnAttemptEnd(absl::Status transport, absl::Duration) override { return transport; }
  void OnDone(absl::Status final_status, int) override { final_ = std::move(final_status); }

  absl::StatusOr<HttpFetchResult> Take() {
    if (!final_.ok()) return final_;
    return std::move(result_);
  }

 private:
  const HttpRequest request_;
  HttpFetchResult result_;
  absl::Status final_ = absl::UnknownError("the request was not sent");
};

}  // namespace

absl::StatusOr<HttpFetchResult> HttpFetch(const HttpPoolOptions& options, HttpRequest request) {
  HttpPoolOptions once = options;
  once.concurrency = 1;
  once.retry.max_attempts = 1;
  const std::string what =
      absl::StrCat(request.method, " http://", options.host, ":", options.port, request.target);
  BufferedExchange exchange(std::move(request));
  HttpExchange* exchanges[] = {&exchange};
  JB_RETURN_IF_ERROR(RunExchanges(once, exchanges));
  absl::StatusOr<HttpFetchResult> result = exchange.Take();
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        absl::StrCat(what, ": ", result.status().message()));
  }
  return result;
}

absl::StatusOr<std::string> BodyOf200(absl::string_view what, HttpFetchResult result) {
  if (result.status == 200) return std::move(result.body);
  const std::string message =
      absl::StrCat(what, ": HTTP ", result.status, ": ", ParseErrorMessage(result.body));
  if (result.status == 404) return absl::NotFoundError(message);
  return absl::UnavailableError(message);
}

absl::StatusOr<std::string> HttpGetUrl(const std::string& url, absl::Duration timeout,
                                       HttpConnectionCache* connections) {
  JB_ASSIGN_OR_RETURN(HttpUrl parsed, ParseHttpUrl(url));
  HttpPoolOptions options;
  options.host = parsed.host;
  options.port = parsed.port;
  options.connect_timeout = timeout;
  options.attempt_timeout = timeout;
  options.connections = connections;
  HttpRequest request;
  request.target = parsed.path.empty() ? "/" : parsed.path;
  JB_ASSIGN_OR_RETURN(HttpFetchResult result, HttpFetch(options, std::move(request)));
  return BodyOf200(absl::StrCat("GET ", url), std::move(result));
}

}  // namespace jb::worker
