// SuiteCache against a real PostgreSQL: what it serves comes from the database once, and a
// cache past its bound reads again.
#include "coordinator/suite_cache.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/suite_repository.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace jb::coordinator {
namespace {

using ::jb::testing::StatusIs;
namespace v1 = joulebench::v1;

class SuiteCacheTest : public jb::testing::PostgresTest {
 protected:
  // Stores a suite of `n` samples; returns its hash.
  std::string PutSuite(int n) {
    v1::TaskDefinition task;
    task.set_name("cache-task");
    task.set_content_hash(absl::StrCat("cache-suite-", n));
    task.set_doc_to_text("{{text}}");
    std::vector<v1::Sample> samples;
    for (int i = 0; i < n; ++i) {
      v1::Sample sample;
      sample.set_index(i);
      sample.set_doc_json(absl::StrCat(R"({"text": "sample )", i, R"("})"));
      samples.push_back(sample);
    }
    EXPECT_OK(
        db().Transact([&](pqxx::work& w) { return storage::PutSuite(w, task, samples).status(); }));
    return task.content_hash();
  }

  std::string Scalar(const std::string& sql) {
    std::string value;
    EXPECT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
      value = w.exec1(sql)[0].as<std::string>();
      return absl::OkStatus();
    }));
    return value;
  }

  absl::StatusOr<v1::Shard> Fill(SuiteCache& cache, const std::string& hash, uint32_t begin,
                                 uint32_t end) {
    v1::Shard shard;
    absl::Status status =
        db().Transact([&](pqxx::work& w) { return cache.Fill(w, hash, begin, end, &shard); });
    if (!status.ok()) return status;
    return shard;
  }

  void DeleteSuiteRows(const std::string& hash) {
    EXPECT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
      w.exec_params0("DELETE FROM suite_samples WHERE content_hash = $1", hash);
      w.exec_params0("DELETE FROM suites WHERE content_hash = $1", hash);
      return absl::OkStatus();
    }));
  }
};

TEST_F(SuiteCacheTest, ServesTheTaskAndRangeItReadOnce) {
  const std::string hash = PutSuite(6);
  SuiteCache cache;
  ASSERT_OK_AND_ASSIGN(v1::Shard first, Fill(cache, hash, 2, 5));
  EXPECT_EQ(first.task().name(), "cache-task");
  ASSERT_EQ(first.samples_size(), 3);
  EXPECT_EQ(first.samples(0).index(), 2u);
  EXPECT_EQ(first.samples(2).doc_json(), R"({"text": "sample 4"})");
  EXPECT_GT(cache.bytes(), 0u);

  // Gone from the database, still served: the second lease did not read it again.
  DeleteSuiteRows(hash);
  ASSERT_OK_AND_ASSIGN(v1::Shard second, Fill(cache, hash, 2, 5));
  EXPECT_EQ(second.task().name(), "cache-task");
  ASSERT_EQ(second.samples_size(), 3);
  EXPECT_EQ(second.samples(1).index(), 3u);
  // Another range of the same suite is not cached and now cannot be read.
  EXPECT_THAT(Fill(cache, hash, 0, 2).status(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(SuiteCacheTest, DropsEverythingWhenItsBoundWouldBePassed) {
  const std::string hash = PutSuite(6);
  // Room for the task and one range of three samples, not two (both ranges are the same size).
  size_t task_and_range = 0;
  {
    SuiteCache sizing;
    ASSERT_OK(Fill(sizing, hash, 0, 3).status());
    task_and_range = sizing.bytes();
  }
  SuiteCache cache(task_and_range);
  ASSERT_OK(Fill(cache, hash, 0, 3).status());
  EXPECT_EQ(cache.bytes(), task_and_range);
  ASSERT_OK(Fill(cache, hash, 3, 6).status());  // drops the task and the first range
  EXPECT_LT(cache.bytes(), task_and_range);
  DeleteSuiteRows(hash);
  EXPECT_THAT(Fill(cache, hash, 0, 3).status(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(SuiteCacheTest, PassesOnTheRepositoryErrors) {
  const std::string hash = PutSuite(4);
  SuiteCache cache;
  EXPECT_THAT(Fill(cache, "no-such-hash", 0, 1).status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(cache.bytes(), 0u);
  // The task is read and kept; the bad range is not.
  EXPECT_THAT(Fill(cache, hash, 2, 9).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(v1::Shard shard, Fill(cache, hash, 0, 1));
  EXPECT_EQ(cache.bytes(), shard.task().ByteSizeLong() + shard.samples(0).ByteSizeLong());
}

}  // namespace
}  // namespace jb::coordinator
