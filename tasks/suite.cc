#include "tasks/suite.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "nlohmann/json.hpp"
#include "tasks/embedded_suites.h"
#include "tasks/suite_assembly.h"
#include "tasks/suite_files.h"
#include "tasks/task_yaml.h"

namespace jb::tasks {
namespace {

using joulebench::v1::Sample;
using joulebench::v1::TaskDefinition;
using nlohmann::json;

constexpr char kTaskFile[] = "task.yaml";

bool IsYamlName(const std::string& name) {
  return absl::EndsWith(name, ".yaml") || absl::EndsWith(name, ".yml");
}

// Where a suite named `origin` is rooted: its root file's key and the directory errors show.
struct SuiteRoot {
  std::string root;
  std::string display_base;
};

SuiteRoot RootOf(const std::string& origin, const std::map<std::string, std::string>& files) {
  const std::filesystem::path path(origin);
  const std::string base_name = path.filename().string();
  if (IsYamlName(origin) && files.count(base_name)) {
    return {base_name, path.parent_path().string()};
  }
  return {kTaskFile, origin};
}

std::string CanonicalJson(const std::string& doc_json) {
  json doc = json::parse(doc_json, nullptr, /*allow_exceptions=*/false);
  // nlohmann::json keeps keys sorted, so dump() is canonical for equal documents.
  return doc.is_discarded() ? doc_json : doc.dump();
}

void AppendU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void AppendBytes(std::string* out, const std::string& bytes) {
  AppendU64(out, bytes.size());
  out->append(bytes);
}

}  // namespace

std::string ContentHash(const Suite& suite) {
  TaskDefinition task = suite.task;
  task.clear_content_hash();
  for (Sample& shot : *task.mutable_fewshot_samples()) {
    shot.set_doc_json(CanonicalJson(shot.doc_json()));
  }
  std::string task_bytes;
  {
    google::protobuf::io::StringOutputStream stream(&task_bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    task.SerializeToCodedStream(&coded);
  }
  std::string buffer = "joulebench.suite.v1";
  buffer.push_back('\0');
  AppendBytes(&buffer, task_bytes);
  AppendU64(&buffer, suite.samples.size());
  bool has_shots = false;
  for (const Sample& sample : suite.samples) {
    AppendU64(&buffer, sample.index());
    AppendBytes(&buffer, CanonicalJson(sample.doc_json()));
    has_shots = has_shots || sample.fewshot_indices_size() > 0;
  }
  // Appended only when present, so zero-shot suites keep the hashes they had before few-shot
  // indices existed; the part above has a known length, so this cannot be mistaken for it.
  if (has_shots) {
    for (const Sample& sample : suite.samples) {
      AppendU64(&buffer, static_cast<uint64_t>(sample.fewshot_indices_size()));
      for (uint32_t i : sample.fewshot_indices()) AppendU64(&buffer, i);
    }
  }
  return Sha256Hex(buffer);
}

absl::StatusOr<Suite> LoadSuiteFromFiles(const std::string& origin,
                                         const std::map<std::string, std::string>& files) {
  const SuiteRoot where = RootOf(origin, files);
  const MapSuiteSource source(files, where.display_base);
  if (!files.count(where.root)) {
    return absl::InvalidArgumentError(absl::StrCat(
        source.Display(where.root), ": missing; a suite needs task.yaml and its samples file"));
  }
  JB_ASSIGN_OR_RETURN(ParsedTaskYaml parsed, ParseTaskYaml(source, where.root));
  JB_ASSIGN_OR_RETURN(Suite suite, AssembleSuite(source, std::move(parsed)));
  suite.task.set_content_hash(ContentHash(suite));
  return suite;
}

absl::StatusOr<std::map<std::string, std::string>> ReadSuiteFiles(const std::string& path) {
  std::string origin = path;
  while (origin.size() > 1 && origin.back() == '/') origin.pop_back();
  std::error_code ec;
  std::string root_dir = origin;
  std::string root = kTaskFile;
  if (!std::filesystem::is_directory(origin, ec)) {
    if (!IsYamlName(origin) || !std::filesystem::is_regular_file(origin, ec)) {
      return absl::NotFoundError(
          absl::StrCat(path,
                       ": no such suite directory or YAML file; give a directory holding task.yaml "
                       "or a .yaml file"));
    }
    const std::filesystem::path file(origin);
    root_dir = file.parent_path().empty() ? "." : file.parent_path().string();
    root = file.filename().string();
  }
  const DiskSuiteSource source(root_dir);
  if (absl::StatusOr<std::string> text = source.Read(root); !text.ok()) return text.status();
  absl::StatusOr<ParsedTaskYaml> parsed = ParseTaskYaml(source, root);
  if (parsed.ok()) {
    // Missing data files are the loader's to report, with the line that names them.
    for (const std::string& name : NeededDataFiles(*parsed)) (void)source.Read(name);
  }
  return source.files_read();
}

absl::StatusOr<Suite> LoadSuiteDir(const std::string& path) {
  JB_ASSIGN_OR_RETURN(auto files, ReadSuiteFiles(path));
  std::string origin = path;
  while (origin.size() > 1 && origin.back() == '/') origin.pop_back();
  return LoadSuiteFromFiles(origin, files);
}

const std::vector<Suite>& BuiltinSuites() {
  static const std::vector<Suite>* suites = [] {
    std::map<std::string, std::map<std::string, std::string>> by_dir;
    for (const EmbeddedFile& file : embedded::EmbeddedFiles()) {
      const size_t slash = file.path.find('/');
      if (slash == std::string::npos) continue;
      by_dir[file.path.substr(0, slash)][file.path.substr(slash + 1)] = file.contents;
    }
    auto* out = new std::vector<Suite>;
    for (const auto& [dir, files] : by_dir) {
      absl::StatusOr<Suite> suite = LoadSuiteFromFiles(absl::StrCat("builtin:", dir), files);
      // A broken built-in suite is a build defect that tests catch; keep the others usable.
      if (!suite.ok()) {
        JB_LOG(error, "built-in suite {} does not load: {}", dir, suite.status().ToString());
        continue;
      }
      out->push_back(*std::move(suite));
    }
    std::sort(out->begin(), out->end(),
              [](const Suite& a, const Suite& b) { return a.task.name() < b.task.name(); });
    return out;
  }();
  return *suites;
}

absl::StatusOr<Suite> FindBuiltinSuite(const std::string& name) {
  std::vector<std::string> names;
  for (const Suite& suite : BuiltinSuites()) {
    if (suite.task.name() == name) return suite;
    names.push_back(suite.task.name());
  }
  return absl::NotFoundError(absl::StrCat("no built-in suite named '", name,
                                          "'; built-in suites: ", absl::StrJoin(names, ", ")));
}

}  // namespace jb::tasks
