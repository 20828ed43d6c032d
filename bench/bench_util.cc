#include "bench/bench_util.h"

#include <sys/resource.h>
#include <unistd.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/net.h"
#include "worker/inference/http_fetch.h"

namespace jb::bench {

double CpuSeconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

bool ParseFlagPairs(int argc, char** argv, const FlagHandlers& handlers, const std::string& usage) {
  bool ok = argc % 2 == 1;
  for (int i = 1; ok && i + 1 < argc; i += 2) {
    auto handler = handlers.find(argv[i]);
    ok = handler != handlers.end() && handler->second(argv[i + 1]);
  }
  if (!ok) std::cerr << "usage: " << usage << "\n";
  return ok;
}

std::string Fixed(double value, int digits) { return absl::StrFormat("%.*f", digits, value); }

std::unique_ptr<SimProcess> SimProcess::Start(const std::string& joulebench,
                                              const std::string& profile,
                                              const std::string& log_name) {
  auto sim = std::unique_ptr<SimProcess>(new SimProcess());
  absl::StatusOr<int> port = PickFreePort();
  if (!port.ok()) return nullptr;
  sim->port_ = *port;
  SubprocessOptions options;
  options.argv = {joulebench,  "sim",   "--listen",    absl::StrCat("127.0.0.1:", *port),
                  "--profile", profile, "--log-level", "warn"};
  options.log_path = absl::StrCat("/tmp/", log_name, "_", getpid(), ".log");
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start(options);
  if (!process.ok()) {
    std::cerr << "cannot start the simulator: " << process.status() << "\n";
    return nullptr;
  }
  sim->process_ = *std::move(process);
  for (int i = 0; i < 200; ++i) {
    if (worker::HttpGetUrl(sim->Url("/health")).ok()) return sim;
    absl::SleepFor(absl::Milliseconds(50));
  }
  std::cerr << "the simulator did not become healthy; see " << options.log_path << "\n";
  return nullptr;
}

std::string SimProcess::Url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

}  // namespace jb::bench
