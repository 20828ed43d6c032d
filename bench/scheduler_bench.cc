// jb_scheduler_bench: the coordinator's scheduling under load (issue 6), each figure beside
// its reference from the same run on the same machine (docs/performance.md):
//
//   1. Queue throughput. One `joulebench coordinator` and a private PostgreSQL (LocalStack),
//      and --workers simulated workers (default 1,000) in this process: real gRPC clients of
//      the worker API (RegisterWorker, AcquireShard, CompleteShard, Heartbeat), asynchronous,
//      started from one schedule by one thread and answered on another. Each worker holds a
//      1-sample shard for 1 s, then completes it as `joulebench worker` does a shard smaller than
//      its report batch: one CompleteShard with the result that also leases the next shard
//      (lease_next); every worker heartbeats every 3 s with its lease (TTL 9 s). Reported:
//      lease-and-complete cycles per second, p50/p99 latency of the calls that lease (CompleteShard
//      with the next lease; AcquireShard for first leases) and of Heartbeat (target p99 < 50 ms),
//      the coordinator's CPU and peak memory; the reference is pgbench's TPS (its built-in
//      TPC-B-like script, 16 clients) against the same PostgreSQL, right after.
//   2. Scaling. A fixed-latency simulator (no jitter) and 1, 2, 4 and 8 real `joulebench
//      worker` processes; the same sweep each time; wall time from the first lease to the last
//      completion, and the speed-up against linear (target >= 0.9 x linear).
//
// Everything shares this machine's cores, the load generator of part 1 included.
// Usage: jb_scheduler_bench [--joulebench PATH] [--workers N] [--db-connections N] [--seconds S]
//                           [--only queue|scaling]
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <queue>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "cli/admin_connection.h"
#include "cli/local_stack.h"
#include "common/grpc_channel.h"
#include "common/process.h"
#include "common/text_table.h"
#include "grpcpp/grpcpp.h"
#include "joulebench/v1/coordinator.grpc.pb.h"
#include "pqxx/pqxx"
#include "worker/coordinator_client.h"

#ifndef JB_BINARY
#define JB_BINARY "joulebench"
#endif

namespace jb::bench {
namespace {

namespace v1 = joulebench::v1;
namespace fs = std::filesystem;

struct Flags {
  std::string joulebench = JB_BINARY;
  int workers = 1000;
  // The coordinator's --db-connections: 4 per core of this machine, where PostgreSQL runs.
  // Its default, 32, is for a database server of its own; on two cores that many backends
  // contended (p99 at 700 workers 92 ms with 32, 45 ms with 8).
  int db_connections = 4 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double seconds = 30;  // measured part of the queue benchmark
  std::string only;
};

std::string StateDir(const std::string& name) {
  const fs::path dir =
      fs::path("/var/tmp") / absl::StrCat("jb_scheduler_bench_", name, "_", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::all & ~fs::perms::others_write & ~fs::perms::group_write);
  return dir.string();
}

// utime + stime of `pid`, in seconds; VmHWM in MiB.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields = absl::StrSplit(text.substr(close + 2), ' ');
  // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime 15.
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return 0;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double PeakMemoryMiB(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    int64_t kib = 0;
    if (line.rfind("VmHWM:", 0) == 0 &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::StripSuffix(line.substr(6), "kB")),
                         &kib)) {
      return static_cast<double>(kib) / 1024;
    }
  }
  return 0;
}

// Latencies of one RPC, in milliseconds.
class Latencies {
 public:
  void Add(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    ms_.push_back(absl::ToDoubleMilliseconds(d));
  }
  double Percentile(double p) {
    std::lock_guard<std::mutex> lock(mu_);
    if (ms_.empty()) return 0;
    std::sort(ms_.begin(), ms_.end());
    return ms_[std::min(ms_.size() - 1, static_cast<size_t>(p * static_cast<double>(ms_.size())))];
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return ms_.size();
  }

 private:
  std::mutex mu_;
  std::vector<double> ms_;
};

// The simulated fleet: one schedule of (time, worker, action). A scheduler thread starts
// each call when it is due, as an asynchronous gRPC call on one completion queue; one thread
// takes the answers and schedules each worker's next call. Two threads, however many workers
// and calls in flight: a fleet of blocking threads took CPU from the coordinator it measured
// and added its own scheduling delays to the latencies.
class Fleet {
 public:
  enum class Action { kAcquire, kComplete, kHeartbeat };

  Fleet(std::shared_ptr<grpc::Channel> channel, std::vector<std::string> ids)
      : stub_(v1::Coordinator::NewStub(std::move(channel))),
        ids_(std::move(ids)),
        leases_(ids_.size()) {}

  void Run(absl::Duration warmup, absl::Duration measured) {
    const absl::Time start = absl::Now();
    for (size_t w = 0; w < ids_.size(); ++w) {
      // Spread the first leases and heartbeats over a second and three seconds.
      Push(start + absl::Milliseconds(w % 1000), w, Action::kAcquire);
      Push(start + absl::Milliseconds(3 * (w % 1000)), w, Action::kHeartbeat);
    }
    measure_from_ = start + warmup;
    end_ = measure_from_ + measured;
    std::thread answers([this] { TakeAnswers(); });
    StartDueCalls();  // returns at end_
    // Calls still in flight finish (or time out) before the queue shuts down.
    while (in_flight_.load() > 0) absl::SleepFor(absl::Milliseconds(10));
    queue_.Shutdown();
    answers.join();
  }

  Latencies acquire, heartbeat, complete;
  Latencies lag;                   // how late the generator started each call against its schedule
  std::atomic<int64_t> cycles{0};  // completions inside the measured window
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> shed{0};  // RESOURCE_EXHAUSTED answers, retried
  absl::Time measure_from_, end_;

 private:
  struct Event {
    absl::Time at;
    size_t worker;
    Action action;
    bool operator>(const Event& o) const { return at > o.at; }
  };
  struct Lease {
    int64_t shard_id = 0;
    int64_t epoch = 0;
    uint32_t sample = 0;
  };
  // One call in flight; its address is its completion queue tag.
  struct Call {
    Event event;
    absl::Time started;
    grpc::ClientContext context;
    grpc::Status status;
    v1::AcquireShardResponse acquired;
    v1::CompleteShardResponse completed;
    v1::HeartbeatResponse beat;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::AcquireShardResponse>> acquire_reader;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::CompleteShardResponse>> complete_reader;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::HeartbeatResponse>> beat_reader;
  };

  void Push(absl::Time at, size_t worker, Action action) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      schedule_.push({at, worker, action});
    }
    cv_.notify_one();
  }

  Lease GetLease(size_t worker) {
    std::lock_guard<std::mutex> lock(leases_mu_);
    return leases_[worker];
  }
  void SetLease(size_t worker, Lease lease) {
    std::lock_guard<std::mutex> lock(leases_mu_);
    leases_[worker] = lease;
  }

  // The scheduler thread: starts every call due before end_.
  void StartDueCalls() {
    while (true) {
      Event event;
      {
        std::unique_lock<std::mutex> lock(mu_);
        while (true) {
          const absl::Time now = absl::Now();
          if (now >= end_) return;
          if (!schedule_.empty() && schedule_.top().at <= now) break;
          const absl::Time wake = schedule_.empty() ? end_ : std::min(end_, schedule_.top().at);
          cv_.wait_for(lock, absl::ToChronoNanoseconds(wake - now));
        }
        event = schedule_.top();
        schedule_.pop();
      }
      if (event.at >= measure_from_) lag.Add(absl::Now() - event.at);
      Start(event);
    }
  }

  void Start(const Event& e) {
    auto call = std::make_unique<Call>();
    call->event = e;
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    const std::string& id = ids_[e.worker];
    // Only one call of a worker's lease cycle is in flight at a time; its heartbeat reads the
    // lease the answer thread writes.
    const Lease lease = GetLease(e.worker);
    in_flight_.fetch_add(1);
    call->started = absl::Now();
    switch (e.action) {
      case Action::kAcquire: {
        v1::AcquireShardRequest request;
        request.set_worker_id(id);
        call->acquire_reader = stub_->AsyncAcquireShard(&call->context, request, &queue_);
        call->acquire_reader->Finish(&call->acquired, &call->status, call.get());
        break;
      }
      case Action::kComplete: {
        // As `joulebench worker` completes a shard smaller than its report batch: the result
        // rides with the completion, which also leases the next shard.
        v1::CompleteShardRequest done;
        done.set_worker_id(id);
        done.set_shard_id(lease.shard_id);
        done.set_epoch(lease.epoch);
        v1::SampleResult* result = done.add_results();
        result->set_sample_index(lease.sample);
        result->set_prediction("positive");
        result->set_score(1);
        result->set_completion_tokens(1);
        done.set_samples_reported(1);
        done.mutable_measurement()->set_method(v1::ENERGY_METHOD_NONE);
        done.mutable_measurement()->set_wall_time_s(1);
        done.set_lease_next(true);
        call->complete_reader = stub_->AsyncCompleteShard(&call->context, done, &queue_);
        call->complete_reader->Finish(&call->completed, &call->status, call.get());
        break;
      }
      case Action::kHeartbeat: {
        v1::HeartbeatRequest request;
        request.set_worker_id(id);
        request.set_state("active");
        request.set_shard_id(lease.shard_id);  // 0 between leases
        request.set_epoch(lease.epoch);
        call->beat_reader = stub_->AsyncHeartbeat(&call->context, request, &queue_);
        call->beat_reader->Finish(&call->beat, &call->status, call.get());
        break;
      }
    }
    call.release();  // the completion queue hands it back to TakeAnswers
  }

  // The answer thread.
  void TakeAnswers() {
    void* tag = nullptr;
    bool ok = false;
    while (queue_.Next(&tag, &ok)) {
      std::unique_ptr<Call> call(static_cast<Call*>(tag));
      Answer(*call);
      in_flight_.fetch_sub(1);
    }
  }

  void Record(Latencies& latencies, const Call& call) {
    if (call.started >= measure_from_) latencies.Add(absl::Now() - call.started);
    if (call.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      shed.fetch_add(1);  // the coordinator's thread quota is full: retried, as workers do
    } else if (!call.status.ok() && errors.fetch_add(1) < 8) {
      std::cerr << "RPC failed: " << call.status.error_message() << "\n";
    }
  }

  void Answer(const Call& call) {
    const Event& e = call.event;
    const absl::Time now = absl::Now();
    switch (e.action) {
      case Action::kAcquire:
        Record(acquire, call);
        if (call.status.ok() && call.acquired.has_shard()) {
          SetLease(e.worker, {call.acquired.shard().shard_id(), call.acquired.lease().epoch(),
                              call.acquired.shard().sample_begin()});
          Push(now + absl::Seconds(1), e.worker, Action::kComplete);
        } else {
          Push(now + absl::Seconds(1), e.worker, Action::kAcquire);
        }
        return;
      case Action::kComplete: {
        Record(complete, call);
        if (call.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
          Push(now + absl::Milliseconds(100), e.worker, Action::kComplete);
          return;
        }
        if (call.status.ok() && now >= measure_from_ && now < end_) cycles.fetch_add(1);
        SetLease(e.worker, {});
        if (call.status.ok() && call.completed.next().has_shard()) {
          const v1::AcquireShardResponse& next = call.completed.next();
          SetLease(e.worker,
                   {next.shard().shard_id(), next.lease().epoch(), next.shard().sample_begin()});
          Push(now + absl::Seconds(1), e.worker, Action::kComplete);
        } else {
          Push(now + (call.status.ok() ? absl::Seconds(1) : absl::ZeroDuration()), e.worker,
               Action::kAcquire);
        }
        return;
      }
      case Action::kHeartbeat:
        Record(heartbeat, call);
        Push(e.at + absl::Seconds(3), e.worker, Action::kHeartbeat);
        return;
    }
  }

  std::unique_ptr<v1::Coordinator::Stub> stub_;
  const std::vector<std::string> ids_;
  grpc::CompletionQueue queue_;
  std::atomic<int> in_flight_{0};
  std::mutex leases_mu_;
  std::vector<Lease> leases_;  // guarded by leases_mu_
  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> schedule_;  // by mu_
};

bool QueueThroughput(const Flags& flags) {
  cli::LocalStackOptions options;
  options.binary = flags.joulebench;
  options.state_dir = StateDir("queue");
  options.lease_ttl = absl::Seconds(9);  // heartbeats every 3 s
  options.reaper_interval = absl::Seconds(1);
  options.log_level = "warn";
  options.coordinator_args = {"--db-connections", absl::StrCat(flags.db_connections)};
  auto stack = cli::LocalStack::Start(options);
  if (!stack.ok()) {
    std::cerr << "the stack did not start: " << stack.status() << "\n";
    return false;
  }
  const absl::Duration warmup = absl::Seconds(5);
  // Enough 1-sample shards that the queue never runs dry: workers x seconds, with a margin.
  const int shards_needed =
      static_cast<int>(flags.workers * (flags.seconds + absl::ToDoubleSeconds(warmup)) * 1.3);
  const int repeats = std::clamp((shards_needed + 39) / 40, 1, 1000);
  v1::SubmitSweepRequest submit;
  submit.set_spec_yaml(
      absl::StrCat("name: queue-bench\nmodels: [{name: bench-model, parameters: 1.0e9}]\n"
                   "tasks: [sentiment-mini]\nhardware_classes: [bench]\nsample_limit: 40\n"
                   "shard_size: 1\nidle_baseline_s: 0\nrepeats: ",
                   repeats, "\n"));
  cli::AdminConnection admin((*stack)->coordinator_address(), 120);
  auto submitted = admin.SubmitSweep(submit);
  if (!submitted.ok()) {
    std::cerr << "submit: " << submitted.status() << "\n";
    return false;
  }

  worker::GrpcCoordinatorClient client({.address = (*stack)->coordinator_address()});
  std::vector<std::string> ids;
  for (int w = 0; w < flags.workers; ++w) {
    v1::RegisterWorkerRequest request;
    request.set_name(absl::StrCat("bench-worker-", w));
    request.mutable_hardware()->set_hardware_class("bench");
    request.mutable_server()->set_kind("bench");
    request.mutable_server()->add_models()->set_name("bench-model");
    auto response = client.RegisterWorker(request);
    if (!response.ok()) {
      std::cerr << "register: " << response.status() << "\n";
      return false;
    }
    ids.push_back(response->worker_id());
  }

  Fleet fleet(MakeCoordinatorChannel((*stack)->coordinator_address()), ids);
  const pid_t coordinator = (*stack)->coordinator().pid();
  double cpu_at_start = 0;
  std::thread cpu_probe([&] {
    absl::SleepFor(warmup);
    cpu_at_start = ProcessCpuSeconds(coordinator);
  });
  fleet.Run(warmup, absl::Seconds(flags.seconds));
  cpu_probe.join();
  const double coordinator_cpu = ProcessCpuSeconds(coordinator) - cpu_at_start;
  const double peak_mib = PeakMemoryMiB(coordinator);

  // The reference: pgbench on the same cluster, 16 clients, its TPC-B-like script.
  auto pgbench_db = (*stack)->postgres().CreateDatabase("pgbench");
  const std::string pgbench = "/usr/lib/postgresql/15/bin/pgbench";
  std::string output;
  double tps = 0;
  if (pgbench_db.ok()) {
    (void)RunCommand({.argv = {pgbench, "-i", "-s", "16", "-q", *pgbench_db}}, &output,
                     absl::Minutes(5));
    auto code = RunCommand({.argv = {pgbench, "-c", "16", "-j", "2", "-T", "15", *pgbench_db}},
                           &output, absl::Minutes(2));
    for (absl::string_view line : absl::StrSplit(output, '\n')) {
      if (absl::ConsumePrefix(&line, "tps = ")) {
        (void)absl::SimpleAtod(line.substr(0, line.find(' ')), &tps);
      }
    }
    if (!code.ok() || *code != 0 || tps == 0) std::cerr << "pgbench:\n" << output << "\n";
  }

  const double cycles_per_s = static_cast<double>(fleet.cycles.load()) / flags.seconds;
  TextTable table({"figure", "joulebench", "reference", "target"});
  table.AddRow({"lease-and-complete cycles/s (1 transaction each)", Fixed(cycles_per_s, 1),
                absl::StrCat("pgbench TPC-B-like ", Fixed(tps, 1), " TPS"), "-"});
  table.AddRow({"CompleteShard + next lease p50 / p99 ms",
                absl::StrCat(Fixed(fleet.complete.Percentile(0.5), 1), " / ",
                             Fixed(fleet.complete.Percentile(0.99), 1)),
                "-", "p99 < 50"});
  // Workers lease with AcquireShard only at the start (in the warm-up) or after finding
  // nothing to do; in steady state every lease comes with a completion.
  table.AddRow({absl::StrCat("AcquireShard p50 / p99 ms (", fleet.acquire.size(), " calls)"),
                fleet.acquire.size() == 0
                    ? std::string("-")
                    : absl::StrCat(Fixed(fleet.acquire.Percentile(0.5), 1), " / ",
                                   Fixed(fleet.acquire.Percentile(0.99), 1)),
                "-", "p99 < 50"});
  table.AddRow({"Heartbeat p50 / p99 ms",
                absl::StrCat(Fixed(fleet.heartbeat.Percentile(0.5), 1), " / ",
                             Fixed(fleet.heartbeat.Percentile(0.99), 1)),
                "-", "p99 < 50"});
  table.AddRow({"load generator lag p50 / p99 ms",
                absl::StrCat(Fixed(fleet.lag.Percentile(0.5), 1), " / ",
                             Fixed(fleet.lag.Percentile(0.99), 1)),
                "-", "small against the latencies"});
  table.AddRow({"coordinator CPU, % of one core", Fixed(100 * coordinator_cpu / flags.seconds, 1),
                "-", "-"});
  table.AddRow({"coordinator peak memory MiB", Fixed(peak_mib, 1), "-", "-"});
  table.AddRow(
      {"RPCs shed (RESOURCE_EXHAUSTED, retried)", absl::StrCat(fleet.shed.load()), "-", "-"});
  table.AddRow({"failed RPCs", absl::StrCat(fleet.errors.load()), "-", "0"});
  std::cout << "Queue throughput: " << flags.workers << " simulated workers, 1 s shards of 1 "
            << "sample, heartbeats every 3 s, coordinator --db-connections " << flags.db_connections
            << ", " << flags.seconds << " s measured after " << absl::FormatDuration(warmup)
            << " of warm-up; " << fleet.complete.size() << " CompleteShard, "
            << fleet.acquire.size() << " AcquireShard and " << fleet.heartbeat.size()
            << " Heartbeat calls measured.\n"
            << table.Render();
  (*stack)->Stop();
  fs::remove_all(options.state_dir);
  return true;
}

// One sweep on `workers` worker processes; wall seconds from the first lease to the end.
double SweepWallTime(const Flags& flags, int workers) {
  const std::string dir = StateDir(absl::StrCat("scaling", workers));
  const std::string profile = dir + "/profile.yaml";
  // 100 ms to the first token and 10 ms per token, exactly: a 16-token answer takes 250 ms.
  std::ofstream(profile) << "seed: 1\nhardware: {name: fixed, idle_w: 10, busy_w: 50}\n"
                            "models:\n  - {name: sim-small-1b, parameters: 1.1e9, ttft_ms: 100, "
                            "itl_ms: 10, jitter: 0, prefill_ms_per_token: 0, max_num_seqs: 1000}\n";
  cli::LocalStackOptions options;
  options.binary = flags.joulebench;
  options.state_dir = dir;
  options.log_level = "warn";
  options.sims = {{.profile = profile, .hardware_class = "fixed", .workers = workers}};
  options.worker_args = {"--energy", "none"};
  auto stack = cli::LocalStack::Start(options);
  if (!stack.ok()) {
    std::cerr << "the stack did not start: " << stack.status() << "\n";
    return 0;
  }
  // 48 shards of 5 samples, 2 requests in flight: 3 rounds of 250 ms per shard.
  v1::SubmitSweepRequest submit;
  submit.set_spec_yaml(
      "name: scaling\nmodels: [{name: sim-small-1b, parameters: 1.1e9}]\n"
      "tasks: [sentiment-mini]\nhardware_classes: [fixed]\nsample_limit: 40\nrepeats: 6\n"
      "shard_size: 5\nconcurrency: 2\nidle_baseline_s: 0\n"
      "generation: {max_tokens: 16, temperature: 0, seed: 1}\n");
  cli::AdminConnection admin((*stack)->coordinator_address(), 60);
  auto submitted = admin.SubmitSweep(submit);
  if (!submitted.ok()) {
    std::cerr << "submit: " << submitted.status() << "\n";
    return 0;
  }
  for (int i = 0; i < 3000; ++i) {
    auto sweep = admin.GetSweep(submitted->sweep_id());
    if (sweep.ok() && sweep->state() != v1::SWEEP_STATE_RUNNING) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  double wall = 0;
  try {
    pqxx::connection c((*stack)->db_url());
    pqxx::work tx(c);
    wall = tx.exec1(
                 "SELECT extract(epoch FROM max(finished_at) - min(started_at)) FROM shards "
                 "WHERE state = 'succeeded'")[0]
               .as<double>();
  } catch (const std::exception& e) {
    std::cerr << "reading the shards: " << e.what() << "\n";
  }
  (*stack)->Stop();
  fs::remove_all(dir);
  return wall;
}

bool Scaling(const Flags& flags) {
  TextTable table({"workers", "wall s", "speed-up", "linear", "of linear", "target"});
  double one = 0;
  bool ok = true;
  for (int workers : {1, 2, 4, 8}) {
    const double wall = SweepWallTime(flags, workers);
    if (wall <= 0) return false;
    if (workers == 1) one = wall;
    const double speedup = one / wall;
    ok = ok && wall > 0;
    table.AddRow({absl::StrCat(workers), Fixed(wall, 2), Fixed(speedup, 2), absl::StrCat(workers),
                  Fixed(speedup / workers, 2), workers == 1 ? "-" : ">= 0.90"});
  }
  std::cout << "\nScaling: one sweep of 48 shards x 5 samples (sentiment-mini, 2 requests in "
               "flight, 250 ms per request on a jitter-free simulator), 1 to 8 worker "
               "processes; wall time from the first lease to the last completion.\n"
            << table.Render();
  return ok;
}

}  // namespace
}  // namespace jb::bench

int main(int argc, char** argv) {
  // As in cli/main.cc: the load generator should not pay for Abseil's lock graph either.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  jb::bench::Flags flags;
  const jb::bench::FlagHandlers handlers = {
      {"--joulebench", [&](const std::string& v) { return !(flags.joulebench = v).empty(); }},
      {"--workers",
       [&](const std::string& v) {
         return absl::SimpleAtoi(v, &flags.workers) && flags.workers > 0;
       }},
      {"--db-connections",
       [&](const std::string& v) {
         return absl::SimpleAtoi(v, &flags.db_connections) && flags.db_connections > 0;
       }},
      {"--seconds",
       [&](const std::string& v) {
         return absl::SimpleAtod(v, &flags.seconds) && flags.seconds > 0;
       }},
      {"--only",
       [&](const std::string& v) { return (flags.only = v) == "queue" || v == "scaling"; }},
  };
  if (!jb::bench::ParseFlagPairs(
          argc, argv, handlers,
          "jb_scheduler_bench [--joulebench PATH] [--workers N] [--db-connections N] [--seconds S] "
          "[--only queue|scaling]")) {
    return 2;
  }
  bool ok = true;
  if (flags.only.empty() || flags.only == "queue") ok = jb::bench::QueueThroughput(flags) && ok;
  if (flags.only.empty() || flags.only == "scaling") ok = jb::bench::Scaling(flags) && ok;
  return ok ? 0 : 1;
}
