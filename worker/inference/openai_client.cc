#include "worker/inference/openai_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "worker/inference/generation_exchange.h"
#include "worker/inference/http_fetch.h"
#include "worker/inference/openai_protocol.h"

namespace jb::worker {

absl::StatusOr<std::unique_ptr<HttpInferenceClient>> HttpInferenceClient::Create(
    HttpInferenceClientOptions options, Clock* clock) {
  JB_ASSIGN_OR_RETURN(HttpUrl base, ParseHttpUrl(options.base_url));
  auto client = std::unique_ptr<HttpInferenceClient>(new HttpInferenceClient(
      std::move(options), std::move(base), clock != nullptr ? clock : Clock::Real()));
  JB_RETURN_IF_ERROR(
      ValidateHttpPoolOptions(client->PoolOptions(1, client->options_.request_timeout)));
  return client;
}

HttpInferenceClient::HttpInferenceClient(HttpInferenceClientOptions options, HttpUrl base,
                                         Clock* clock)
    : options_(std::move(options)),
      base_(std::move(base)),
      root_path_(ServerRootUrl(base_.path)),
      clock_(clock),
      connections_(std::make_unique<HttpConnectionCache>()) {}

HttpPoolOptions HttpInferenceClient::PoolOptions(int concurrency,
                                                 absl::Duration attempt_timeout) const {
  HttpPoolOptions pool;
  pool.host = base_.host;
  pool.port = base_.port;
  pool.concurrency = concurrency;
  pool.connect_timeout = options_.connect_timeout;
  pool.attempt_timeout = attempt_timeout;
  pool.retry = options_.retry;
  pool.max_retry_after = options_.max_retry_after;
  pool.clock = clock_;
  return pool;
}

void HttpInferenceClient::AddAuth(HttpRequest& request) const {
  if (!options_.api_key.empty()) {
    request.headers.push_back({"Authorization", absl::StrCat("Bearer ", options_.api_key)});
  }
}

absl::StatusOr<std::string> HttpInferenceClient::Get(const std::string& path, bool api) {
  HttpRequest request;
  request.target = (api ? base_.path : root_path_) + path;
  AddAuth(request);
  const std::string what = absl::StrCat("GET ", base_.origin, request.target);
  JB_ASSIGN_OR_RETURN(HttpFetchResult result,
                      HttpFetch(PoolOptions(1, options_.connect_timeout), std::move(request)));
  return BodyOf200(what, std::move(result));
}

absl::StatusOr<std::vector<joulebench::v1::ServedModel>> HttpInferenceClient::ListModels() {
  absl::StatusOr<std::string> body = Get("/models", /*api=*/true);
  // A server without /v1/models is not an OpenAI server we can drive yet: retry later.
  if (absl::IsNotFound(body.status())) return absl::UnavailableError(body.status().message());
  JB_RETURN_IF_ERROR(body.status());
  return ParseModelList(*body);
}

absl::Status HttpInferenceClient::Health() {
  absl::StatusOr<std::string> body = Get("/health", /*api=*/false);
  if (body.ok()) return absl::OkStatus();
  if (absl::IsNotFound(body.status())) {
    // A server without /health (not every OpenAI-compatible server has one) is as healthy as
    // its model list.
    absl::StatusOr<std::vector<joulebench::v1::ServedModel>> models = ListModels();
    if (models.ok()) return absl::OkStatus();
    return absl::UnavailableError(models.status().message());
  }
  return absl::UnavailableError(body.status().message());
}

absl::StatusOr<joulebench::v1::InferenceServer> HttpInferenceClient::ServerInfo() {
  JB_ASSIGN_OR_RETURN(std::vector<joulebench::v1::ServedModel> models, ListModels());
  joulebench::v1::InferenceServer server;
  server.set_base_url(options_.base_url);
  server.set_kind(models.empty() ? "unknown" : ServerKindFromOwnedBy(models[0].owned_by()));
  server.set_simulated(server.kind() == "joulebench-sim");
  for (auto& model : models) *server.add_models() = std::move(model);
  // /version is optional (vLLM has it, others may not): any failure leaves the version empty.
  if (absl::StatusOr<std::string> version = Get("/version", /*api=*/false); version.ok()) {
    server.set_version(ParseVersion(*version));
  }
  return server;
}

absl::StatusOr<std::string> HttpInferenceClient::ScrapeMetrics() {
  return Get("/metrics", /*api=*/false);
}

absl::Status HttpInferenceClient::RunBatch(const std::vector<InferenceRequest>& requests,
                                           const BatchOptions& options, const ResultFn& on_result) {
  if (options.concurrency < 1 || options.concurrency > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("concurrency ", options.concurrency, " is out of range; expected 1..1024"));
  }
  std::vector<GenerationExchange> exchanges;
  exchanges.reserve(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const InferenceRequest& request = requests[i];
    HttpRequest http;
    http.method = "POST";
    http.target = base_.path + (request.endpoint == joulebench::v1::ENDPOINT_COMPLETIONS
                                    ? "/completions"
                                    : "/chat/completions");
    http.headers.push_back({"Content-Type", "application/json"});
    if (request.stream) http.headers.push_back({"Accept", "text/event-stream"});
    if (!request.request_id.empty()) http.headers.push_back({"X-Request-Id", request.request_id});
    AddAuth(http);
    http.body = BuildGenerationBody(request);
    std::string what = absl::StrCat("POST ", base_.origin, http.target);
    exchanges.emplace_back(request, std::move(http), std::move(what), i, &on_result);
  }
  std::vector<HttpExchange*> pointers;
  pointers.reserve(exchanges.size());
  for (GenerationExchange& exchange : exchanges) pointers.push_back(&exchange);
  const HttpPoolOptions pool =
      PoolOptions(std::min<int>(options.concurrency, std::max<size_t>(1, requests.size())),
                  options_.request_timeout);
  return RunExchanges(pool, pointers, options.cancel);
}

}  // namespace jb::worker
