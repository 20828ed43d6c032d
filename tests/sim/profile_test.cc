#include "sim/profile.h"

#include <unistd.h>

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::sim {
namespace {

using ::jb::testing::StatusIs;

TEST(ProfileTest, DefaultIsTheDemoGpuProfile) {
  ASSERT_OK_AND_ASSIGN(Profile p, DefaultProfile());
  EXPECT_EQ(p.origin, "builtin:demo-gpu");
  EXPECT_EQ(p.hardware.idle_w, 60);
  EXPECT_EQ(p.hardware.busy_w, 300);
  ASSERT_EQ(p.models.size(), 2u);
  const ModelProfile* small = p.FindModel("sim-small-1b");
  const ModelProfile* large = p.FindModel("sim-large-70b");
  ASSERT_NE(small, nullptr);
  ASSERT_NE(large, nullptr);
  EXPECT_EQ(small->parameters, 1.1e9);
  EXPECT_EQ(large->parameters, 7e10);
  EXPECT_EQ(small->Skill("anything"), 0.7);
  EXPECT_EQ(large->Skill("arith-mini"), 0.92);
  EXPECT_LT(small->ttft_ms, large->ttft_ms);
  EXPECT_EQ(p.TotalMaxNumSeqs(), small->max_num_seqs + large->max_num_seqs);
  EXPECT_EQ(p.FindModel("gpt-4"), nullptr);
}

TEST(ProfileTest, BuiltinProfilesShareSeedAndSkills) {
  EXPECT_THAT(BuiltinProfileNames(),
              ::testing::ElementsAre("bench-fidelity", "bench-zero", "cao2026-a10", "cao2026-a100",
                                     "demo-cpu", "demo-gpu", "garg2025"));
  ASSERT_OK_AND_ASSIGN(Profile gpu, LoadProfile("builtin:demo-gpu"));
  ASSERT_OK_AND_ASSIGN(Profile cpu, LoadProfile("builtin:demo-cpu"));
  EXPECT_EQ(gpu.seed, cpu.seed);
  for (const ModelProfile& m : gpu.models) {
    const ModelProfile* other = cpu.FindModel(m.name);
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(other->default_skill, m.default_skill);
    EXPECT_EQ(other->skill, m.skill);
  }
  EXPECT_LT(cpu.hardware.busy_w, gpu.hardware.busy_w);
  EXPECT_THAT(LoadProfile("builtin:tpu"),
              StatusIs(absl::StatusCode::kNotFound,
                       "built-in: bench-fidelity, bench-zero, cao2026-a10, cao2026-a100, "
                       "demo-cpu, demo-gpu, garg2025"));
}

// The Cao et al. twins (suites/sweeps/cao2026.yaml's two hardware classes): the same models, the
// A10 node slower on every one and drawing less power. That they share seed and skills is
// checked with the sweep file (tests/coordinator/sweep_spec_test.cc).
TEST(ProfileTest, CaoA10ProfileIsTheA100ProfileSlowerAndCooler) {
  ASSERT_OK_AND_ASSIGN(Profile a10, LoadProfile("builtin:cao2026-a10"));
  ASSERT_OK_AND_ASSIGN(Profile a100, LoadProfile("builtin:cao2026-a100"));
  EXPECT_EQ(a10.hardware.name, "a10x8");
  EXPECT_EQ(a100.hardware.name, "a100x8");
  ASSERT_EQ(a10.models.size(), 16u);
  ASSERT_EQ(a100.models.size(), 16u);
  for (const ModelProfile& m : a100.models) {
    const ModelProfile* slow = a10.FindModel(m.name);
    ASSERT_NE(slow, nullptr) << m.name;
    EXPECT_EQ(slow->parameters, m.parameters) << m.name;
    EXPECT_GT(slow->itl_ms, m.itl_ms) << m.name;
    EXPECT_GT(slow->ttft_ms, m.ttft_ms) << m.name;
  }
  EXPECT_LT(a10.hardware.idle_w, a100.hardware.idle_w);
  EXPECT_LT(a10.hardware.busy_w, a100.hardware.busy_w);
}

TEST(ProfileTest, BenchProfilesServeSimBench) {
  ASSERT_OK_AND_ASSIGN(Profile zero, LoadProfile("builtin:bench-zero"));
  ASSERT_EQ(zero.models.size(), 1u);
  const ModelProfile& z = zero.models[0];
  EXPECT_EQ(z.name, "sim-bench");
  EXPECT_EQ(z.ttft_ms + z.itl_ms + z.jitter + z.prefill_ms_per_token, 0);
  EXPECT_EQ(z.max_num_seqs, 2048u);
  EXPECT_GE(z.max_model_len, 100'000u);
  EXPECT_EQ(zero.failures.Total(), 0);

  ASSERT_OK_AND_ASSIGN(Profile fidelity, LoadProfile("builtin:bench-fidelity"));
  ASSERT_EQ(fidelity.models.size(), 1u);
  const ModelProfile& f = fidelity.models[0];
  EXPECT_EQ(f.name, "sim-bench");
  EXPECT_EQ(f.ttft_ms, 200);
  EXPECT_EQ(f.itl_ms, 20);
  EXPECT_EQ(f.ttft_jitter, 0.1);
  EXPECT_EQ(f.itl_jitter, 0.1);
  EXPECT_EQ(f.prefill_ms_per_token, 0);
  EXPECT_EQ(f.load_slowdown, 1);
  EXPECT_EQ(f.max_num_seqs, 1024u);
  EXPECT_EQ(fidelity.failures.Total(), 0);
}

TEST(ProfileTest, DefaultsOfTheNewerFields) {
  ASSERT_OK_AND_ASSIGN(Profile p, ParseProfile("p.yaml", R"(hardware: {idle_w: 1, busy_w: 2}
models: [{name: m, jitter: 0.2}]
)"));
  const ModelProfile& m = p.models[0];
  EXPECT_EQ(m.ttft_jitter, 0.2);  // both follow jitter
  EXPECT_EQ(m.itl_jitter, 0.2);
  EXPECT_EQ(m.load_slowdown, 1);
  EXPECT_EQ(m.max_waiting, 1000u);
  EXPECT_EQ(m.memory_mb, 0);  // no parameters, no memory
  EXPECT_EQ(p.failures.stall_s, 30);
  EXPECT_EQ(p.failures.retry_after_s, 1);
  EXPECT_EQ(p.failures.Total(), 0);
}

TEST(ProfileTest, EndpointsDefaultToBothAndMayBeLimited) {
  const std::string rest = "hardware: {idle_w: 1, busy_w: 2}\nmodels: [{name: m}]\n";
  ASSERT_OK_AND_ASSIGN(Profile both, ParseProfile("p.yaml", rest));
  EXPECT_TRUE(both.serves_chat);
  EXPECT_TRUE(both.serves_completions);
  ASSERT_OK_AND_ASSIGN(Profile chat, ParseProfile("p.yaml", "endpoints: [chat]\n" + rest));
  EXPECT_TRUE(chat.serves_chat);
  EXPECT_FALSE(chat.serves_completions);
  ASSERT_OK_AND_ASSIGN(Profile completions,
                       ParseProfile("p.yaml", "endpoints: [completions]\n" + rest));
  EXPECT_FALSE(completions.serves_chat);
  EXPECT_TRUE(completions.serves_completions);
  const std::pair<std::string, std::string> errors[] = {
      {"endpoints: []\n", "p.yaml:1: endpoints: expected a non-empty list"},
      {"endpoints: chat\n", "p.yaml:1: endpoints: expected a non-empty list"},
      {"endpoints: [chat, chat]\n", "endpoints[1]: 'chat' is listed twice"},
      {"endpoints: [chat, embeddings]\n", "endpoints[1]: 'embeddings' is no endpoint"},
  };
  for (const auto& [yaml, expected] : errors) {
    EXPECT_THAT(ParseProfile("p.yaml", yaml + rest),
                StatusIs(absl::StatusCode::kInvalidArgument, expected))
        << yaml;
  }
}

TEST(ProfileTest, LoadFactorGrowsLinearlyToLoadSlowdownAtMaxNumSeqs) {
  ModelProfile m;
  m.max_num_seqs = 4;
  m.load_slowdown = 3;
  EXPECT_DOUBLE_EQ(m.LoadFactor(0), 1);
  EXPECT_DOUBLE_EQ(m.LoadFactor(1), 1.5);
  EXPECT_DOUBLE_EQ(m.LoadFactor(2), 2);
  EXPECT_DOUBLE_EQ(m.LoadFactor(4), 3);
  EXPECT_DOUBLE_EQ(m.LoadFactor(9), 3);
  m.load_slowdown = 1;
  EXPECT_DOUBLE_EQ(m.LoadFactor(4), 1);
}

TEST(ProfileTest, ParsesEveryKey) {
  ASSERT_OK_AND_ASSIGN(Profile p, ParseProfile("p.yaml", R"(seed: 5
hardware: {name: box, idle_w: 10, busy_w: 20}
failure_injection: {rate_429: 0.1, rate_500: 0.2, rate_503: 0.3, rate_disconnect: 0.05,
                    rate_stall: 0.15, stall_s: 2.5, retry_after_s: 3}
models:
  - name: m
    parameters: 8e9
    active_parameters: 2e9
    memory_mb: 512
    ttft_ms: 3
    itl_ms: 4
    jitter: 0.5
    ttft_jitter: 0.25
    itl_jitter: 0
    prefill_ms_per_token: 0.25
    load_slowdown: 2.5
    max_num_seqs: 7
    max_waiting: 9
    max_model_len: 100
    skill: {t1: 0.25, default: 0.75}
)"));
  EXPECT_EQ(p.seed, 5u);
  EXPECT_EQ(p.hardware.name, "box");
  EXPECT_EQ(p.failures.rate_503, 0.3);
  EXPECT_EQ(p.failures.rate_disconnect, 0.05);
  EXPECT_EQ(p.failures.rate_stall, 0.15);
  EXPECT_EQ(p.failures.stall_s, 2.5);
  EXPECT_EQ(p.failures.retry_after_s, 3);
  const ModelProfile& m = p.models[0];
  EXPECT_EQ(m.jitter, 0.5);
  EXPECT_EQ(m.ttft_jitter, 0.25);
  EXPECT_EQ(m.itl_jitter, 0);
  EXPECT_EQ(m.load_slowdown, 2.5);
  EXPECT_EQ(m.max_waiting, 9u);
  EXPECT_EQ(m.active_parameters, 2e9);
  EXPECT_EQ(m.memory_mb, 512);
  EXPECT_EQ(m.prefill_ms_per_token, 0.25);
  EXPECT_EQ(m.max_num_seqs, 7u);
  EXPECT_EQ(m.max_model_len, 100u);
  EXPECT_EQ(m.Skill("t1"), 0.25);
  EXPECT_EQ(m.Skill("t2"), 0.75);
}

TEST(ProfileTest, ErrorsGiveFileLineAndField) {
  const std::pair<std::string, std::string> cases[] = {
      {"hardware: {idle_w: 1, busy_w: 2}\nmodels:\n  - name: m\n    tfft_ms: 3\n",
       "p.yaml:4: models[0].tfft_ms: unknown key"},
      {"hardware: {idle_w: 1, busy_w: 2}\nfailure_injection: {rate_429: 0.6, rate_503: 0.6}\n"
       "models: [{name: m}]\n",
       "p.yaml:2: failure_injection: the rates add up to more than 1"},
      {"hardware: {idle_w: 1, busy_w: 2}\nmodels: [{name: m, jitter: 1.5}]\n",
       "models[0].jitter: must be between 0 and 0.99"},
      {"hardware: {idle_w: 1, busy_w: 2}\nmodels: [{name: m}, {name: m}]\n", "'m' is listed twice"},
      {"hardware: {idle_w: 5, busy_w: 2}\nmodels: [{name: m}]\n",
       "busy_w: must be at least idle_w"},
      {"hardware: {idle_w: 1, busy_w: 2}\nmodels: [{name: m, skill: {t: 2}}]\n",
       "models[0].skill.t: must be a probability"},
      {"models: [{name: m}]\n", "p.yaml:1: hardware: missing"},
      {"hardware: {idle_w: 1, busy_w: 2}\nfailure_injection: {rate_stall: 0.6, "
       "rate_disconnect: 0.6}\nmodels: [{name: m}]\n",
       "p.yaml:2: failure_injection: the rates add up to more than 1"},
      {"hardware: {idle_w: 1, busy_w: 2}\nfailure_injection: {rate_hang: 0.1}\n"
       "models: [{name: m}]\n",
       "p.yaml:2: failure_injection.rate_hang: unknown key"},
      {"hardware: {idle_w: 1, busy_w: 2}\nfailure_injection: {retry_after_s: 1.5}\n"
       "models: [{name: m}]\n",
       "failure_injection.retry_after_s: expected an integer"},
      {"hardware: {idle_w: 1, busy_w: 2}\nmodels: [{name: m, load_slowdown: 0.5}]\n",
       "models[0].load_slowdown: must be between 1 and 100"},
      {"hardware: {idle_w: 1, busy_w: 2}\nmodels: [{name: m, itl_jitter: 1}]\n",
       "models[0].itl_jitter: must be between 0 and 0.99"},
      {"hardware: {idle_w: 1, busy_w: 2}\nmodels: [{name: m, max_waiting: -1}]\n",
       "models[0].max_waiting: must be a whole number between 0 and 10000000"},
      {"hardware: {idle_w: 1, busy_w: 2}\nmodels: [{name: m, max_num_seqs: 0}]\n",
       "models[0].max_num_seqs: must be a whole number between 1 and 100000"},
  };
  for (const auto& [yaml, expected] : cases) {
    EXPECT_THAT(ParseProfile("p.yaml", yaml),
                StatusIs(absl::StatusCode::kInvalidArgument, expected))
        << yaml;
  }
}

TEST(ProfileTest, LoadsFiles) {
  char path[] = "/tmp/jb-profile-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "hardware: {idle_w: 1, busy_w: 2}\nmodels: [{name: only}]\n";
  ASSERT_OK_AND_ASSIGN(Profile p, LoadProfile(path));
  EXPECT_EQ(p.models[0].name, "only");
  EXPECT_EQ(p.models[0].default_skill, 0.5);
  unlink(path);
  EXPECT_THAT(LoadProfile(path), StatusIs(absl::StatusCode::kNotFound, "cannot read"));
}

}  // namespace
}  // namespace jb::sim
