// CodeSandbox against real processes: every hostile program must fail its sample, leave no
// process or file behind, and leave the sandbox (and this process) able to run the next one.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/sandbox/code_sandbox.h"
#include "tests/tasks/sandbox/process_probe.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

// Slack for a loaded machine between the deadline and the moment the run is over.
constexpr double kKillMarginS = 2.0;

std::unique_ptr<CodeSandbox> MakeSandbox(SandboxLimits limits = {}) {
  SandboxOptions options;
  options.limits = limits;
  auto sandbox = CodeSandbox::Create(options);
  EXPECT_TRUE(sandbox.ok()) << sandbox.status();
  return sandbox.ok() ? std::move(*sandbox) : nullptr;
}

ProgramResult RunProgram(const CodeSandbox& sandbox, const std::string& program) {
  absl::StatusOr<ProgramResult> result = sandbox.RunPython(program);
  EXPECT_TRUE(result.ok()) << result.status();
  fprintf(stderr, "[%s] passed=%d to=%d exit=%d sig=%d wall=%.3f trunc=%d out=%.600s\n",
          sandbox.isolation().c_str(), result->passed, result->timed_out, result->exit_code,
          result->signal, result->wall_s, result->output_truncated, result->output.c_str());
  return result.ok() ? *result : ProgramResult{};
}

// The sandbox still works after a hostile run, and nothing of that run is left.
void ExpectSandboxStillWorks(const CodeSandbox& sandbox) {
  ProgramResult result = RunProgram(sandbox, "print('still alive')");
  EXPECT_TRUE(result.passed) << result.output;
  EXPECT_EQ(result.output, "still alive\n");
  EXPECT_TRUE(testing::HasNoChildren());
}

std::string UniqueMarker(const std::string& name) {
  static std::atomic<int> counter{0};
  return absl::StrCat("jb-sandbox-test-", name, "-", getpid(), "-", counter++);
}

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

// The program's first line of output: its working directory (see kPrintDirectory).
std::string FirstLine(const std::string& output) { return output.substr(0, output.find('\n')); }
constexpr char kPrintDirectory[] = "import os\nprint(os.getcwd(), flush=True)\n";

class SandboxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sandbox_ = MakeSandbox().release(); }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(sandbox_, nullptr); }
  static CodeSandbox* sandbox_;
};
CodeSandbox* SandboxTest::sandbox_ = nullptr;

TEST_F(SandboxTest, UsesEveryLayerThisMachineAllows) {
  // This machine (kernel 6.x, root) allows them all; the self-test resolved the interpreter.
  EXPECT_THAT(sandbox_->isolation(), HasSubstr("netns+pidns"));
  EXPECT_THAT(sandbox_->isolation(), HasSubstr("landlock"));
  if (geteuid() == 0) {
    EXPECT_THAT(sandbox_->isolation(), HasSubstr("uid 65534"));
  }
  EXPECT_EQ(sandbox_->interpreter()[0], '/');
}

TEST_F(SandboxTest, PassingProgramPassesWithInterleavedOutput) {
  ProgramResult result =
      RunProgram(*sandbox_, "import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')\n");
  EXPECT_TRUE(result.passed);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.output, "a\nb\nc\n");
  EXPECT_FALSE(result.output_truncated);
}

TEST_F(SandboxTest, FailedAssertionFailsWithTraceback) {
  ProgramResult result = RunProgram(*sandbox_, "def f():\n    return 1\nassert f() == 2\n");
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.output, HasSubstr("AssertionError"));
}

TEST_F(SandboxTest, SyntaxErrorFails) {
  ProgramResult result = RunProgram(*sandbox_, "def f(:\n    pass\n");
  EXPECT_FALSE(result.passed);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("SyntaxError"));
}

TEST(SandboxLimitsTest, InfiniteLoopIsKilledAtTheTimeout) {
  auto sandbox = MakeSandbox({.timeout_s = 1, .cpu_s = 30});
  ASSERT_NE(sandbox, nullptr);
  ProgramResult result = RunProgram(*sandbox, absl::StrCat(kPrintDirectory, "while True: pass\n"));
  EXPECT_FALSE(result.passed);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_LT(result.wall_s, 1 + kKillMarginS);
  const std::string dir = FirstLine(result.output);
  ASSERT_THAT(dir, HasSubstr("jb-sandbox-"));
  EXPECT_EQ(testing::CountProcessesInDirectory(dir), 0);
  EXPECT_FALSE(Exists(dir));
  ExpectSandboxStillWorks(*sandbox);
}

// A task's code_timeout_s overrides the sandbox's own limits for one run.
TEST(SandboxLimitsTest, PerRunTimeoutOverridesTheConfiguredOne) {
  auto sandbox = MakeSandbox({.timeout_s = 60, .cpu_s = 60});
  ASSERT_NE(sandbox, nullptr);
  absl::StatusOr<ProgramResult> result = sandbox->RunPython("import time\ntime.sleep(30)\n", 1);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->passed);
  EXPECT_TRUE(result->timed_out);
  EXPECT_LT(result->wall_s, 1 + kKillMarginS);
  result = sandbox->RunPython("while True: pass\n", 1.5);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->passed);
  EXPECT_LT(result->wall_s, 1.5 + kKillMarginS);
  ExpectSandboxStillWorks(*sandbox);
}

TEST(SandboxLimitsTest, CpuLimitKillsBusyLoopBeforeTheTimeout) {
  auto sandbox = MakeSandbox({.timeout_s = 20, .cpu_s = 1});
  ASSERT_NE(sandbox, nullptr);
  ProgramResult result = RunProgram(*sandbox, absl::StrCat(kPrintDirectory, "while True: pass\n"));
  EXPECT_FALSE(result.passed);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.signal, SIGKILL);  // RLIMIT_CPU's hard limit
  EXPECT_EQ(testing::CountProcessesInDirectory(FirstLine(result.output)), 0);
  ExpectSandboxStillWorks(*sandbox);
}

TEST(SandboxLimitsTest, ProcessesThatEscapeTheGroupAreKilledToo) {
  auto sandbox = MakeSandbox({.timeout_s = 1.5});
  ASSERT_NE(sandbox, nullptr);
  const std::string marker = UniqueMarker("setsid");
  // A child in a new session that starts a grandchild; both sleep forever.
  const std::string program = absl::StrReplaceAll(R"(import subprocess, sys, time
inner = "import subprocess, sys, time\n" \
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(1000)', 'MARKER'])\n" \
        "time.sleep(1000)\n"
subprocess.Popen([sys.executable, "-c", inner, "MARKER"], start_new_session=True)
time.sleep(1000)
)",
                                                  {{"MARKER", marker}});
  std::atomic<bool> done{false};
  std::atomic<int> most_seen{0};
  std::thread watcher([&] {
    while (!done) {
      most_seen = std::max(most_seen.load(), testing::CountProcessesWithArgument(marker));
      usleep(20'000);
    }
  });
  ProgramResult result = RunProgram(*sandbox, program);
  done = true;
  watcher.join();
  EXPECT_FALSE(result.passed);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(most_seen, 2) << "the escaping processes never started: " << result.output;
  EXPECT_EQ(testing::CountProcessesWithArgument(marker), 0);
  ExpectSandboxStillWorks(*sandbox);
}

TEST(SandboxLimitsTest, ForkBombIsContained) {
  auto sandbox = MakeSandbox({.timeout_s = 5});
  ASSERT_NE(sandbox, nullptr);
  ProgramResult result =
      RunProgram(*sandbox, absl::StrCat(kPrintDirectory, "while True:\n    os.fork()\n"));
  EXPECT_FALSE(result.passed);
  EXPECT_LT(result.wall_s, 5 + kKillMarginS);
  const std::string dir = FirstLine(result.output);
  ASSERT_THAT(dir, HasSubstr("jb-sandbox-"));
  EXPECT_EQ(testing::CountProcessesInDirectory(dir), 0);
  EXPECT_TRUE(testing::CanForkAndReap());
  ExpectSandboxStillWorks(*sandbox);
}

TEST_F(SandboxTest, TenGigabyteAllocationFailsQuickly) {
  ProgramResult result = RunProgram(*sandbox_, "x = bytearray(10 * 1024**3)\nprint(len(x))\n");
  EXPECT_FALSE(result.passed);
  EXPECT_FALSE(result.timed_out);
  EXPECT_THAT(result.output, HasSubstr("MemoryError"));
  EXPECT_LT(result.wall_s, 5);
  ExpectSandboxStillWorks(*sandbox_);
}

TEST_F(SandboxTest, CannotConnectToALocalListener) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(listen(listener, 8), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);

  ProgramResult result = RunProgram(
      *sandbox_, absl::StrCat("import socket\n", "s = socket.create_connection(('127.0.0.1', ",
                              port, "), timeout=3)\nprint('connected')\n"));
  EXPECT_FALSE(result.passed);
  EXPECT_THAT(result.output, Not(HasSubstr("connected")));
  EXPECT_THAT(result.output, HasSubstr("Error"));
  pollfd fd = {.fd = listener, .events = POLLIN, .revents = 0};
  EXPECT_EQ(poll(&fd, 1, 200), 0) << "the listener saw a connection";
  close(listener);
  ExpectSandboxStillWorks(*sandbox_);
}

// Landlock only knows TCP; datagrams are stopped by the empty network namespace alone.
TEST_F(SandboxTest, CannotSendDatagramsToALocalSocket) {
  int receiver = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  ASSERT_GE(receiver, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(bind(receiver, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(getsockname(receiver, reinterpret_cast<sockaddr*>(&address), &length), 0);

  ProgramResult result =
      RunProgram(*sandbox_, absl::StrCat("import socket\n", "s = socket.socket(socket.AF_INET, ",
                                         "socket.SOCK_DGRAM)\ns.sendto(b'leak', ('127.0.0.1', ",
                                         ntohs(address.sin_port), "))\nprint('sent')\n"));
  EXPECT_FALSE(result.passed);
  EXPECT_THAT(result.output, HasSubstr("Network is unreachable"));
  pollfd fd = {.fd = receiver, .events = POLLIN, .revents = 0};
  EXPECT_EQ(poll(&fd, 1, 200), 0) << "the receiver got a datagram";
  close(receiver);
}

TEST_F(SandboxTest, RunsLeakNoDescriptors) {
  auto count_fds = [] {
    int count = 0;
    DIR* dir = opendir("/proc/self/fd");
    while (dir != nullptr && readdir(dir) != nullptr) ++count;
    if (dir != nullptr) closedir(dir);
    return count;
  };
  const int before = count_fds();
  RunProgram(*sandbox_, "print('ok')\n");
  RunProgram(*sandbox_, "raise SystemExit(3)\n");
  RunProgram(*sandbox_, "import os\nos.close(1)\nos.close(2)\n");
  EXPECT_EQ(count_fds(), before);
  EXPECT_TRUE(testing::HasNoChildren());
}

TEST_F(SandboxTest, CannotWriteOutsideItsDirectory) {
  // A directory anyone may write to, so that only the sandbox can stop the write.
  char open_dir[] = "/tmp/jb-sandbox-test-XXXXXX";
  ASSERT_NE(mkdtemp(open_dir), nullptr);
  ASSERT_EQ(chmod(open_dir, 0777), 0);
  const std::vector<std::string> targets = {absl::StrCat(open_dir, "/escaped.txt"),
                                            absl::StrCat("/tmp/", UniqueMarker("escape"))};
  for (const std::string& target : targets) {
    ProgramResult result =
        RunProgram(*sandbox_, absl::StrCat("open('", target, "', 'w').write('escaped')\n"));
    EXPECT_FALSE(result.passed) << target;
    EXPECT_THAT(result.output, HasSubstr("PermissionError")) << target;
    EXPECT_FALSE(Exists(target)) << target;
    unlink(target.c_str());
  }
  rmdir(open_dir);
  ExpectSandboxStillWorks(*sandbox_);
}

TEST_F(SandboxTest, WritesInsideItsDirectoryWorkAndAreRemoved) {
  ProgramResult result = RunProgram(*sandbox_, absl::StrCat(kPrintDirectory, R"(import tempfile
open('inside.txt', 'w').write('ok')
os.mkdir('locked')
open('locked/file.txt', 'w').write('ok')
os.chmod('locked', 0o500)
with tempfile.NamedTemporaryFile(delete=False) as f:
    f.write(b'ok')
assert open('inside.txt').read() == 'ok'
)"));
  EXPECT_TRUE(result.passed) << result.output;
  const std::string dir = FirstLine(result.output);
  ASSERT_THAT(dir, HasSubstr("jb-sandbox-"));
  EXPECT_FALSE(Exists(dir));
}

TEST_F(SandboxTest, OutputIsTruncated) {
  ProgramResult result = RunProgram(*sandbox_, "print('x' * 1_000_000)\n");
  EXPECT_TRUE(result.passed);
  EXPECT_EQ(result.output.size(), SandboxLimits{}.max_output_bytes);
  EXPECT_TRUE(result.output_truncated);
}

TEST(SandboxLimitsTest, FilesAreLimitedToMaxFileBytes) {
  auto sandbox = MakeSandbox({.max_file_bytes = 1 << 20});
  ASSERT_NE(sandbox, nullptr);
  ProgramResult too_big = RunProgram(*sandbox, "open('big', 'wb').write(b'x' * (2 << 20))\n");
  EXPECT_FALSE(too_big.passed);
  EXPECT_THAT(too_big.output, HasSubstr("File too large"));
  ProgramResult small = RunProgram(*sandbox, "open('small', 'wb').write(b'x' * (512 << 10))\n");
  EXPECT_TRUE(small.passed) << small.output;
}

TEST_F(SandboxTest, ConcurrentRunsKeepTheirOwnResults) {
  constexpr int kRuns = 8;
  std::vector<absl::StatusOr<ProgramResult>> results(kRuns);
  std::vector<std::thread> threads;
  threads.reserve(kRuns);
  for (int i = 0; i < kRuns; ++i) {
    threads.emplace_back([&, i] {
      results[i] = sandbox_->RunPython(absl::StrCat("import sys, time\ntime.sleep(0.2)\nprint(", i,
                                                    " * ", i, ")\nsys.exit(", i % 2, ")\n"));
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kRuns; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status();
    EXPECT_EQ(results[i]->passed, i % 2 == 0) << i;
    EXPECT_EQ(results[i]->exit_code, i % 2) << i;
    EXPECT_EQ(results[i]->output, absl::StrCat(i * i, "\n")) << i;
  }
}

TEST(SandboxCreateTest, RefusesWithoutNetworkIsolationUnlessAllowed) {
  SandboxOptions options;
  auto refused = CodeSandbox::CreateWithOverrides(options, {.fail_namespaces = true});
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition, "--allow-unsandboxed-code"));

  options.allow_unsandboxed = true;
  auto sandbox = CodeSandbox::CreateWithOverrides(options, {.fail_namespaces = true});
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  EXPECT_THAT((*sandbox)->isolation(), HasSubstr("UNSANDBOXED"));
  EXPECT_THAT((*sandbox)->isolation(), Not(HasSubstr("netns")));
  ExpectSandboxStillWorks(**sandbox);
  // The layers that remain still hold: Landlock keeps writes inside the directory.
  const std::string target = absl::StrCat("/tmp/", UniqueMarker("unsandboxed"));
  ProgramResult result =
      RunProgram(**sandbox, absl::StrCat("open('", target, "', 'w').write('x')\n"));
  EXPECT_FALSE(result.passed);
  EXPECT_FALSE(Exists(target));
  unlink(target.c_str());
}

TEST(SandboxCreateTest, MissingInterpreterIsNotFound) {
  EXPECT_THAT(CodeSandbox::Create({.python = "/nonexistent/python3"}),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(CodeSandbox::Create({.python = "jb-no-such-python"}),
              StatusIs(absl::StatusCode::kNotFound, "not found in PATH"));
}

TEST(SandboxCreateTest, InterpreterTheSandboxUserCannotReachFailsTheSelfTest) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: only root drops to uid 65534";
  // Found by root in a 0700 directory, but not executable once the child is uid 65534.
  char private_dir[] = "/tmp/jb-sandbox-test-XXXXXX";
  ASSERT_NE(mkdtemp(private_dir), nullptr);
  const std::string python = absl::StrCat(private_dir, "/python3");
  ASSERT_EQ(symlink("/usr/bin/python3", python.c_str()), 0);
  EXPECT_THAT(CodeSandbox::Create({.python = python}),
              StatusIs(absl::StatusCode::kFailedPrecondition, "read and execute access"));
  unlink(python.c_str());
  rmdir(private_dir);
}

TEST(SandboxCreateTest, UnreachableTempRootFailsTheSelfTest) {
  SandboxOptions options;
  options.temp_root = "/nonexistent/jb-sandbox-root";
  EXPECT_THAT(CodeSandbox::Create(options),
              StatusIs(absl::StatusCode::kFailedPrecondition, "mkdtemp"));
}

}  // namespace
}  // namespace jb::tasks
