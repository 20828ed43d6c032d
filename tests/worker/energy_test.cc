// MeasureWindow and token-share apportioning.
#include <atomic>
#include <deque>
#include <memory>
#include <vector>

#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/worker/fakes.h"
#include "worker/energy/measure_window.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using ::jb::worker::testing::FakeEnergyMeter;
using ::testing::HasSubstr;

// A meter that returns scripted reads in order.
void Script(FakeEnergyMeter& meter, std::vector<std::vector<v1::EnergyReading>> reads) {
  auto queue =
      std::make_shared<std::deque<std::vector<v1::EnergyReading>>>(reads.begin(), reads.end());
  meter.on_read = [queue]() -> absl::StatusOr<std::vector<v1::EnergyReading>> {
    if (queue->empty()) return absl::InternalError("no more scripted reads");
    std::vector<v1::EnergyReading> next = queue->front();
    queue->pop_front();
    return next;
  };
}

// No sampler thread: the meter is read at the window's marks only (deterministic with FakeClock).
WindowOptions MarksOnly() {
  WindowOptions options;
  options.sampling_period = absl::ZeroDuration();
  return options;
}

std::function<absl::Status()> Work(FakeClock& clock, absl::Duration d) {
  return [&clock, d] {
    clock.Advance(d);
    return absl::OkStatus();
  };
}

TEST(MeasureWindowTest, IdleBaselineTotalAndAboveIdleEnergy) {
  FakeClock clock;
  FakeEnergyMeter meter;
  // Idle: 100 -> 150 J over 2 s (25 W). Window: 200 -> 500 J over 4 s.
  Script(meter, {{FakeEnergyMeter::Reading(100)},
                 {FakeEnergyMeter::Reading(150)},
                 {FakeEnergyMeter::Reading(200)},
                 {FakeEnergyMeter::Reading(500)}});
  WindowOptions options = MarksOnly();
  options.idle_baseline = absl::Seconds(2);
  options.origin = clock.MonotonicNow();
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, options, Work(clock, absl::Seconds(4))));
  EXPECT_EQ(meter.reads.load(), 4);
  EXPECT_EQ(clock.TotalSlept(), absl::Seconds(2));
  EXPECT_EQ(m.idle_power_w(), 25);
  EXPECT_EQ(m.total_energy_j(), 300);
  EXPECT_EQ(m.wall_time_s(), 4);
  EXPECT_EQ(m.window_start_s(), 2);
  EXPECT_EQ(m.window_end_s(), 6);
  EXPECT_EQ(m.above_idle_energy_j(), 200);  // 300 - 25 W * 4 s
  ASSERT_EQ(m.readings_size(), 1);
  EXPECT_EQ(m.readings(0).energy_j(), 300);
  EXPECT_EQ(m.readings(0).domain(), "gpu");
  EXPECT_EQ(m.method(), v1::ENERGY_METHOD_NVML_ENERGY_COUNTER);
  EXPECT_FALSE(m.estimated());
  EXPECT_TRUE(m.exclusive());
  EXPECT_EQ(m.sampling_period_ms(), 0);
}

TEST(MeasureWindowTest, AboveIdleEnergyIsFlooredAtZero) {
  FakeClock clock;
  FakeEnergyMeter meter;
  // Idle 100 W over 1 s, but only 50 J in a 1 s window.
  Script(meter, {{FakeEnergyMeter::Reading(0)},
                 {FakeEnergyMeter::Reading(100)},
                 {FakeEnergyMeter::Reading(100)},
                 {FakeEnergyMeter::Reading(150)}});
  WindowOptions options = MarksOnly();
  options.idle_baseline = absl::Seconds(1);
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, options, Work(clock, absl::Seconds(1))));
  EXPECT_EQ(m.total_energy_j(), 50);
  EXPECT_EQ(m.above_idle_energy_j(), 0);
}

TEST(MeasureWindowTest, NoIdleBaselineReadsOnlyStartAndEnd) {
  FakeClock clock;
  FakeEnergyMeter meter;
  Script(meter, {{FakeEnergyMeter::Reading(10)}, {FakeEnergyMeter::Reading(40)}});
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, MarksOnly(), Work(clock, absl::Seconds(3))));
  EXPECT_EQ(meter.reads.load(), 2);
  EXPECT_EQ(clock.TotalSlept(), absl::ZeroDuration());
  EXPECT_EQ(m.idle_power_w(), 0);
  EXPECT_EQ(m.total_energy_j(), 30);
  EXPECT_EQ(m.above_idle_energy_j(), 30);
}

TEST(MeasureWindowTest, MethodIsTheWeakestAndEstimatedIfAnyReadingIs) {
  FakeClock clock;
  FakeEnergyMeter meter;
  auto gpu = [](double j) { return FakeEnergyMeter::Reading(j, "gpu"); };
  auto cpu = [](double j) {
    return FakeEnergyMeter::Reading(j, "cpu", v1::ENERGY_METHOD_ESTIMATE_TDP, true);
  };
  auto dram = [](double j) { return FakeEnergyMeter::Reading(j, "dram", v1::ENERGY_METHOD_RAPL); };
  Script(meter, {{gpu(0), cpu(0), dram(0)}, {gpu(100), cpu(20), dram(5)}});
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, MarksOnly(), Work(clock, absl::Seconds(1))));
  EXPECT_EQ(m.method(), v1::ENERGY_METHOD_ESTIMATE_TDP);
  EXPECT_TRUE(m.estimated());
  EXPECT_EQ(m.total_energy_j(), 125);
  ASSERT_EQ(m.readings_size(), 3);
  EXPECT_EQ(m.readings(0).energy_j(), 100);
  EXPECT_EQ(m.readings(1).energy_j(), 20);
  EXPECT_EQ(m.readings(2).energy_j(), 5);
}

TEST(MeasureWindowTest, NullMeterGivesMethodNoneAndNoJoules) {
  FakeClock clock;
  NullMeter meter;
  WindowOptions options = MarksOnly();
  options.idle_baseline = absl::Seconds(1);
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, options, Work(clock, absl::Seconds(2))));
  EXPECT_EQ(m.method(), v1::ENERGY_METHOD_NONE);
  EXPECT_EQ(m.readings_size(), 0);
  EXPECT_EQ(m.total_energy_j(), 0);
  EXPECT_EQ(m.wall_time_s(), 2);
  EXPECT_FALSE(m.simulated());
}

TEST(MeasureWindowTest, CounterThatStillDecreasesCountsTheEndValueAsAReset) {
  FakeClock clock;
  FakeEnergyMeter meter;
  Script(meter, {{FakeEnergyMeter::Reading(1000)}, {FakeEnergyMeter::Reading(30)}});
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, MarksOnly(), Work(clock, absl::Seconds(1))));
  ASSERT_EQ(m.readings_size(), 1);
  EXPECT_EQ(m.readings(0).energy_j(), 30);
  EXPECT_EQ(m.readings(0).counter_resets(), 1u);
  EXPECT_EQ(m.total_energy_j(), 30);
}

TEST(MeasureWindowTest, ResetsAbsorbedByTheMeterAreCountedWithinTheWindow) {
  FakeClock clock;
  FakeEnergyMeter meter;
  v1::EnergyReading before = FakeEnergyMeter::Reading(100);
  before.set_counter_resets(2);  // two resets before the window: not this window's
  v1::EnergyReading after = FakeEnergyMeter::Reading(160);
  after.set_counter_resets(3);
  Script(meter, {{before}, {after}});
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, MarksOnly(), Work(clock, absl::Seconds(1))));
  ASSERT_EQ(m.readings_size(), 1);
  EXPECT_EQ(m.readings(0).energy_j(), 60);
  EXPECT_EQ(m.readings(0).counter_resets(), 1u);
}

TEST(MeasureWindowTest, SharingSeenDuringTheWindowMakesItNotExclusive) {
  FakeClock clock;
  FakeEnergyMeter meter;
  Script(meter, {{FakeEnergyMeter::Reading(0)}, {FakeEnergyMeter::Reading(10)}});
  ASSERT_OK_AND_ASSIGN(v1::Measurement m, MeasureWindow(meter, clock, MarksOnly(), [&] {
                         meter.SetSharing("GPU-a: 2 compute processes (pids 311, 912)");
                         clock.Advance(absl::Seconds(1));
                         return absl::OkStatus();
                       }));
  EXPECT_FALSE(m.exclusive());
  EXPECT_EQ(m.shared_reason(), "GPU-a: 2 compute processes (pids 311, 912)");
  EXPECT_EQ(m.total_energy_j(), 10);
}

TEST(MeasureWindowTest, MeterThatIsNeverExclusiveGivesItsReason) {
  FakeClock clock;
  FakeEnergyMeter meter;
  meter.description.exclusive = false;
  meter.description.shared_reason = "MIG-1 is a MIG instance on GPU-a";
  Script(meter, {{FakeEnergyMeter::Reading(0)}, {FakeEnergyMeter::Reading(10)}});
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, MarksOnly(), Work(clock, absl::Seconds(1))));
  EXPECT_FALSE(m.exclusive());
  EXPECT_EQ(m.shared_reason(), "MIG-1 is a MIG instance on GPU-a");
}

TEST(MeasureWindowTest, SamplerThreadReadsAMeterThatNeedsSamplingAndCountsFailures) {
  FakeClock clock;
  FakeEnergyMeter meter;
  meter.description.needs_sampling = true;
  std::atomic<int> calls{0};
  meter.on_read = [&]() -> absl::StatusOr<std::vector<v1::EnergyReading>> {
    // Every third of the thread's first reads fails; the marks (the 1st read, and the last,
    // after the 20th) never do.
    const int n = ++calls;
    if (n < 20 && n % 3 == 0) return absl::UnavailableError("sensor busy");
    return std::vector<v1::EnergyReading>{FakeEnergyMeter::Reading(n)};
  };
  WindowOptions options;
  options.sampling_period = absl::Milliseconds(5);
  ASSERT_OK_AND_ASSIGN(v1::Measurement m, MeasureWindow(meter, clock, options, [&] {
                         // Real time passes so the thread reads; bounded by the count.
                         for (int i = 0; i < 400 && calls.load() < 20; ++i) {
                           absl::SleepFor(absl::Milliseconds(5));
                         }
                         return absl::OkStatus();
                       }));
  const int reads = meter.reads.load();
  EXPECT_GE(reads, 10);
  EXPECT_EQ(m.sampling_period_ms(), 5);
  // Reads 3, 6, ..., 18 failed, all of them the thread's.
  EXPECT_EQ(m.failed_samples(), 6u);
}

TEST(MeasureWindowTest, NoSamplingPeriodWhenTheMeterDoesNotNeedIt) {
  FakeClock clock;
  FakeEnergyMeter meter;
  Script(meter, {{FakeEnergyMeter::Reading(0)}, {FakeEnergyMeter::Reading(10)}});
  WindowOptions options;
  options.sampling_period = absl::Milliseconds(5);
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, options, Work(clock, absl::Seconds(1))));
  EXPECT_EQ(meter.reads.load(), 2);
  EXPECT_EQ(m.sampling_period_ms(), 0);
  EXPECT_EQ(m.total_energy_j(), 10);
}

TEST(MeasureWindowTest, PeakMemoryIsTheMostTheSamplerSawEvenWhenEnergyNeedsNoSampling) {
  FakeClock clock;
  FakeEnergyMeter meter;  // an energy counter: the thread reads memory only
  constexpr uint64_t kGiB = uint64_t{1} << 30;
  meter.SetMemoryInUse(20 * kGiB);
  Script(meter, {{FakeEnergyMeter::Reading(0)}, {FakeEnergyMeter::Reading(10)}});
  WindowOptions options;
  options.sampling_period = absl::Milliseconds(2);
  ASSERT_OK_AND_ASSIGN(v1::Measurement m, MeasureWindow(meter, clock, options, [&] {
                         // A spike between the marks, held until the thread has read it
                         // twice (real time; bounded).
                         meter.SetMemoryInUse(30 * kGiB);
                         const int seen = meter.memory_reads.load();
                         for (int i = 0; i < 1000 && meter.memory_reads.load() < seen + 2; ++i) {
                           absl::SleepFor(absl::Milliseconds(2));
                         }
                         meter.SetMemoryInUse(25 * kGiB);
                         return absl::OkStatus();
                       }));
  EXPECT_EQ(meter.reads.load(), 2);  // energy only at the marks
  EXPECT_EQ(m.peak_memory_mb(), 30 * 1024);
  EXPECT_EQ(m.memory_source(), "nvml-peak");
}

TEST(MeasureWindowTest, MemoryAtTheMarksCountsAndAMeterWithoutMemoryGivesNone) {
  FakeClock clock;
  FakeEnergyMeter meter;
  Script(meter, {{FakeEnergyMeter::Reading(0)}, {FakeEnergyMeter::Reading(10)}});
  meter.SetMemoryInUse(512 * 1024 * 1024);
  ASSERT_OK_AND_ASSIGN(v1::Measurement m, MeasureWindow(meter, clock, MarksOnly(), [&] {
                         meter.SetMemoryInUse(1024 * 1024 * 1024);  // read at the end mark
                         clock.Advance(absl::Seconds(1));
                         return absl::OkStatus();
                       }));
  EXPECT_EQ(m.peak_memory_mb(), 1024);
  EXPECT_EQ(m.memory_source(), "nvml-peak");

  FakeEnergyMeter no_memory;
  Script(no_memory, {{FakeEnergyMeter::Reading(0)}, {FakeEnergyMeter::Reading(10)}});
  ASSERT_OK_AND_ASSIGN(m,
                       MeasureWindow(no_memory, clock, MarksOnly(), Work(clock, absl::Seconds(1))));
  EXPECT_EQ(no_memory.memory_reads.load(), 2);
  EXPECT_EQ(m.peak_memory_mb(), 0);
  EXPECT_EQ(m.memory_source(), "");
}

TEST(MeasureWindowTest, ReadingsMissingFromOneReadAreDropped) {
  FakeClock clock;
  FakeEnergyMeter meter;
  Script(meter, {{FakeEnergyMeter::Reading(0, "gpu"), FakeEnergyMeter::Reading(0, "cpu")},
                 {FakeEnergyMeter::Reading(10, "gpu"), FakeEnergyMeter::Reading(7, "dram")}});
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, MarksOnly(), Work(clock, absl::Seconds(1))));
  ASSERT_EQ(m.readings_size(), 1);
  EXPECT_EQ(m.readings(0).domain(), "gpu");
  EXPECT_EQ(m.total_energy_j(), 10);
}

TEST(MeasureWindowTest, WorkErrorIsReturnedWithoutAnEndRead) {
  FakeClock clock;
  FakeEnergyMeter meter;
  Script(meter, {{FakeEnergyMeter::Reading(0)}});
  EXPECT_THAT(
      MeasureWindow(meter, clock, MarksOnly(), [] { return absl::AbortedError("lease lost"); }),
      StatusIs(absl::StatusCode::kAborted, "lease lost"));
  EXPECT_EQ(meter.reads.load(), 1);
}

TEST(MeasureWindowTest, ReadErrorIsReturnedAndWorkDoesNotRun) {
  FakeClock clock;
  FakeEnergyMeter meter;
  meter.on_read = []() -> absl::StatusOr<std::vector<v1::EnergyReading>> {
    return absl::UnavailableError("exporter down");
  };
  bool ran = false;
  EXPECT_THAT(MeasureWindow(meter, clock, MarksOnly(),
                            [&] {
                              ran = true;
                              return absl::OkStatus();
                            }),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_FALSE(ran);
}

TEST(MeasureWindowTest, SimulatedAndExclusiveComeFromTheMeter) {
  FakeClock clock;
  FakeEnergyMeter meter;
  meter.description.simulated = true;
  meter.description.exclusive = false;
  Script(meter, {{FakeEnergyMeter::Reading(0)}, {FakeEnergyMeter::Reading(1)}});
  ASSERT_OK_AND_ASSIGN(v1::Measurement m,
                       MeasureWindow(meter, clock, MarksOnly(), Work(clock, absl::Seconds(1))));
  EXPECT_TRUE(m.simulated());
  EXPECT_FALSE(m.exclusive());
}

TEST(CompositeMeterTest, MemoryIsTheSumOfThePartsThatReadItAndNoneWhenNoneDoes) {
  auto gpu_a = std::make_unique<FakeEnergyMeter>();
  auto gpu_b = std::make_unique<FakeEnergyMeter>();
  auto cpu = std::make_unique<FakeEnergyMeter>();
  FakeEnergyMeter* a = gpu_a.get();
  FakeEnergyMeter* b = gpu_b.get();
  std::vector<std::unique_ptr<EnergyMeter>> parts;
  parts.push_back(std::move(gpu_a));
  parts.push_back(std::move(gpu_b));
  parts.push_back(std::move(cpu));
  CompositeMeter meter(std::move(parts));
  EXPECT_EQ(meter.MemoryInUseBytes(), std::nullopt);
  a->SetMemoryInUse(300);
  EXPECT_EQ(meter.MemoryInUseBytes(), 300u);
  b->SetMemoryInUse(200);
  EXPECT_EQ(meter.MemoryInUseBytes(), 500u);
}

TEST(WeakerMethodTest, FollowsTheCommonRanking) {
  EXPECT_EQ(WeakerMethod(v1::ENERGY_METHOD_NVML_ENERGY_COUNTER, v1::ENERGY_METHOD_RAPL),
            v1::ENERGY_METHOD_RAPL);
  EXPECT_EQ(WeakerMethod(v1::ENERGY_METHOD_ESTIMATE_PARAMS, v1::ENERGY_METHOD_PROMETHEUS_COUNTER),
            v1::ENERGY_METHOD_ESTIMATE_PARAMS);
  EXPECT_EQ(WeakerMethod(v1::ENERGY_METHOD_UNSPECIFIED, v1::ENERGY_METHOD_RAPL),
            v1::ENERGY_METHOD_NONE);
}

TEST(ApportionEnergyTest, SharesFollowOutputTokensAndSumToTheTotal) {
  std::vector<v1::SampleResult> results(4);
  const uint32_t tokens[] = {10, 30, 0, 60};
  for (int i = 0; i < 4; ++i) results[i].set_completion_tokens(tokens[i]);
  ApportionEnergyByTokens(500, results);
  EXPECT_EQ(results[0].energy_j(), 50);
  EXPECT_EQ(results[1].energy_j(), 150);
  EXPECT_EQ(results[2].energy_j(), 0);
  EXPECT_EQ(results[3].energy_j(), 300);
  double sum = 0;
  for (const auto& r : results) sum += r.energy_j();
  EXPECT_DOUBLE_EQ(sum, 500);
}

TEST(ApportionEnergyTest, NoOutputTokensMeansNoEnergy) {
  std::vector<v1::SampleResult> results(2);
  ApportionEnergyByTokens(500, results);
  EXPECT_EQ(results[0].energy_j(), 0);
  EXPECT_EQ(results[1].energy_j(), 0);
}

}  // namespace
}  // namespace jb::worker
