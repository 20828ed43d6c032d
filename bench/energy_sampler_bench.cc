// jb_energy_sampler_bench: what the EnergySampler costs the node it measures (issue 5), as CPU
// time of the sampler's thread at 10 Hz and 100 Hz for each meter this machine can run, next
// to the same process with no sampler (the reference) and the target: under 0.5 % of one core
// at 10 Hz (docs/energy.md, docs/performance.md).
//
// Meters, each read through the real EnergySampler with the real clock:
//   rapl           RaplMeter on a powercap tree of two packages and their DRAM zones (a
//                  temporary copy of sysfs's layout: this machine has no RAPL; reading real
//                  sysfs files costs a few microseconds more per file);
//   estimate-cpu   CpuTdpEstimateMeter on this machine's /proc/stat;
//   prometheus     PrometheusMeter integrating the simulator's power gauge: an HTTP scrape of
//                  its whole /metrics over loopback, as a DCGM exporter's power gauge is read.
//                  The simulator is a child process, so its cost to serve the scrape is not
//                  counted here (an exporter's cost is the exporter's).
// NVML is not measured: its cost is the driver's, which no fake library reproduces; the GPU
// check in docs/energy.md is where it belongs.
//
// CPU time is this process's (CLOCK_PROCESS_CPUTIME_ID, nanosecond accounting rather than
// getrusage's ticks) while the main thread sleeps: the sampler thread's, plus this process's
// idle cost, which the no-sampler row measures.
// Usage: jb_energy_sampler_bench [--joulebench PATH] [--seconds S]
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "common/clock.h"
#include "common/text_table.h"
#include "worker/energy/cpu_tdp_table.h"
#include "worker/energy/energy_sampler.h"
#include "worker/energy/estimate_meters.h"
#include "worker/energy/prometheus_meter.h"
#include "worker/energy/rapl_meter.h"

#ifndef JB_BINARY
#define JB_BINARY "joulebench"
#endif

namespace jb::bench {
namespace {

namespace fs = std::filesystem;
using worker::CpuTdpEstimateMeter;
using worker::EnergyMeter;
using worker::EnergySampler;
using worker::PrometheusMeter;
using worker::PrometheusOptions;
using worker::RaplMeter;
using worker::SamplerOptions;

struct Flags {
  std::string joulebench = JB_BINARY;
  double seconds = 10;  // per row
};

// A powercap tree like a two-socket server's: packages with core and DRAM subzones.
std::string MakePowercapTree() {
  const fs::path root = fs::temp_directory_path() / absl::StrCat("jb_sampler_bench_", getpid());
  fs::remove_all(root);
  auto zone = [&](const std::string& rel, const std::string& name) {
    fs::create_directories(root / rel);
    std::ofstream(root / rel / "name") << name << "\n";
    std::ofstream(root / rel / "max_energy_range_uj") << "262143328850\n";
    std::ofstream(root / rel / "energy_uj") << "123456789\n";
  };
  for (int socket = 0; socket < 2; ++socket) {
    const std::string package = absl::StrCat("intel-rapl:", socket);
    zone(package, absl::StrCat("package-", socket));
    zone(absl::StrCat(package, "/", package, ":0"), "core");
    zone(absl::StrCat(package, "/", package, ":1"), "dram");
  }
  return root.string();
}

double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct Row {
  std::string meter;
  std::string period;
  uint32_t reads = 0;
  uint32_t failed = 0;
  double cpu_s = 0;
  double wall_s = 0;
};

// Runs the sampler on `meter` at `period` (none when null) for `seconds`, sleeping meanwhile.
Row Measure(const std::string& name, EnergyMeter* meter, absl::Duration period, double seconds) {
  Row row;
  row.meter = name;
  row.period = meter == nullptr ? "-" : absl::StrCat(absl::ToInt64Milliseconds(period), " ms");
  std::unique_ptr<EnergySampler> sampler;
  if (meter != nullptr) {
    sampler = std::make_unique<EnergySampler>(meter, Clock::Real(), SamplerOptions{period});
    (void)sampler->Mark();  // the first read sets the meter's origin, outside the measurement
  }
  const double cpu_before = ProcessCpuSeconds();
  const absl::Time start = absl::Now();
  if (sampler) sampler->Start();
  absl::SleepFor(absl::Seconds(seconds));
  if (sampler) {
    sampler->Stop();
    const EnergySampler::WindowStats stats = sampler->TakeWindowStats();
    row.reads = stats.reads;
    row.failed = stats.failed_reads;
  }
  row.wall_s = absl::ToDoubleSeconds(absl::Now() - start);
  row.cpu_s = ProcessCpuSeconds() - cpu_before;
  return row;
}

int Run(const Flags& flags) {
  std::unique_ptr<SimProcess> sim =
      SimProcess::Start(flags.joulebench, "builtin:demo-gpu", "jb_energy_sampler_bench_sim");
  if (sim == nullptr) return 1;
  const std::string powercap = MakePowercapTree();
  absl::StatusOr<std::unique_ptr<RaplMeter>> rapl = RaplMeter::Open(powercap);
  if (!rapl.ok()) {
    std::cerr << "RAPL on the bench's tree: " << rapl.status() << "\n";
    return 1;
  }
  CpuTdpEstimateMeter cpu(
      worker::CpuMaxPower("", static_cast<int>(std::thread::hardware_concurrency()), 1, 0),
      Clock::Real());
  PrometheusOptions options;
  options.url = sim->Url("/metrics");
  options.selector = *worker::ParsePrometheusSelector("joulebench_sim_power_watts");
  options.simulated = true;
  PrometheusMeter prometheus(options, Clock::Real());
  struct Meter {
    const char* name;
    EnergyMeter* meter;
  };
  const std::vector<Meter> meters = {
      {"rapl (2 packages + DRAM)", rapl->get()},
      {"estimate-cpu (/proc/stat)", &cpu},
      {"prometheus gauge (HTTP scrape)", &prometheus},
  };

  std::vector<Row> rows;
  rows.push_back(Measure("no sampler (reference)", nullptr, absl::ZeroDuration(), flags.seconds));
  for (const Meter& m : meters) {
    for (absl::Duration period : {absl::Milliseconds(100), absl::Milliseconds(10)}) {
      rows.push_back(Measure(m.name, m.meter, period, flags.seconds));
    }
  }
  fs::remove_all(powercap);

  const double reference_pct = 100 * rows[0].cpu_s / rows[0].wall_s;
  TextTable table({"meter", "period", "reads/s", "failed", "CPU % of one core", "minus reference",
                   "us per read", "target"});
  for (const Row& row : rows) {
    const double pct = 100 * row.cpu_s / row.wall_s;
    const bool reference = row.period == "-";
    const bool at_10hz = row.period == "100 ms";
    table.AddRow(
        {row.meter, row.period, reference ? "-" : Fixed(row.reads / row.wall_s, 1),
         reference ? "-" : absl::StrCat(row.failed), Fixed(pct, 3),
         reference ? "-" : Fixed(pct - reference_pct, 3),
         reference || row.reads == 0
             ? "-"
             : Fixed(1e6 * (row.cpu_s - rows[0].cpu_s * row.wall_s / rows[0].wall_s) / row.reads,
                     1),
         at_10hz ? "< 0.5 % (10 Hz)" : "-"});
  }
  std::cout << "EnergySampler CPU cost, " << flags.seconds
            << " s per row, the main thread asleep; reference: the same process with no "
               "sampler.\n"
            << table.Render();
  return 0;
}

}  // namespace
}  // namespace jb::bench

int main(int argc, char** argv) {
  jb::bench::Flags flags;
  const jb::bench::FlagHandlers handlers = {
      {"--joulebench", [&](const std::string& v) { return !(flags.joulebench = v).empty(); }},
      {"--seconds",
       [&](const std::string& v) {
         return absl::SimpleAtod(v, &flags.seconds) && flags.seconds > 0;
       }},
  };
  if (!jb::bench::ParseFlagPairs(argc, argv, handlers,
                                 "jb_energy_sampler_bench [--joulebench PATH] [--seconds S]")) {
    return 2;
  }
  return jb::bench::Run(flags);
}
