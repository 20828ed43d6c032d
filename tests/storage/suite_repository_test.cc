#include "storage/suite_repository.h"

#include "google/protobuf/util/message_differencer.h"
#include "nlohmann/json.hpp"
#include "storage/model_repository.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

using ::jb::testing::StatusIs;
namespace v1 = ::joulebench::v1;

class SuiteRepositoryTest : public testing::StorageTest {};

TEST_F(SuiteRepositoryTest, StoresASuiteOnceAndReadsItBack) {
  v1::TaskDefinition task = MiniTask(/*repeats=*/3);
  auto put = [&] {
    return db().TransactValue([&](pqxx::work& w) { return PutSuite(w, task, MiniSamples(8)); });
  };
  ASSERT_OK_AND_ASSIGN(bool inserted, put());
  EXPECT_TRUE(inserted);
  ASSERT_OK_AND_ASSIGN(bool again, put());
  EXPECT_FALSE(again);
  EXPECT_EQ(Scalar("SELECT count(*) FROM suite_samples"), "8");
  EXPECT_EQ(Scalar("SELECT task_definition->>'repeats' FROM suites"), "3")
      << "JSONB uses the .proto field names";

  ASSERT_OK_AND_ASSIGN(v1::TaskDefinition stored, db().TransactValue([](pqxx::work& w) {
    return GetTask(w, testing::kSuiteHash);
  }));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored, task))
      << stored.DebugString();

  ASSERT_OK_AND_ASSIGN(auto samples, db().TransactValue([](pqxx::work& w) {
    return GetSamples(w, testing::kSuiteHash, 2, 5);
  }));
  ASSERT_EQ(samples.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(samples[i].index(), static_cast<uint32_t>(i + 2));
    EXPECT_EQ(nlohmann::json::parse(samples[i].doc_json()),
              nlohmann::json::parse(MiniSamples(8)[i + 2].doc_json()));
  }
}

// Few-shot suites: each sample's shot indices survive the round trip, in order.
TEST_F(SuiteRepositoryTest, KeepsEachSamplesFewshotIndices) {
  v1::TaskDefinition task = MiniTask();
  std::vector<v1::Sample> samples = MiniSamples(3);
  samples[0].add_fewshot_indices(2);
  samples[0].add_fewshot_indices(1);
  samples[2].add_fewshot_indices(0);
  ASSERT_OK(db().TransactValue([&](pqxx::work& w) { return PutSuite(w, task, samples); }));
  ASSERT_OK_AND_ASSIGN(auto stored, db().TransactValue([](pqxx::work& w) {
    return GetSamples(w, testing::kSuiteHash, 0, 3);
  }));
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_THAT(stored[0].fewshot_indices(), ::testing::ElementsAre(2, 1));
  EXPECT_TRUE(stored[1].fewshot_indices().empty());
  EXPECT_THAT(stored[2].fewshot_indices(), ::testing::ElementsAre(0));
}

TEST_F(SuiteRepositoryTest, ReportsUnknownSuitesAndBadRanges) {
  EXPECT_THAT(db().TransactValue([](pqxx::work& w) { return GetTask(w, "nope"); }),
              StatusIs(absl::StatusCode::kNotFound, "nope"));
  EXPECT_THAT(db().TransactValue([](pqxx::work& w) { return GetSamples(w, "nope", 0, 1); }),
              StatusIs(absl::StatusCode::kNotFound));
  SeedSuite(/*samples=*/5);
  EXPECT_THAT(
      db().TransactValue([](pqxx::work& w) { return GetSamples(w, testing::kSuiteHash, 3, 6); }),
      StatusIs(absl::StatusCode::kInvalidArgument, "which has 5"));
  EXPECT_THAT(
      db().TransactValue([](pqxx::work& w) { return GetSamples(w, testing::kSuiteHash, 3, 3); }),
      StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(bool exists, db().TransactValue([](pqxx::work& w) {
    return SuiteExists(w, testing::kSuiteHash);
  }));
  EXPECT_TRUE(exists);
}

TEST_F(SuiteRepositoryTest, RejectsBadSuitesAndWritesNothing) {
  auto put = [&](const v1::TaskDefinition& task, const std::vector<v1::Sample>& samples) {
    return db().Transact([&](pqxx::work& w) { return PutSuite(w, task, samples).status(); });
  };
  v1::TaskDefinition no_hash = MiniTask();
  no_hash.clear_content_hash();
  EXPECT_THAT(put(no_hash, MiniSamples(2)), StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<v1::Sample> misnumbered = MiniSamples(3);
  misnumbered[1].set_index(7);
  EXPECT_THAT(put(MiniTask(), misnumbered), StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<v1::Sample> not_json = MiniSamples(3);
  not_json[2].set_doc_json("{oops");
  EXPECT_THAT(put(MiniTask(), not_json), StatusIs(absl::StatusCode::kInvalidArgument, "22P02"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM suites"), "0");
}

TEST_F(SuiteRepositoryTest, UpsertModelKeepsKnownValuesAndUpdatesDeclaredOnes) {
  auto upsert = [&](const std::string& name, double parameters, const std::string& family) {
    v1::ModelSpec m;
    m.set_name(name);
    m.set_parameters(parameters);
    m.set_family(family);
    return db().Transact([&](pqxx::work& w) { return UpsertModel(w, m); });
  };
  auto get = [&](const std::string& name) {
    return db().TransactValue([&](pqxx::work& w) { return GetModel(w, name); });
  };
  ASSERT_OK(upsert("qwen", 0, ""));
  EXPECT_EQ(Scalar("SELECT parameters IS NULL FROM models WHERE name = 'qwen'"), "t");
  ASSERT_OK(upsert("qwen", 7e9, "qwen"));
  ASSERT_OK(upsert("qwen", 0, ""));
  ASSERT_OK_AND_ASSIGN(v1::ModelSpec stored, get("qwen"));
  EXPECT_EQ(stored.parameters(), 7e9);
  EXPECT_EQ(stored.family(), "qwen");
  EXPECT_THAT(get("absent"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(upsert("", 1, ""), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(bool exists,
                       db().TransactValue([](pqxx::work& w) { return ModelExists(w, "qwen"); }));
  EXPECT_TRUE(exists);
  ASSERT_OK_AND_ASSIGN(bool absent,
                       db().TransactValue([](pqxx::work& w) { return ModelExists(w, "absent"); }));
  EXPECT_FALSE(absent);
}

}  // namespace
}  // namespace jb::storage
