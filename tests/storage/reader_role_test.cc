// joulebench_reader (storage/migrations/0009): it reads the reporting views, and nothing else.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "tests/storage/storage_test_base.h"

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
    EXPECT_EQ(w.exec1("SHOW statement_timeout")[0].as<std::string>(), "30s");
  }
  for (const char* table : {"shards", "sample_results", "shard_measurements", "sweeps", "workers",
                            "suites", "suite_samples", "schema_migrations"}) {
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
  EXPECT_EQ(Scalar("SELECT count(*) FROM sweeps"), "1") << "nothing written";
}

}  // namespace
}  // namespace jb::storage
