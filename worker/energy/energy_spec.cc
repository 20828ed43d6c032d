#include "worker/energy/energy_spec.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "worker/energy/cpu_tdp_table.h"
#include "worker/energy/estimate_meters.h"
#include "worker/energy/gpu_selection.h"
#include "worker/energy/nvml_meter.h"
#include "worker/energy/prometheus_meter.h"
#include "worker/energy/rapl_meter.h"
#include "worker/hardware.h"
#include "worker/inference/http_url.h"

namespace jb::worker {

namespace v1 = joulebench::v1;

namespace {

constexpr char kAccepted[] =
    "use auto, none, or a comma-separated list of nvml, rapl, prometheus=URL[#SELECTOR], "
    "estimate, estimate-cpu, estimate-ram, estimate-params[=K]";

absl::Status BadSource(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--energy: '", text, "': ", why));
}

absl::StatusOr<EnergySource> ParseSource(absl::string_view text) {
  EnergySource source;
  source.text = std::string(text);
  absl::string_view rest = text;
  if (text == "nvml") {
    source.kind = EnergySource::Kind::kNvml;
  } else if (text == "rapl") {
    source.kind = EnergySource::Kind::kRapl;
  } else if (text == "estimate-cpu") {
    source.kind = EnergySource::Kind::kEstimateCpu;
  } else if (text == "estimate-ram") {
    source.kind = EnergySource::Kind::kEstimateRam;
  } else if (absl::ConsumePrefix(&rest, "estimate-params")) {
    source.kind = EnergySource::Kind::kEstimateParams;
    if (absl::ConsumePrefix(&rest, "=")) {
      double k = 0;
      if (!absl::SimpleAtod(rest, &k) || !(k > 0) || !std::isfinite(k)) {
        return BadSource(text,
                         "K must be a positive number of joules per billion active "
                         "parameters per token, e.g. estimate-params=1.871");
      }
      source.params_k = k;
    } else if (!rest.empty()) {
      return BadSource(text, kAccepted);
    }
  } else if (absl::ConsumePrefix(&rest, "prometheus=")) {
    source.kind = EnergySource::Kind::kPrometheus;
    const size_t hash = rest.find('#');
    source.url = std::string(rest.substr(0, hash));
    if (absl::StatusOr<HttpUrl> url = ParseHttpUrl(source.url); !url.ok()) {
      return BadSource(text, url.status().message());
    }
    const absl::string_view selector =
        hash == absl::string_view::npos ? kSimulatorEnergyMetric : rest.substr(hash + 1);
    if (selector.empty()) {
      return BadSource(text,
                       "empty selector after '#'; name a metric, e.g. "
                       "#DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
    }
    absl::StatusOr<PrometheusSelector> parsed = ParsePrometheusSelector(selector);
    if (!parsed.ok()) return BadSource(text, parsed.status().message());
    source.selector = *std::move(parsed);
  } else {
    return BadSource(text, kAccepted);
  }
  return source;
}

// Splits at commas outside braces and quotes, so a selector's labels stay whole:
// nvml,prometheus=http://h:9400/metrics#M{gpu="0",UUID="GPU-a"}.
std::vector<absl::string_view> SplitSources(absl::string_view text) {
  std::vector<absl::string_view> pieces;
  size_t start = 0;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      depth = std::max(0, depth - 1);
    } else if (c == ',' && depth == 0) {
      pieces.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

}  // namespace

absl::StatusOr<EnergySpec> ParseEnergySpec(absl::string_view text) {
  EnergySpec spec;
  if (text == "auto") return spec;
  if (text == "none") {
    spec.kind = EnergySpec::Kind::kNone;
    return spec;
  }
  spec.kind = EnergySpec::Kind::kList;
  for (absl::string_view piece : SplitSources(text)) {
    if (piece == "estimate") {
      JB_ASSIGN_OR_RETURN(EnergySource cpu, ParseSource("estimate-cpu"));
      JB_ASSIGN_OR_RETURN(EnergySource ram, ParseSource("estimate-ram"));
      spec.sources.push_back(std::move(cpu));
      spec.sources.push_back(std::move(ram));
      continue;
    }
    if (piece == "auto" || piece == "none") {
      return BadSource(text, absl::StrCat("'", piece, "' cannot be combined with other sources"));
    }
    JB_ASSIGN_OR_RETURN(EnergySource source, ParseSource(piece));
    for (const EnergySource& seen : spec.sources) {
      if (seen.kind == source.kind && source.kind != EnergySource::Kind::kPrometheus) {
        return BadSource(text, absl::StrCat("'", piece, "' is named twice"));
      }
    }
    spec.sources.push_back(std::move(source));
  }
  return spec;
}

namespace {

std::string ReadFileOrEmpty(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

using Opened = absl::StatusOr<std::unique_ptr<EnergyMeter>>;

Opened OpenNvml(const EnergyEnvironment& env) {
  JB_ASSIGN_OR_RETURN(GpuSelection gpus,
                      SelectGpus(env.gpus, env.cuda_visible_devices, env.nvidia_visible_devices));
  NvmlOptions options;
  options.library = env.nvml_library;
  options.gpus = std::move(gpus);
  options.clock = env.clock;
  JB_ASSIGN_OR_RETURN(std::unique_ptr<NvmlMeter> meter, NvmlMeter::Open(options));
  return std::unique_ptr<EnergyMeter>(std::move(meter));
}

Opened OpenPrometheus(const EnergySource& source, const v1::InferenceServer& server,
                      const EnergyEnvironment& env) {
  PrometheusOptions options;
  options.url = source.url;
  options.selector = source.selector;
  if (absl::StartsWith(source.selector.metric, "joulebench_sim_")) {
    options.simulated = server.simulated();
  } else {
    JB_ASSIGN_OR_RETURN(GpuSelection gpus,
                        SelectGpus(env.gpus, env.cuda_visible_devices, env.nvidia_visible_devices));
    options.gpus = std::move(gpus.ids);
  }
  return std::unique_ptr<EnergyMeter>(std::make_unique<PrometheusMeter>(options, env.clock));
}

Opened OpenEstimateCpu(const EnergyEnvironment& env) {
  const std::string cpuinfo = ReadFileOrEmpty("/proc/cpuinfo");
  const CpuInfo info = ParseCpuInfo(cpuinfo);
  const int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return std::unique_ptr<EnergyMeter>(std::make_unique<CpuTdpEstimateMeter>(
      CpuMaxPower(info.model, threads, CountSockets(cpuinfo), env.cpu_tdp_w), env.clock));
}

Opened OpenEstimateRam(const EnergyEnvironment& env) {
  utsname name{};
  const std::string machine = uname(&name) == 0 ? name.machine : "";
  const bool arm = absl::StrContains(machine, "arm") || absl::StrContains(machine, "aarch");
  return std::unique_ptr<EnergyMeter>(std::make_unique<RamEstimateMeter>(
      ParseMemTotalBytes(ReadFileOrEmpty("/proc/meminfo")), arm, env.clock));
}

Opened Open(const EnergySource& source, const v1::InferenceServer& server,
            const EnergyEnvironment& env) {
  switch (source.kind) {
    case EnergySource::Kind::kNvml:
      return OpenNvml(env);
    case EnergySource::Kind::kRapl: {
      JB_ASSIGN_OR_RETURN(std::unique_ptr<RaplMeter> meter, RaplMeter::Open(env.powercap_root));
      return std::unique_ptr<EnergyMeter>(std::move(meter));
    }
    case EnergySource::Kind::kPrometheus:
      return OpenPrometheus(source, server, env);
    case EnergySource::Kind::kEstimateCpu:
      return OpenEstimateCpu(env);
    case EnergySource::Kind::kEstimateRam:
      return OpenEstimateRam(env);
    case EnergySource::Kind::kEstimateParams:
      return std::unique_ptr<EnergyMeter>(std::make_unique<ParamsEstimateMeter>(
          env.tally, source.params_k.value_or(kGargJoulesPerBillionParamToken)));
  }
  return absl::InternalError("unknown energy source");
}

// Opens and probes one source; the error says which source failed.
Opened OpenAndProbe(const EnergySource& source, const v1::InferenceServer& server,
                    const EnergyEnvironment& env) {
  Opened meter = Open(source, server, env);
  if (meter.ok()) {
    if (absl::Status probe = (*meter)->Probe(); !probe.ok()) meter = probe;
  }
  return meter;
}

// The domains a source meters, for auto's no-double-counting rule.
std::vector<std::string> Domains(EnergyMeter& meter) {
  std::vector<std::string> domains;
  absl::StatusOr<std::vector<v1::EnergyReading>> readings = meter.Read();
  if (readings.ok()) {
    for (const auto& r : *readings) domains.push_back(r.domain());
  }
  return domains;
}

std::unique_ptr<EnergyMeter> Combine(std::vector<std::unique_ptr<EnergyMeter>> meters) {
  if (meters.size() == 1) return std::move(meters[0]);
  return std::make_unique<CompositeMeter>(std::move(meters));
}

}  // namespace

absl::StatusOr<EnergySetup> SetUpEnergy(const EnergySpec& spec, const v1::InferenceServer& server,
                                        const EnergyEnvironment& env) {
  EnergySetup setup;
  if (spec.kind == EnergySpec::Kind::kNone) {
    setup.meter = std::make_unique<NullMeter>();
    setup.probe.push_back("none: --energy none, nothing is metered");
    return setup;
  }
  if (spec.kind == EnergySpec::Kind::kList) {
    std::vector<std::unique_ptr<EnergyMeter>> meters;
    for (const EnergySource& source : spec.sources) {
      Opened meter = OpenAndProbe(source, server, env);
      if (!meter.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("--energy ", source.text, ": ", meter.status().message()));
      }
      setup.probe.push_back(absl::StrCat(source.text, ": used: ", (*meter)->Describe().summary));
      meters.push_back(*std::move(meter));
    }
    setup.meter = Combine(std::move(meters));
    return setup;
  }

  // auto
  if (server.simulated()) {
    JB_ASSIGN_OR_RETURN(
        EnergySource counter,
        ParseSource(absl::StrCat("prometheus=", ServerRootUrl(server.base_url()), "/metrics")));
    Opened sim = OpenAndProbe(counter, server, env);
    if (!sim.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the simulator's energy counter: ", sim.status().message()));
    }
    setup.probe.push_back(
        absl::StrCat("simulator: used: ", (*sim)->Describe().summary, " (simulated joules)"));
    setup.meter = *std::move(sim);
    return setup;
  }
  std::vector<EnergySource> candidates = {{EnergySource::Kind::kNvml, "nvml"},
                                          {EnergySource::Kind::kRapl, "rapl"}};
  if (!env.prometheus.empty()) {
    absl::StatusOr<EnergySpec> parsed =
        ParseEnergySpec(absl::StrCat("prometheus=", env.prometheus));
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--energy-prometheus: ", parsed.status().message()));
    }
    candidates.push_back(parsed->sources.front());
  } else {
    setup.probe.push_back("prometheus: not used: no --energy-prometheus configured");
  }
  std::vector<std::unique_ptr<EnergyMeter>> meters;
  std::vector<std::string> covered;
  for (const EnergySource& source : candidates) {
    Opened meter = OpenAndProbe(source, server, env);
    if (!meter.ok()) {
      setup.probe.push_back(absl::StrCat(source.text, ": not used: ", meter.status().message()));
      continue;
    }
    const std::vector<std::string> domains = Domains(**meter);
    const bool overlaps = std::any_of(domains.begin(), domains.end(), [&](const std::string& d) {
      return std::find(covered.begin(), covered.end(), d) != covered.end() ||
             (d == "node" && !covered.empty()) ||
             std::find(covered.begin(), covered.end(), "node") != covered.end();
    });
    if (overlaps) {
      setup.probe.push_back(absl::StrCat(source.text,
                                         ": not used: its domains are already metered by an "
                                         "earlier source (no double counting)"));
      continue;
    }
    covered.insert(covered.end(), domains.begin(), domains.end());
    setup.probe.push_back(absl::StrCat(source.text, ": used: ", (*meter)->Describe().summary));
    meters.push_back(*std::move(meter));
  }
  if (meters.empty()) {
    for (const char* name : {"estimate-cpu", "estimate-ram"}) {
      EnergySource source = *ParseSource(name);
      Opened meter = OpenAndProbe(source, server, env);
      if (!meter.ok()) {
        setup.probe.push_back(absl::StrCat(name, ": not used: ", meter.status().message()));
        continue;
      }
      setup.probe.push_back(absl::StrCat(name,
                                         ": used (nothing measured could be read; labelled "
                                         "an estimate): ",
                                         (*meter)->Describe().summary));
      meters.push_back(*std::move(meter));
    }
  }
  if (meters.empty()) {
    setup.meter = std::make_unique<NullMeter>();
    setup.probe.push_back("none: nothing could be read or estimated");
  } else {
    setup.meter = Combine(std::move(meters));
  }
  return setup;
}

}  // namespace jb::worker
