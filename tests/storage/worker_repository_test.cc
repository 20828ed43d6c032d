#include "storage/worker_repository.h"

#include "absl/time/clock.h"
#include "storage/model_repository.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

using ::jb::testing::StatusIs;
using ::testing::MatchesRegex;
namespace v1 = ::joulebench::v1;

class WorkerRepositoryTest : public testing::StorageTest {
 protected:
  bool Servable(const std::string& model, const std::string& hardware_class) {
    auto servable =
        db().TransactValue([&](pqxx::work& w) { return ServableBy(w, model, hardware_class); });
    EXPECT_TRUE(servable.ok()) << servable.status();
    return servable.value_or(false);
  }
};

TEST_F(WorkerRepositoryTest, IdsAreStablePerNameAndModelsAreRecorded) {
  std::string a = AddWorker("node-1", {"llama-8b", "qwen-0.5b"});
  std::string again = AddWorker("node-1", {"llama-8b"});
  std::string b = AddWorker("node-2", {"llama-8b"}, "cpu");
  EXPECT_THAT(a, MatchesRegex("w-[0-9a-f]{12}"));
  EXPECT_EQ(again, a);
  EXPECT_NE(b, a);
  ASSERT_OK_AND_ASSIGN(
      bool known, db().TransactValue([](pqxx::work& w) { return ModelExists(w, "qwen-0.5b"); }));
  EXPECT_TRUE(known);
  EXPECT_EQ(Scalar("SELECT count(*) FROM hardware_classes"), "2");
  EXPECT_EQ(Scalar("SELECT served_models::text FROM workers WHERE name = 'node-1'"), "{llama-8b}")
      << "re-registration replaces the served models";
}

TEST_F(WorkerRepositoryTest, ListsWorkersWithTheirCurrentShard) {
  SeedSuite();
  std::string a = AddWorker("node-a", {"m1"});
  std::string b = AddWorker("node-b", {"m2"});
  AddSweep({Planned("m1", 0, 5)});
  auto leased = Acquire(a);
  ASSERT_TRUE(leased.has_value());
  ASSERT_OK_AND_ASSIGN(auto workers,
                       db().TransactValue([](pqxx::work& w) { return ListWorkers(w); }));
  ASSERT_EQ(workers.size(), 2u);
  EXPECT_EQ(workers[0].worker_id(), a);
  EXPECT_EQ(workers[0].name(), "node-a");
  EXPECT_EQ(workers[0].hardware().hostname(), "node-a.local");
  EXPECT_EQ(workers[0].server().models(0).name(), "m1");
  EXPECT_EQ(workers[0].state(), "active");
  EXPECT_EQ(workers[0].version(), "test");
  EXPECT_EQ(workers[0].current_shard_id(), leased->shard_id);
  EXPECT_TRUE(workers[0].has_last_heartbeat_at());
  EXPECT_EQ(workers[1].worker_id(), b);
  EXPECT_EQ(workers[1].current_shard_id(), 0);
}

TEST_F(WorkerRepositoryTest, GetWorkerKnowsRegisteredWorkersOnly) {
  std::string id = AddWorker("node-1", {"m"});
  ASSERT_OK_AND_ASSIGN(v1::WorkerInfo info,
                       db().TransactValue([&](pqxx::work& w) { return GetWorker(w, id); }));
  EXPECT_EQ(info.name(), "node-1");
  EXPECT_EQ(info.state(), "active");
  EXPECT_THAT(db().TransactValue([](pqxx::work& w) { return GetWorker(w, "w-unknown"); }),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(WorkerRepositoryTest, ServableByNeedsALiveWorkerOfTheClass) {
  AddWorker("node-1", {"m1"});
  EXPECT_TRUE(Servable("m1", testing::kClass));
  EXPECT_FALSE(Servable("m2", testing::kClass));
  EXPECT_FALSE(Servable("m1", "cpu"));
  absl::SleepFor(absl::Milliseconds(5));
  ASSERT_OK_AND_ASSIGN(int lost, db().TransactValue([](pqxx::work& w) {
    return MarkLostWorkers(w, absl::Milliseconds(1));
  }));
  EXPECT_EQ(lost, 1);
  EXPECT_FALSE(Servable("m1", testing::kClass));
  EXPECT_THAT(db().TransactValue([](pqxx::work& w) {
    return RegisterWorker(w, "", v1::HardwareProfile(), v1::InferenceServer(), "");
  }),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace jb::storage
