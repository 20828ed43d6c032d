#include "storage/suite_repository.h"

#include <pqxx/result>
#include <pqxx/stream_to>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/sql_values.h"

namespace jb::storage {

namespace v1 = ::joulebench::v1;

absl::StatusOr<bool> PutSuite(pqxx::work& w, const v1::TaskDefinition& task,
                              const std::vector<v1::Sample>& samples) {
  if (task.content_hash().empty() || task.name().empty()) {
    return absl::InvalidArgumentError("suite without a name or content hash");
  }
  for (size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].index() != i) {
      return absl::InvalidArgumentError(
          absl::StrCat("suite ", task.name(), ": sample ", i, " has index ", samples[i].index()));
    }
  }
  JB_ASSIGN_OR_RETURN(std::string definition, ProtoToJson(task));
  // A concurrent writer of the same hash makes this wait for its commit, then do nothing.
  pqxx::result inserted = w.exec_params(
      "INSERT INTO suites (content_hash, name, version, family, task_definition, sample_count) "
      "VALUES ($1, $2, $3, $4, $5::jsonb, $6) "
      "ON CONFLICT (content_hash) DO NOTHING RETURNING 1",
      task.content_hash(), task.name(), task.version(), task.family(), definition,
      static_cast<int64_t>(samples.size()));
  if (inserted.empty()) return false;
  pqxx::stream_to stream(
      w, "suite_samples",
      std::vector<std::string>{"content_hash", "sample_index", "doc", "fewshot_indices"});
  for (const v1::Sample& sample : samples) {
    std::vector<std::string> shots;
    for (uint32_t i : sample.fewshot_indices()) shots.push_back(absl::StrCat(i));
    stream << std::make_tuple(task.content_hash(), sample.index(), sample.doc_json(),
                              TextArrayLiteral(shots));
  }
  stream.complete();
  return true;
}

absl::StatusOr<bool> SuiteExists(pqxx::work& w, const std::string& content_hash) {
  return !w.exec_params("SELECT 1 FROM suites WHERE content_hash = $1", content_hash).empty();
}

absl::StatusOr<v1::TaskDefinition> GetTask(pqxx::transaction_base& tx,
                                           const std::string& content_hash) {
  pqxx::result r = tx.exec_params(
      "SELECT task_definition::text FROM suites WHERE content_hash = $1", content_hash);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("unknown suite ", content_hash));
  v1::TaskDefinition task;
  JB_RETURN_IF_ERROR(ProtoFromJson(r[0][0].as<std::string>(), &task,
                                   absl::StrCat("task definition of suite ", content_hash)));
  return task;
}

absl::StatusOr<std::vector<v1::Sample>> GetSamples(pqxx::work& w, const std::string& content_hash,
                                                   uint32_t begin, uint32_t end) {
  pqxx::result count =
      w.exec_params("SELECT sample_count FROM suites WHERE content_hash = $1", content_hash);
  if (count.empty()) return absl::NotFoundError(absl::StrCat("unknown suite ", content_hash));
  const int64_t sample_count = count[0][0].as<int64_t>();
  if (begin >= end || end > sample_count) {
    return absl::InvalidArgumentError(absl::StrCat("samples [", begin, ", ", end,
                                                   ") are outside suite ", content_hash,
                                                   ", which has ", sample_count));
  }
  pqxx::result rows = w.exec_params(
      "SELECT sample_index, doc::text, fewshot_indices::text FROM suite_samples "
      "WHERE content_hash = $1 AND sample_index >= $2 AND sample_index < $3 "
      "ORDER BY sample_index",
      content_hash, begin, end);
  std::vector<v1::Sample> samples;
  samples.reserve(rows.size());
  for (const auto& row : rows) {
    v1::Sample sample;
    sample.set_index(row[0].as<uint32_t>());
    sample.set_doc_json(row[1].as<std::string>());
    JB_ASSIGN_OR_RETURN(std::vector<std::string> shots, ParseTextArray(row[2].as<std::string>()));
    for (const std::string& shot : shots) {
      uint32_t index = 0;
      if (!absl::SimpleAtoi(shot, &index)) {
        return absl::InternalError(absl::StrCat("suite ", content_hash, " sample ", sample.index(),
                                                ": bad few-shot index ", shot));
      }
      sample.add_fewshot_indices(index);
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace jb::storage
