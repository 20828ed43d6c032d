#include "cli/local_stack.h"

#include <signal.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/admin_connection.h"
#include "common/logging.h"
#include "common/net.h"
#include "httplib.h"

namespace jb::cli {

absl::Status WaitUntilReady(const std::string& what, Subprocess* child, absl::Duration timeout,
                            const std::function<absl::Status()>& ready) {
  absl::Time deadline = absl::Now() + timeout;
  absl::Status last = absl::UnknownError("not checked yet");
  while (absl::Now() < deadline) {
    last = ready();
    if (last.ok()) return absl::OkStatus();
    if (child != nullptr && !child->Running()) {
      return absl::UnavailableError(absl::StrCat(what, " exited before it was ready"));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      what, " was not ready within ", absl::FormatDuration(timeout), ": ", last.message()));
}

absl::StatusOr<std::unique_ptr<LocalStack>> LocalStack::Start(LocalStackOptions options) {
  if (options.binary.empty()) options.binary = SelfExecutable();
  std::unique_ptr<LocalStack> stack(new LocalStack());
  stack->options_ = std::move(options);
  if (absl::Status s = stack->StartAll(); !s.ok()) {
    stack->Stop();
    return s;
  }
  return stack;
}

LocalStack::~LocalStack() { Stop(); }

std::string LocalStack::coordinator_address(size_t i) const {
  return absl::StrCat("127.0.0.1:", coordinator_ports_.at(i));
}

std::string LocalStack::api_url(size_t i) const {
  return absl::StrCat("http://127.0.0.1:", coordinator_http_ports_.at(i), "/api/v1/");
}

std::string LocalStack::sim_url(size_t i) const {
  return absl::StrCat("http://127.0.0.1:", sim_ports_.at(i));
}

std::string LocalStack::log_path(const std::string& process) const {
  return (std::filesystem::path(options_.state_dir) / "logs" / (process + ".log")).string();
}

absl::StatusOr<std::unique_ptr<Subprocess>> LocalStack::Spawn(const std::string& name,
                                                              std::vector<std::string> args) {
  args.insert(args.begin(), options_.binary);
  args.push_back("--log-level");
  args.push_back(options_.log_level);
  auto child = Subprocess::Start({.argv = args, .log_path = log_path(name)});
  if (!child.ok()) {
    return absl::Status(child.status().code(),
                        absl::StrCat("starting ", name, ": ", child.status().message()));
  }
  return child;
}

absl::Status LocalStack::StartCoordinator(size_t i) {
  // The first replica logs to coordinator.log, others to coordinator-2.log, ...
  const std::string name = i == 0 ? "coordinator" : absl::StrCat("coordinator-", i + 1);
  std::vector<std::string> args = {"coordinator",
                                   "--db",
                                   db_url_,
                                   "--grpc-listen",
                                   coordinator_address(i),
                                   "--http-listen",
                                   absl::StrCat("127.0.0.1:", coordinator_http_ports_.at(i)),
                                   "--lease-ttl",
                                   absl::StrCat(absl::ToDoubleSeconds(options_.lease_ttl)),
                                   "--reaper-interval",
                                   absl::StrCat(absl::ToDoubleSeconds(options_.reaper_interval))};
  args.insert(args.end(), options_.coordinator_args.begin(), options_.coordinator_args.end());
  auto coordinator = Spawn(name, args);
  if (!coordinator.ok()) return coordinator.status();
  coordinators_.at(i) = *std::move(coordinator);
  AdminConnection admin(coordinator_address(i), /*deadline_s=*/2);
  return WaitUntilReady(absl::StrCat("the coordinator (log: ", log_path(name), ")"),
                        coordinators_[i].get(), options_.ready_timeout,
                        [&] { return admin.ListWorkers().status(); });
}

absl::Status LocalStack::StartAll() {
  std::filesystem::path state(options_.state_dir);
  std::error_code ec;
  std::filesystem::create_directories(state / "logs", ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create state directory ", options_.state_dir, ": ", ec.message()));
  }
  storage::LocalPostgresOptions pg_options;
  pg_options.data_dir = (state / "pg").string();
  pg_options.log_path = log_path("postgres");
  auto postgres = storage::LocalPostgres::Start(pg_options);
  if (!postgres.ok()) return postgres.status();
  postgres_ = *std::move(postgres);
  auto url = postgres_->CreateDatabase("joulebench");
  if (!url.ok()) return url.status();
  db_url_ = *url;

  // Simulators first: workers discover their models from them at start.
  for (size_t i = 0; i < options_.sims.size(); ++i) {
    auto port = PickFreePort();
    if (!port.ok()) return port.status();
    std::string name = absl::StrCat("sim-", i + 1);
    std::vector<std::string> args = {"sim", "--listen", absl::StrCat("127.0.0.1:", *port)};
    if (!options_.sims[i].profile.empty()) {
      args.push_back("--profile");
      args.push_back(options_.sims[i].profile);
    }
    for (const std::string& dir : options_.sims[i].suite_dirs) {
      args.push_back("--suites");
      args.push_back(dir);
    }
    auto sim = Spawn(name, args);
    if (!sim.ok()) return sim.status();
    httplib::Client client("127.0.0.1", *port);
    client.set_connection_timeout(1, 0);
    absl::Status ready =
        WaitUntilReady(absl::StrCat("simulator ", name, " (log: ", log_path(name), ")"), sim->get(),
                       options_.ready_timeout, [&]() -> absl::Status {
                         auto res = client.Get("/health");
                         if (res && res->status == 200) return absl::OkStatus();
                         return absl::UnavailableError("no answer on /health yet");
                       });
    if (!ready.ok()) return ready;
    sims_.push_back(*std::move(sim));
    sim_ports_.push_back(*port);
  }

  // Replicas start one after another: each applies the migrations under their advisory lock.
  for (int i = 0; i < std::max(1, options_.coordinators); ++i) {
    auto port = PickFreePort();
    if (!port.ok()) return port.status();
    coordinator_ports_.push_back(*port);
    auto http_port = PickFreePort();
    if (!http_port.ok()) return http_port.status();
    coordinator_http_ports_.push_back(*http_port);
    coordinators_.emplace_back();
    if (absl::Status s = StartCoordinator(coordinators_.size() - 1); !s.ok()) return s;
  }

  size_t expected = 0;
  for (size_t i = 0; i < options_.sims.size(); ++i) {
    for (int w = 0; w < options_.sims[i].workers; ++w) {
      std::string name = absl::StrCat("worker-", workers_.size() + 1);
      std::vector<std::string> args = {
          "worker",
          "--coordinator",
          coordinator_address(workers_.size() % coordinator_ports_.size()),
          "--inference-url",
          absl::StrCat(sim_url(i), "/v1"),
          "--hardware-class",
          options_.sims[i].hardware_class,
          "--name",
          absl::StrCat("local-", name)};
      args.insert(args.end(), options_.worker_args.begin(), options_.worker_args.end());
      auto worker = Spawn(name, args);
      if (!worker.ok()) return worker.status();
      workers_.push_back(*std::move(worker));
      ++expected;
    }
  }
  AdminConnection admin(coordinator_address(), /*deadline_s=*/2);
  return WaitUntilReady(
      "the workers' registration (logs: worker-N.log)", nullptr, options_.ready_timeout,
      [&]() -> absl::Status {
        for (auto& w : workers_) {
          if (!w->Running()) {
            return absl::UnavailableError("a worker exited; see its log");
          }
        }
        auto list = admin.ListWorkers();
        if (!list.ok()) return list.status();
        size_t active = 0;
        for (const auto& info : list->workers()) {
          if (info.name().rfind("local-worker-", 0) == 0 && info.state() == "active") {
            ++active;
          }
        }
        if (active >= expected) return absl::OkStatus();
        return absl::UnavailableError(
            absl::StrCat(active, " of ", expected, " workers registered"));
      });
}

absl::Status LocalStack::RestartCoordinator(bool kill, size_t i) {
  Subprocess& coordinator = *coordinators_.at(i);
  if (kill) {
    coordinator.Signal(SIGKILL);
    coordinator.Wait(absl::Seconds(10));
  } else {
    coordinator.Terminate();
  }
  return StartCoordinator(i);
}

void LocalStack::Stop() {
  for (auto& w : workers_) w->Signal(SIGTERM);
  for (auto& w : workers_) w->Terminate();
  workers_.clear();
  for (auto& c : coordinators_) {
    if (c != nullptr) c->Terminate();
  }
  coordinators_.clear();
  for (auto& s : sims_) s->Terminate();
  sims_.clear();
  if (postgres_ != nullptr) (void)postgres_->Stop();
  postgres_.reset();
}

}  // namespace jb::cli
