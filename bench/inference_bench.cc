// jb_inference_bench: the inference client's benchmarks (issue 3), each measured side by side
// with its reference in one run on one machine, printed as tables (docs/performance.md):
//
//   1. Client cost: CPU time of the client per streamed request (128 output tokens) at
//      concurrency 1, 64, 256 and 1024 against `joulebench sim --profile builtin:bench-zero`
//      (no simulated latency), next to wrk's CPU time per request on the same endpoint with
//      the same request body, hence the same response bytes. Target: within 2x of wrk.
//   2. Timing fidelity: the simulator at TTFT 200 ms and ITL 20 ms (builtin:bench-fidelity),
//      concurrency 256: the client's p50 and p99 TTFT and ITL next to what the simulator
//      recorded for the same requests (matched by X-Request-Id through GET /sim/requests).
//      Target: within 1 ms.
//
// The simulator runs as a child process (`joulebench sim`), so the client's CPU time is this
// process's (getrusage RUSAGE_SELF: the batch runs on this thread) and wrk's is its own
// (RUSAGE_CHILDREN around its run). Usage:
//   jb_inference_bench [--joulebench PATH] [--only cost|fidelity] [--scale F]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "common/net.h"
#include "common/process.h"
#include "common/text_table.h"
#include "nlohmann/json.hpp"
#include "re2/re2.h"
#include "worker/inference/http_fetch.h"
#include "worker/inference/openai_client.h"
#include "worker/inference/openai_protocol.h"

#ifndef JB_BINARY
#define JB_BINARY "joulebench"
#endif

namespace jb::bench {
namespace {

using worker::InferenceRequest;
using worker::InferenceResult;

struct Flags {
  std::string joulebench = JB_BINARY;
  std::string only;
  // Multiplies the request counts (0.25 for a quick look).
  double scale = 1;
};

InferenceRequest BenchRequest(uint32_t max_tokens) {
  InferenceRequest request;
  request.model = "sim-bench";
  request.endpoint = joulebench::v1::ENDPOINT_COMPLETIONS;
  request.prompt = "Write a long story about measuring energy.";
  request.max_tokens = max_tokens;
  request.ignore_eos = true;
  request.stream = true;
  return request;
}

std::unique_ptr<worker::HttpInferenceClient> Client(const SimProcess& sim) {
  worker::HttpInferenceClientOptions options;
  options.base_url = sim.Url("/v1");
  options.retry.max_attempts = 1;
  auto client = worker::HttpInferenceClient::Create(options);
  if (!client.ok()) {
    std::cerr << client.status() << "\n";
    return nullptr;
  }
  return *std::move(client);
}

// Runs `requests` at `concurrency`; every result must be OK with the expected tokens.
bool RunBatch(worker::InferenceClient& client, const std::vector<InferenceRequest>& requests,
              int concurrency, std::vector<InferenceResult>* results) {
  results->assign(requests.size(), InferenceResult());
  worker::BatchOptions options;
  options.concurrency = concurrency;
  absl::Status status = client.RunBatch(
      requests, options, [&](size_t i, InferenceResult r) { (*results)[i] = std::move(r); });
  int failed = 0;
  for (size_t i = 0; i < results->size(); ++i) {
    const InferenceResult& r = (*results)[i];
    if (!r.status.ok() || r.completion_tokens != requests[i].max_tokens) {
      if (failed++ == 0) std::cerr << "request " << i << ": " << r.status << "\n";
    }
  }
  if (!status.ok() || failed > 0) {
    std::cerr << "batch at concurrency " << concurrency << ": " << status << ", " << failed
              << " failed requests\n";
    return false;
  }
  return true;
}

struct WrkRun {
  double requests = 0;
  double cpu_s = 0;
  double wall_s = 0;
  double bytes = 0;
};

// wrk -t1 -cC against the same endpoint and body. Empty on failure.
std::optional<WrkRun> RunWrk(const SimProcess& sim, const InferenceRequest& request, int c,
                             double seconds) {
  const std::string script = absl::StrCat("/tmp/jb_inference_bench_", getpid(), ".lua");
  {
    std::ofstream out(script);
    out << "wrk.method = \"POST\"\n"
        << "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
        << "wrk.headers[\"Accept\"] = \"text/event-stream\"\n"
        << "wrk.body = [==[" << worker::BuildGenerationBody(request) << "]==]\n";
  }
  SubprocessOptions options;
  options.argv = {"wrk",
                  "-t1",
                  absl::StrCat("-c", c),
                  absl::StrCat("-d", static_cast<int>(std::ceil(seconds)), "s"),
                  "--timeout",
                  "30s",
                  "-s",
                  script,
                  sim.Url("/v1/completions")};
  std::string output;
  const double cpu_before = CpuSeconds(RUSAGE_CHILDREN);
  const absl::Time start = absl::Now();
  absl::StatusOr<int> code = RunCommand(options, &output, absl::Minutes(2));
  WrkRun run;
  run.wall_s = absl::ToDoubleSeconds(absl::Now() - start);
  run.cpu_s = CpuSeconds(RUSAGE_CHILDREN) - cpu_before;
  std::remove(script.c_str());
  if (!code.ok() || *code != 0 || absl::StrContains(output, "Non-2xx")) {
    std::cerr << "wrk failed (is the wrk package installed?):\n" << output << "\n";
    return std::nullopt;
  }
  std::string read, unit;
  if (!RE2::PartialMatch(output, R"((\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read)",
                         &run.requests, &read, &unit)) {
    std::cerr << "cannot read wrk's output:\n" << output << "\n";
    return std::nullopt;
  }
  const std::map<std::string, double> units = {
      {"B", 1}, {"KB", 1024}, {"MB", 1024.0 * 1024}, {"GB", 1024.0 * 1024 * 1024}};
  double amount = 0;
  if (absl::SimpleAtod(read, &amount) && units.count(unit)) run.bytes = amount * units.at(unit);
  return run;
}

bool ClientCost(const Flags& flags) {
  std::unique_ptr<SimProcess> sim =
      SimProcess::Start(flags.joulebench, "builtin:bench-zero", "jb_inference_bench_sim");
  if (sim == nullptr) return false;
  std::unique_ptr<worker::HttpInferenceClient> client = Client(*sim);
  if (client == nullptr) return false;
  const InferenceRequest request = BenchRequest(128);
  TextTable table({"concurrency", "requests", "client CPU us/req", "wrk CPU us/req", "client/wrk",
                   "client req/s", "wrk req/s", "wrk bytes/req", "within 2x"});
  for (int c : {1, 64, 256, 1024}) {
    const size_t n = static_cast<size_t>(std::max(c * 4, 2000) * flags.scale);
    std::vector<InferenceRequest> requests(n, request);
    std::vector<InferenceResult> results;
    if (!RunBatch(*client, std::vector<InferenceRequest>(c, request), c, &results)) return false;
    const double cpu_before = CpuSeconds(RUSAGE_SELF);
    const absl::Time start = absl::Now();
    if (!RunBatch(*client, requests, c, &results)) return false;
    const double wall_s = absl::ToDoubleSeconds(absl::Now() - start);
    const double client_us = (CpuSeconds(RUSAGE_SELF) - cpu_before) / n * 1e6;
    std::optional<WrkRun> wrk = RunWrk(*sim, request, c, std::max(2.0, wall_s));
    if (!wrk.has_value() || wrk->requests <= 0) return false;
    const double wrk_us = wrk->cpu_s / wrk->requests * 1e6;
    table.AddRow({absl::StrCat(c), absl::StrCat(n), Fixed(client_us, 1), Fixed(wrk_us, 1),
                  Fixed(client_us / wrk_us, 2), Fixed(n / wall_s, 0),
                  Fixed(wrk->requests / wrk->wall_s, 0), Fixed(wrk->bytes / wrk->requests, 0),
                  client_us <= 2 * wrk_us ? "yes" : "NO"});
  }
  std::cout << "\nClient cost: CPU time per streamed request (128 output tokens, "
               "sim builtin:bench-zero), client vs wrk -t1 on the same endpoint and body\n"
            << table.Render();
  return true;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100 * values.size()));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

// Percentiles of the simulator's and the client's figures, and of their per-request
// difference, as one table row.
void FidelityRow(TextTable& table, const std::string& name, const std::vector<double>& sim,
                 const std::vector<double>& client, const std::vector<double>& diff, bool judged) {
  const double s50 = Percentile(sim, 50) * 1e3, c50 = Percentile(client, 50) * 1e3;
  const double s99 = Percentile(sim, 99) * 1e3, c99 = Percentile(client, 99) * 1e3;
  const bool ok = std::abs(c50 - s50) <= 1 && std::abs(c99 - s99) <= 1;
  table.AddRow({name, absl::StrCat(client.size()), Fixed(s50, 3), Fixed(c50, 3),
                Fixed(c50 - s50, 3), Fixed(s99, 3), Fixed(c99, 3), Fixed(c99 - s99, 3),
                Fixed(Percentile(diff, 50) * 1e3, 3), Fixed(Percentile(diff, 99) * 1e3, 3),
                judged ? (ok ? "yes" : "NO") : "-"});
}

bool TimingFidelity(const Flags& flags) {
  std::unique_ptr<SimProcess> sim =
      SimProcess::Start(flags.joulebench, "builtin:bench-fidelity", "jb_inference_bench_sim");
  if (sim == nullptr) return false;
  std::unique_ptr<worker::HttpInferenceClient> client = Client(*sim);
  if (client == nullptr) return false;
  constexpr int kConcurrency = 256;
  // Output lengths vary (16..48 tokens), as real answers do, so the requests that start
  // together do not also end together and the load settles into a steady state.
  const size_t n = static_cast<size_t>(kConcurrency * std::max(2.0, 5 * flags.scale));
  std::vector<InferenceRequest> requests(n, BenchRequest(0));
  for (size_t i = 0; i < n; ++i) {
    requests[i].max_tokens = 16 + static_cast<uint32_t>(i * 7 % 33);
    requests[i].request_id = absl::StrCat("fidelity-", i);
  }
  // A warm-up round first, as vLLM's benchmark does; its connections stay open for the run.
  std::vector<InferenceResult> results;
  if (!RunBatch(*client, std::vector<InferenceRequest>(kConcurrency, BenchRequest(2)), kConcurrency,
                &results) ||
      !RunBatch(*client, requests, kConcurrency, &results)) {
    return false;
  }

  absl::StatusOr<std::string> recorded = worker::HttpGetUrl(sim->Url("/sim/requests"));
  const nlohmann::json records =
      recorded.ok() ? nlohmann::json::parse(*recorded, nullptr, false) : nlohmann::json();
  if (!records.is_object() || !records.contains("requests")) {
    std::cerr << "GET /sim/requests did not answer {\"requests\": [...]}: " << recorded.status()
              << "\n";
    return false;
  }
  std::map<std::string, const nlohmann::json*> by_id;
  for (const nlohmann::json& r : records["requests"]) by_id[r["id"].get<std::string>()] = &r;

  // [0]: the opening wave (the first kConcurrency requests, sent at once); [1]: the rest.
  struct Figures {
    std::vector<double> client_ttft, sim_ttft, ttft_diff, client_itl, sim_itl, itl_diff;
  } figures[2];
  for (size_t i = 0; i < n; ++i) {
    auto it = by_id.find(requests[i].request_id);
    if (it == by_id.end()) {
      std::cerr << "the simulator has no record of " << requests[i].request_id << "\n";
      return false;
    }
    const nlohmann::json& record = *it->second;
    Figures& f = figures[i < kConcurrency ? 0 : 1];
    const double sim_ttft = record["ttft_s"].get<double>();
    f.client_ttft.push_back(results[i].ttft_s);
    f.sim_ttft.push_back(sim_ttft);
    f.ttft_diff.push_back(results[i].ttft_s - sim_ttft);
    const std::vector<double> sim_itl = record["itl_s"].get<std::vector<double>>();
    if (sim_itl.size() != results[i].itl_s.size()) {
      std::cerr << requests[i].request_id << ": " << sim_itl.size() << " ITLs recorded, "
                << results[i].itl_s.size() << " measured\n";
      return false;
    }
    for (size_t k = 0; k < sim_itl.size(); ++k) {
      f.client_itl.push_back(results[i].itl_s[k]);
      f.sim_itl.push_back(sim_itl[k]);
      f.itl_diff.push_back(results[i].itl_s[k] - sim_itl[k]);
    }
  }
  TextTable table({"metric", "samples", "sim p50 ms", "client p50 ms", "diff p50 ms", "sim p99 ms",
                   "client p99 ms", "diff p99 ms", "per-request diff p50 ms",
                   "per-request diff p99 ms", "within 1 ms"});
  FidelityRow(table, "TTFT", figures[1].sim_ttft, figures[1].client_ttft, figures[1].ttft_diff,
              true);
  FidelityRow(table, "ITL", figures[1].sim_itl, figures[1].client_itl, figures[1].itl_diff, true);
  FidelityRow(table, "TTFT, opening wave", figures[0].sim_ttft, figures[0].client_ttft,
              figures[0].ttft_diff, false);
  FidelityRow(table, "ITL, opening wave", figures[0].sim_itl, figures[0].client_itl,
              figures[0].itl_diff, false);
  std::cout << "\nTiming fidelity: sim builtin:bench-fidelity (TTFT 200 ms, ITL 20 ms, jitter "
               "10 %), concurrency "
            << kConcurrency << ", " << n
            << " requests of 16..48 tokens; client vs simulator records of the same requests.\n"
               "Judged on the steady state; the opening wave's "
            << kConcurrency
            << " simultaneous requests queue for the simulator's CPU before its clock starts.\n"
            << table.Render();
  return true;
}

}  // namespace
}  // namespace jb::bench

int main(int argc, char** argv) {
  jb::bench::Flags flags;
  const jb::bench::FlagHandlers handlers = {
      {"--joulebench", [&](const std::string& v) { return !(flags.joulebench = v).empty(); }},
      {"--only",
       [&](const std::string& v) { return (flags.only = v) == "cost" || v == "fidelity"; }},
      {"--scale",
       [&](const std::string& v) { return absl::SimpleAtod(v, &flags.scale) && flags.scale > 0; }},
  };
  if (!jb::bench::ParseFlagPairs(
          argc, argv, handlers,
          "jb_inference_bench [--joulebench PATH] [--only cost|fidelity] [--scale F]")) {
    return 2;
  }
  bool ok = true;
  if (flags.only.empty() || flags.only == "cost") ok = jb::bench::ClientCost(flags) && ok;
  if (flags.only.empty() || flags.only == "fidelity") ok = jb::bench::TimingFidelity(flags) && ok;
  return ok ? 0 : 1;
}
