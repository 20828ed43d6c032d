#include "tasks/suite_files.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace jb::tasks {
namespace {

namespace fs = std::filesystem;

// Suites may be exports of public datasets; this bounds what one file may hold.
constexpr uintmax_t kMaxSuiteFileBytes = uintmax_t{512} << 20;

std::string Normal(const fs::path& path) {
  std::string out = path.lexically_normal().generic_string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out.empty() ? "." : out;
}

std::string JoinDisplay(const std::string& base, const std::string& name) {
  if (base.empty() || fs::path(name).is_absolute()) return name;
  // "builtin:x" is not a path; keep it as written.
  if (base.find(':') != std::string::npos) return absl::StrCat(base, "/", name);
  return Normal(fs::path(base) / name);
}

}  // namespace

std::string ResolveSuiteName(const std::string& from, const std::string& ref) {
  const fs::path r(ref);
  if (r.is_absolute()) return Normal(r);
  return Normal(fs::path(from).parent_path() / r);
}

absl::StatusOr<std::string> MapSuiteSource::Read(const std::string& name) const {
  auto it = files_.find(name);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat(Display(name), ": no such file"));
  return it->second;
}

std::string MapSuiteSource::Display(const std::string& name) const {
  return JoinDisplay(base_, name);
}

absl::StatusOr<std::string> DiskSuiteSource::Read(const std::string& name) const {
  if (auto it = read_.find(name); it != read_.end()) return it->second;
  const fs::path path = fs::path(name).is_absolute() ? fs::path(name) : fs::path(root_) / name;
  absl::StatusOr<std::string> contents = ReadWholeFile(path.string());
  if (!contents.ok()) {
    const absl::Status s = contents.status();
    const std::string what(s.message().substr(s.message().find(": ") + 2));
    return absl::Status(s.code(), absl::StrCat(Display(name), ": ", what));
  }
  read_[name] = *contents;
  return contents;
}

std::string DiskSuiteSource::Display(const std::string& name) const {
  return JoinDisplay(root_, name);
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  }
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return absl::NotFoundError(absl::StrCat(path, ": cannot read: ", ec.message()));
  if (size > kMaxSuiteFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", size, " bytes is over the limit of ",
                                                   kMaxSuiteFileBytes, "; split the file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace jb::tasks
