// joulebench_reader (storage/migrations/0009): it reads the reporting views, and nothing else.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "storage/database.h"
#include "storage/migrator.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

using ::testing::HasSubstr;

class ReaderRoleTest : public testing::StorageTest {
 protected:
  // A connection as joulebench_reader to this test's database.
  std::unique_ptr<pqxx::connection> ConnectAsReader() {
    return std::make_unique<pqxx::connection>(
        absl::StrReplaceAll(url(), {{"postgres@", "joulebench_reader@"}}));
  }

  // Why `sql` fails as the reader (the server's message), or "ok".
  std::string Outcome(pqxx::connection& c, const std::string& sql) {
    try {
      pqxx::work w(c);
      w.exec(sql);
      w.commit();
      return "ok";
    } catch (const pqxx::sql_error& e) {
      return e.what();
    }
  }
};

TEST_F(ReaderRoleTest, ReadsTheReportingViewsAndNothingElse) {
  SeedSuite();
  AddSweep({Planned("m1", 0, 4)});
  auto reader = ConnectAsReader();
  {
    pqxx::work w(*reader);
    EXPECT_EQ(w.exec1("SELECT count(*) FROM cell_metrics")[0].as<int>(), 1);
    EXPECT_EQ(w.exec1("SELECT count(*) FROM energy_methods")[0].as<int>(), 9);
    EXPECT_EQ(w.exec1("SELECT count(*) FROM sweep_overview")[0].as<int>(), 1);
    for (const char* view :
         {"cell_scores", "leaderboard", "leaderboard_snapshots", "leaderboard_changes"}) {
      EXPECT_EQ(w.exec1(absl::StrCat("SELECT count(*) FROM ", view))[0].as<int>(), 0) << view;
    }
    EXPECT_EQ(w.exec1("SHOW statement_timeout")[0].as<std::string>(), "30s");
    EXPECT_EQ(w.exec1("SHOW jit")[0].as<std::string>(), "off");  // migration 0012
  }
  for (const char* table : {"shards", "sample_results", "shard_measurements", "sweeps", "workers",
                            "suites", "suite_samples", "schema_migrations", "sealed_cells"}) {
    EXPECT_THAT(Outcome(*reader, absl::StrCat("SELECT 1 FROM ", table, " LIMIT 1")),
                HasSubstr(absl::StrCat("permission denied for table ", table)));
  }
  // Its transactions are read-only, and turning that off does not give it any right.
  EXPECT_THAT(Outcome(*reader, "INSERT INTO sweeps (name, spec_yaml) VALUES ('x', '')"),
              HasSubstr("cannot execute INSERT in a read-only transaction"));
  EXPECT_THAT(Outcome(*reader,
                      "SET TRANSACTION READ WRITE; "
                      "INSERT INTO sweeps (name, spec_yaml) VALUES ('x', '')"),
              HasSubstr("permission denied for table sweeps"));
  EXPECT_THAT(Outcome(*reader, "SET TRANSACTION READ WRITE; CREATE TABLE mine (x int)"),
              HasSubstr("permission denied for schema public"));
  EXPECT_THAT(Outcome(*reader, "SET TRANSACTION READ WRITE; DELETE FROM energy_methods"),
              HasSubstr("permission denied for table energy_methods"));
  EXPECT_THAT(Outcome(*reader, "SET TRANSACTION READ WRITE; DELETE FROM leaderboard_snapshots"),
              HasSubstr("permission denied for table leaderboard_snapshots"));
  EXPECT_THAT(Outcome(*reader, "SET TRANSACTION READ WRITE; REFRESH MATERIALIZED VIEW leaderboard"),
              HasSubstr("must be owner of materialized view leaderboard"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM sweeps"), "1") << "nothing written";
}

// Where the coordinator's database role may not create roles, the migration warns instead of
// failing, and the views are still granted to the reader, which another database created.
TEST_F(ReaderRoleTest, AnOwnerThatMayNotCreateRolesStillMigrates) {
  const std::string empty = CreateEmptyDatabase();
  const std::string name = empty.substr(empty.rfind('/') + 1);
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    w.exec0(
        "DO $$ BEGIN CREATE ROLE jb_plain_owner LOGIN NOCREATEROLE NOSUPERUSER; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    w.exec0(absl::StrCat("ALTER DATABASE ", w.quote_name(name), " OWNER TO jb_plain_owner"));
    return absl::OkStatus();
  }));
  auto owner = Database::Connect(absl::StrReplaceAll(empty, {{"postgres@", "jb_plain_owner@"}}));
  ASSERT_OK(owner.status());
  ASSERT_OK(Migrate(**owner));
  pqxx::connection reader(absl::StrReplaceAll(empty, {{"postgres@", "joulebench_reader@"}}));
  EXPECT_EQ(Outcome(reader, "SELECT count(*) FROM cell_metrics"), "ok");
  EXPECT_THAT(Outcome(reader, "SELECT 1 FROM shards"), HasSubstr("permission denied"));
}

}  // namespace
}  // namespace jb::storage
