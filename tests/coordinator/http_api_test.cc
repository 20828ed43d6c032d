// The HTTP API (coordinator/http_api.h, http_server.h) against a real PostgreSQL, over
// loopback with cpp-httplib's client: every endpoint's rows and fields for seeded data, its
// filters, and each JSON error.
//
// Seeded through the storage functions:
//   sweep 1 "nightly", sealed, on the leaderboard, snapshotted yesterday and today:
//     m1 (family llama) on gpu-a: 4 rows scored 1, 40 J   -> 10 J/query
//     m2 (family qwen)  on gpu-a: 4 rows scored 0, 20 J   ->  5 J/query
//     m1                on gpu-b: 4 rows scored 1, 80 J   -> 20 J/query
//     every measurement RAPL, 2 s wall, peak memory 1000 MB
//   sweep 2 "retry", running: m2 samples 4..8 failed for good ("server returned 500"), m1
//     samples 4..8 pending.
#include "coordinator/http_api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

#include "coordinator/http_server.h"
#include "coordinator/server.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "storage/leaderboard.h"
#include "storage/model_repository.h"
#include "storage/sealed_cells.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::coordinator {
namespace {

namespace v1 = ::joulebench::v1;
using nlohmann::json;

struct Answer {
  int status = 0;
  std::string content_type;
  json body;
};

class HttpApiTest : public storage::testing::StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    SeedSuite();
    ASSERT_OK(db().Transact([](pqxx::work& w) -> absl::Status {
      for (auto [name, family] : {std::pair{"m1", "llama"}, std::pair{"m2", "qwen"}}) {
        v1::ModelSpec m;
        m.set_name(name);
        m.set_family(family);
        JB_RETURN_IF_ERROR(storage::UpsertModel(w, m));
      }
      return absl::OkStatus();
    }));
    api_ = std::make_unique<HttpApi>(&db());
    auto server = HttpServer::Start("127.0.0.1:0", api_.get());
    ASSERT_OK(server.status());
    server_ = *std::move(server);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_connection_timeout(5);
    client_->set_read_timeout(10);
  }

  void TearDown() override {
    server_.reset();
    StorageTest::TearDown();
  }

  // Seeds the two sweeps of the file comment.
  void Seed() {
    const std::string a = AddWorker("wa", {"m1", "m2"}, "gpu-a");
    const std::string b = AddWorker("wb", {"m1"}, "gpu-b");
    nightly_ = AddSweep({Planned("m1", 0, 4, 3, 0, "gpu-a"), Planned("m2", 0, 4, 3, 0, "gpu-a"),
                         Planned("m1", 0, 4, 3, 0, "gpu-b")},
                        "nightly");
    RunShard(a, 4, 40, v1::ENERGY_METHOD_RAPL, 1, 2);
    RunShard(a, 4, 20, v1::ENERGY_METHOD_RAPL, 0, 2);
    RunShard(b, 4, 80, v1::ENERGY_METHOD_RAPL, 1, 2);
    ASSERT_OK(db().Transact([](pqxx::work& w) {
      w.exec0("UPDATE shard_measurements SET peak_memory_mb = 1000, memory_source = 'profile'");
      return absl::OkStatus();
    }));
    EndSweep(nightly_);
    ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
      EXPECT_EQ(storage::LockNextSealableSweep(w, 0), nightly_);
      JB_RETURN_IF_ERROR(storage::SealSweep(w, nightly_));
      JB_RETURN_IF_ERROR(storage::TakeLeaderboardSnapshot(w, {}).status());
      w.exec0("UPDATE leaderboard_snapshots SET snapshot_date = snapshot_date - 1");
      return storage::TakeLeaderboardSnapshot(w, {}).status();
    }));
    today_ = Scalar("SELECT (now() AT TIME ZONE 'UTC')::date::text");
    yesterday_ = Scalar("SELECT ((now() AT TIME ZONE 'UTC')::date - 1)::text");

    retry_ = AddSweep(
        {Planned("m2", 4, 8, /*max_attempts=*/1, 0, "gpu-a"), Planned("m1", 4, 8, 3, 0, "gpu-b")},
        "retry");
    std::optional<storage::LeasedShard> leased = Acquire(a);
    ASSERT_TRUE(leased.has_value());
    failed_shard_ = leased->shard_id;
    ASSERT_OK(db().Transact([&](pqxx::work& w) {
      return storage::FailShard(w, leased->shard_id, a, leased->epoch, "server returned 500",
                                /*permanent=*/true, absl::Seconds(1))
          .status();
    }));
  }

  Answer Get(const std::string& path) {
    Answer answer;
    httplib::Result res = client_->Get(path.c_str());
    EXPECT_TRUE(res) << "GET " << path << ": " << httplib::to_string(res.error());
    if (!res) return answer;
    answer.status = res->status;
    answer.content_type = res->get_header_value("Content-Type");
    answer.body = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(answer.body.is_discarded()) << path << ": " << res->body;
    return answer;
  }

  // Expects the JSON error of `status` with `code` and a message containing `message`.
  void ExpectError(const std::string& path, int status, const std::string& code,
                   const std::string& message) {
    SCOPED_TRACE(path);
    Answer a = Get(path);
    EXPECT_EQ(a.status, status);
    EXPECT_EQ(a.content_type, "application/json");
    EXPECT_EQ(a.body["error"]["code"], code);
    EXPECT_NE(a.body["error"]["message"].get<std::string>().find(message), std::string::npos)
        << a.body.dump();
  }

  std::unique_ptr<HttpApi> api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
  int64_t nightly_ = 0;
  int64_t retry_ = 0;
  int64_t failed_shard_ = 0;
  std::string today_;
  std::string yesterday_;
};

TEST_F(HttpApiTest, HealthzAnswersOk) {
  Answer a = Get("/healthz");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "application/json");
  EXPECT_EQ(a.body, json({{"status", "ok"}}));
}

TEST_F(HttpApiTest, LeaderboardRowsCarryScoresEnergyPerFrontsAndChanges) {
  Seed();
  Answer a = Get("/api/v1/leaderboard");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.content_type, "application/json");
  ASSERT_EQ(a.body["tasks"].size(), 1u);
  const json& task = a.body["tasks"][0];
  EXPECT_EQ(task["task"], "mini");
  EXPECT_EQ(task["per_unit"], "sample");
  EXPECT_EQ(task["per_cohort"], 3);
  const json& rows = task["rows"];
  ASSERT_EQ(rows.size(), 3u);
  // Best score first, then model and class.
  EXPECT_EQ(rows[0]["model"], "m1");
  EXPECT_EQ(rows[0]["hardware_class"], "gpu-a");
  EXPECT_EQ(rows[1]["model"], "m1");
  EXPECT_EQ(rows[1]["hardware_class"], "gpu-b");
  EXPECT_EQ(rows[2]["model"], "m2");

  const json& m1 = rows[0];
  EXPECT_EQ(m1["family"], "llama");
  EXPECT_EQ(m1["sweep_id"], nightly_);
  EXPECT_EQ(m1["rank"], 1);
  EXPECT_EQ(m1["samples"], 4);
  EXPECT_EQ(m1["errors"], 0);
  EXPECT_EQ(m1["score"]["value"], 1.0);
  EXPECT_EQ(m1["score"]["ci_method"], "wilson");
  EXPECT_LT(m1["score"]["ci_low"].get<double>(), 1.0);
  EXPECT_EQ(m1["score"]["ci_high"], 1.0);
  EXPECT_EQ(m1["score"]["provisional"], false);
  EXPECT_EQ(m1["energy"]["j_per_query"], 10.0);
  EXPECT_EQ(m1["energy"]["total_j"], 40.0);
  EXPECT_EQ(m1["energy"]["method"], "rapl");
  EXPECT_EQ(m1["energy"]["simulated"], false);
  EXPECT_EQ(m1["energy"]["estimated"], false);
  // No grid intensity and no price: unknown, so null rather than a number.
  EXPECT_TRUE(m1["carbon"]["gco2e_per_query"].is_null());
  EXPECT_TRUE(m1["cost"]["usd_per_1k_queries"].is_null());
  EXPECT_EQ(m1["memory"]["peak_mb"], 1000.0);
  EXPECT_EQ(m1["memory"]["sources"], "profile");
  EXPECT_EQ(m1["throughput"]["samples_per_s"], 2.0);
  EXPECT_TRUE(m1["throughput"]["samples_per_s_per_gpu"].is_null());
  EXPECT_TRUE(m1["latency"]["e2e_p50_s"].is_number());
  EXPECT_TRUE(m1["per"]["per"].is_number());
  EXPECT_TRUE(m1["per"]["per_e"].is_number());
  EXPECT_TRUE(m1["per"]["missing"].is_null());
  EXPECT_EQ(m1["pareto"],
            json({{"energy", true}, {"carbon", false}, {"cost", false}, {"latency", true}}));
  EXPECT_EQ(m1["changed"]["since"], yesterday_);
  EXPECT_EQ(m1["changed"]["score"], false);
  EXPECT_EQ(m1["changed"]["energy"], false);

  // m2 scores 0 at half m1's energy: on the energy front of gpu-a too, ranked second.
  EXPECT_EQ(rows[2]["rank"], 2);
  EXPECT_EQ(rows[2]["energy"]["j_per_query"], 5.0);
  EXPECT_EQ(rows[2]["pareto"]["energy"], true);
  EXPECT_EQ(rows[2]["score"]["value"], 0.0);
  // Same score, four times the J/query of m1 on gpu-a: PER-E ranks it lower.
  EXPECT_LT(rows[1]["per"]["per_e"].get<double>(), m1["per"]["per_e"].get<double>());
}

TEST_F(HttpApiTest, LeaderboardFilters) {
  Seed();
  auto rows = [this](const std::string& query) {
    Answer a = Get("/api/v1/leaderboard" + query);
    EXPECT_EQ(a.status, 200) << a.body.dump();
    std::vector<std::string> out;
    for (const json& t : a.body["tasks"]) {
      for (const json& r : t["rows"]) {
        out.push_back(r["model"].get<std::string>() + "@" + r["hardware_class"].get<std::string>());
      }
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(rows("?task=mini"), (V{"m1@gpu-a", "m1@gpu-b", "m2@gpu-a"}));
  EXPECT_EQ(rows("?task=other"), V{});
  EXPECT_EQ(rows("?hardware_class=gpu-b"), V{"m1@gpu-b"});
  EXPECT_EQ(rows("?family=qwen"), V{"m2@gpu-a"});
  EXPECT_EQ(rows("?family=llama&hardware_class=gpu-a"), V{"m1@gpu-a"});
  EXPECT_EQ(rows("?since=" + today_), (V{"m1@gpu-a", "m1@gpu-b", "m2@gpu-a"}));
  EXPECT_EQ(rows("?since=2999-01-01"), V{});
  // PER is computed over the rows returned: one row is its own whole cohort.
  Answer one = Get("/api/v1/leaderboard?hardware_class=gpu-b");
  EXPECT_EQ(one.body["tasks"][0]["per_cohort"], 1);
  EXPECT_EQ(one.body["filters"]["hardware_class"], "gpu-b");
}

TEST_F(HttpApiTest, LeaderboardRejectsBadParameters) {
  ExpectError("/api/v1/leaderboard?since=yesterday", 400, "invalid_argument",
              "since 'yesterday' is not a date; pass YYYY-MM-DD");
  ExpectError("/api/v1/leaderboard?since=2026-1-5", 400, "invalid_argument", "pass YYYY-MM-DD");
  ExpectError("/api/v1/leaderboard?since=2026-13-40", 400, "invalid_argument", "not a date");
  ExpectError("/api/v1/leaderboard?hardware=gpu-a", 400, "invalid_argument",
              "unknown parameter 'hardware' for /api/v1/leaderboard; it takes task, "
              "hardware_class, family, since");
}

TEST_F(HttpApiTest, TasksListsTheLeaderboardsTasksClassesAndFamilies) {
  Answer empty = Get("/api/v1/tasks");
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, json({{"tasks", json::array()},
                              {"hardware_classes", json::array()},
                              {"families", json::array()}}));
  Seed();
  Answer a = Get("/api/v1/tasks");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["tasks"], json::parse(R"([{"task": "mini", "score_metric": "none/exact_match",
                                              "rows": 3}])"));
  EXPECT_EQ(a.body["hardware_classes"], json({"gpu-a", "gpu-b"}));
  EXPECT_EQ(a.body["families"], json({"llama", "qwen"}));
  ExpectError("/api/v1/tasks?x=1", 400, "invalid_argument", "it takes no parameters");
}

TEST_F(HttpApiTest, TradeoffGivesPointsAndTheFrontPerClass) {
  Seed();
  Answer a = Get("/api/v1/tradeoff?task=mini");  // axis defaults to energy
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["axis"], "energy");
  EXPECT_EQ(a.body["x_label"], "J/query");
  EXPECT_TRUE(a.body["sweep_id"].is_null());
  const json& classes = a.body["classes"];
  ASSERT_EQ(classes.size(), 2u);
  EXPECT_EQ(classes[0]["hardware_class"], "gpu-a");
  ASSERT_EQ(classes[0]["points"].size(), 2u);
  const json& p = classes[0]["points"][0];
  EXPECT_EQ(p["model"], "m1");
  EXPECT_EQ(p["x"], 10.0);
  EXPECT_EQ(p["score"], 1.0);
  EXPECT_EQ(p["ci_high"], 1.0);
  EXPECT_EQ(p["provisional"], false);  // the leaderboard holds sealed sweeps only
  EXPECT_EQ(p["on_front"], true);
  EXPECT_EQ(p["energy"]["method"], "rapl");
  EXPECT_EQ(p["sweep_id"], nightly_);
  EXPECT_EQ(classes[0]["points"][1]["x"], 5.0);
  // Along the front, cheapest first.
  EXPECT_EQ(classes[0]["front"], json({"m2", "m1"}));
  EXPECT_EQ(classes[1]["hardware_class"], "gpu-b");
  EXPECT_EQ(classes[1]["front"], json({"m1"}));

  // No class has a price: every x is unknown and no point is on the cost front.
  Answer cost = Get("/api/v1/tradeoff?task=mini&axis=cost");
  ASSERT_EQ(cost.status, 200);
  EXPECT_EQ(cost.body["x_label"], "USD/1k queries");
  EXPECT_TRUE(cost.body["classes"][0]["points"][0]["x"].is_null());
  EXPECT_EQ(cost.body["classes"][0]["front"], json::array());

  // One sweep instead of the leaderboard: the same cells here.
  Answer sweep = Get("/api/v1/tradeoff?task=mini&axis=latency&sweep=" + std::to_string(nightly_));
  ASSERT_EQ(sweep.status, 200) << sweep.body.dump();
  EXPECT_EQ(sweep.body["sweep_id"], nightly_);
  EXPECT_EQ(sweep.body["classes"].size(), 2u);
  // A running sweep's points say their scores are provisional.
  Answer running = Get("/api/v1/tradeoff?task=mini&sweep=" + std::to_string(retry_));
  ASSERT_EQ(running.status, 200) << running.body.dump();
  ASSERT_EQ(running.body["classes"].size(), 2u);
  EXPECT_EQ(running.body["classes"][0]["points"][0]["provisional"], true);
}

TEST_F(HttpApiTest, TradeoffRejectsBadParameters) {
  Seed();
  ExpectError("/api/v1/tradeoff", 400, "invalid_argument", "needs task=NAME");
  ExpectError("/api/v1/tradeoff?task=mini&axis=speed", 400, "invalid_argument",
              "axis 'speed' is not a trade-off; pass energy, carbon, cost or latency");
  ExpectError("/api/v1/tradeoff?task=mini&sweep=abc", 400, "invalid_argument",
              "sweep 'abc' is not a sweep id; pass a positive integer");
  ExpectError("/api/v1/tradeoff?task=mini&sweep=999", 404, "not_found",
              "no sweep 999; GET /api/v1/sweeps lists them");
  ExpectError("/api/v1/tradeoff?task=other", 404, "not_found",
              "no cells of task other on the leaderboard");
}

TEST_F(HttpApiTest, SweepsListsNewestFirstWithinTheLimit) {
  Seed();
  Answer a = Get("/api/v1/sweeps");
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(a.body["sweeps"].size(), 2u);
  const json& retry = a.body["sweeps"][0];
  EXPECT_EQ(retry["id"], retry_);
  EXPECT_EQ(retry["name"], "retry");
  EXPECT_EQ(retry["state"], "running");
  EXPECT_EQ(retry["shards"], json::parse(R"({"total": 2, "pending": 1, "leased": 0,
                                             "succeeded": 0, "failed": 1, "cancelled": 0})"));
  EXPECT_TRUE(retry["finished_at"].is_null());
  EXPECT_FALSE(retry.contains("cells"));
  const json& nightly = a.body["sweeps"][1];
  EXPECT_EQ(nightly["state"], "succeeded");
  EXPECT_EQ(nightly["samples"], json::parse(R"({"total": 12, "done": 12, "failed": 0})"));
  EXPECT_TRUE(nightly["finished_at"].is_string());

  Answer one = Get("/api/v1/sweeps?limit=1");
  ASSERT_EQ(one.body["sweeps"].size(), 1u);
  EXPECT_EQ(one.body["sweeps"][0]["id"], retry_);
  for (const char* bad : {"0", "1001", "ten", "-3"}) {
    ExpectError(std::string("/api/v1/sweeps?limit=") + bad, 400, "invalid_argument",
                std::string("limit '") + bad +
                    "' is not a whole number from 1 to 1000; pass one such as limit=50");
  }
}

TEST_F(HttpApiTest, SweepDetailHasCellProgressAndFailures) {
  Seed();
  Answer a = Get("/api/v1/sweeps/" + std::to_string(retry_));
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["name"], "retry");
  EXPECT_EQ(a.body["sealed"], false);
  ASSERT_EQ(a.body["cells"].size(), 2u);
  const json& m1 = a.body["cells"][0];
  EXPECT_EQ(m1["model"], "m1");
  EXPECT_EQ(m1["hardware_class"], "gpu-b");
  EXPECT_EQ(m1["shards"], json::parse(R"({"total": 1, "leased": 0, "succeeded": 0,
                                          "failed": 0})"));
  EXPECT_EQ(m1["samples"], json::parse(R"({"total": 4, "done": 0, "failed": 0})"));
  EXPECT_TRUE(m1["mean_score"].is_null());
  EXPECT_EQ(a.body["cells"][1]["shards"]["failed"], 1);
  ASSERT_EQ(a.body["failures"].size(), 1u);
  EXPECT_EQ(a.body["failures"][0], json::parse(R"({"shard_id": )" + std::to_string(failed_shard_) +
                                               R"(, "model": "m2", "task": "mini",
      "hardware_class": "gpu-a", "sample_begin": 4, "sample_end": 8, "state": "failed",
      "attempts": 1, "max_attempts": 1, "error": "server returned 500"})"));

  Answer nightly = Get("/api/v1/sweeps/" + std::to_string(nightly_));
  ASSERT_EQ(nightly.status, 200);
  EXPECT_EQ(nightly.body["sealed"], true);
  EXPECT_EQ(nightly.body["cells"].size(), 3u);
  EXPECT_EQ(nightly.body["cells"][0]["samples"]["done"], 4);
  EXPECT_EQ(nightly.body["cells"][0]["mean_score"], 1.0);
  EXPECT_EQ(nightly.body["failures"], json::array());

  ExpectError("/api/v1/sweeps/abc", 400, "invalid_argument",
              "/api/v1/sweeps/{id}: id 'abc' is not a sweep id; pass a positive integer");
  ExpectError("/api/v1/sweeps/0", 400, "invalid_argument", "not a sweep id");
  ExpectError("/api/v1/sweeps/999", 404, "not_found", "no sweep 999; GET /api/v1/sweeps lists");
}

TEST_F(HttpApiTest, WorkersListsTheFleet) {
  Seed();
  Answer a = Get("/api/v1/workers");
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(a.body["workers"].size(), 2u);
  const json& wa = a.body["workers"][0];
  EXPECT_EQ(wa["name"], "wa");
  EXPECT_EQ(wa["state"], "active");
  EXPECT_EQ(wa["hardware"]["hardware_class"], "gpu-a");
  EXPECT_EQ(wa["hardware"]["hostname"], "wa.local");
  EXPECT_EQ(wa["server"]["kind"], "joulebench-sim");
  EXPECT_EQ(wa["server"]["models"], json({"m1", "m2"}));
  EXPECT_TRUE(wa["last_heartbeat_at"].is_string());
  EXPECT_TRUE(wa["current_shard_id"].is_null());  // its last shard failed

  // A worker holding a lease shows its shard.
  std::optional<storage::LeasedShard> leased = Acquire(a.body["workers"][1]["id"]);
  ASSERT_TRUE(leased.has_value());
  Answer b = Get("/api/v1/workers");
  EXPECT_EQ(b.body["workers"][1]["current_shard_id"], leased->shard_id);
}

TEST_F(HttpApiTest, HistoryFollowsAModelAcrossSnapshots) {
  Seed();
  Answer a = Get("/api/v1/history?model=m1&task=mini");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["model"], "m1");
  const json& points = a.body["points"];
  ASSERT_EQ(points.size(), 4u);  // two snapshots x two classes, oldest first
  EXPECT_EQ(points[0]["date"], yesterday_);
  EXPECT_EQ(points[0]["hardware_class"], "gpu-a");
  EXPECT_EQ(points[1]["date"], yesterday_);
  EXPECT_EQ(points[1]["hardware_class"], "gpu-b");
  EXPECT_EQ(points[2]["date"], today_);
  EXPECT_EQ(points[0]["sweep_id"], nightly_);
  EXPECT_EQ(points[0]["score"]["value"], 1.0);
  EXPECT_EQ(points[0]["energy"], json::parse(R"({"j_per_query": 10.0, "method": "rapl",
                                                 "simulated": false, "estimated": false})"));
  EXPECT_EQ(Get("/api/v1/history?model=nobody").body["points"], json::array());
  ExpectError("/api/v1/history", 400, "invalid_argument", "/api/v1/history needs model=NAME");
}

TEST_F(HttpApiTest, UnknownPathsAndOtherMethodsAnswerJsonErrors) {
  ExpectError("/api/v1/nothing", 404, "not_found", "no endpoint /api/v1/nothing");
  ExpectError("/", 404, "not_found", "the API is under /api/v1/");
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    SCOPED_TRACE(method);
    httplib::Request req;
    req.method = method;
    req.path = "/api/v1/sweeps/1";
    httplib::Result res = client_->send(req);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 405);
    json body = json::parse(res->body);
    EXPECT_EQ(body["error"]["code"], "method_not_allowed");
    EXPECT_EQ(body["error"]["message"],
              std::string(method) + " /api/v1/sweeps/1: the API is read-only; only GET is allowed");
  }
}

// httplib refuses a POST without Content-Length before any route runs; that answer is JSON too.
TEST_F(HttpApiTest, RequestsRefusedBeforeRoutingAnswerJsonErrors) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const std::string request =
      "POST /api/v1/sweeps HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) response.append(buffer, n);
  close(fd);
  EXPECT_EQ(response.rfind("HTTP/1.1 400", 0), 0u) << response;
  const json body = json::parse(response.substr(response.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
  EXPECT_EQ(body["error"]["message"],
            "POST /api/v1/sweeps: HTTP 400, the request could not be served as sent; the API "
            "answers GET requests (docs/api.md)");
}

TEST_F(HttpApiTest, ABusyOrBadAddressIsRefused) {
  EXPECT_THAT(HttpServer::Start("127.0.0.1", api_.get()).status(),
              testing::StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(HttpServer::Start(absl::StrCat("127.0.0.1:", server_->port()), api_.get()).status(),
              testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

// A database without the schema: the query fails, and the answer says what could not be read
// without the SQL or PostgreSQL's message.
TEST_F(HttpApiTest, DatabaseErrorsAnswer500WithoutTheirSql) {
  auto unmigrated = storage::Database::Connect(CreateEmptyDatabase(), TestDatabaseOptions());
  ASSERT_OK(unmigrated.status());
  HttpApi api(unmigrated->get());
  auto server = HttpServer::Start("127.0.0.1:0", &api);
  ASSERT_OK(server.status());
  client_ = std::make_unique<httplib::Client>("127.0.0.1", (*server)->port());
  client_->set_connection_timeout(5);
  client_->set_read_timeout(10);
  ExpectError("/api/v1/sweeps", 500, "internal",
              "reading the sweeps failed; the coordinator's log says why");
  ExpectError("/api/v1/leaderboard", 500, "internal", "reading the leaderboard failed");
  httplib::Result res = client_->Get("/api/v1/workers");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body.find("relation"), std::string::npos) << res->body;
  EXPECT_EQ(res->body.find("SELECT"), std::string::npos) << res->body;
}

// CoordinatorServer serves the API when http_listen is set, and stops it in Stop().
TEST_F(HttpApiTest, CoordinatorServesTheApiOnItsHttpPort) {
  CoordinatorOptions options;
  options.db_url = url();
  options.grpc_listen = "127.0.0.1:0";
  options.http_listen = "127.0.0.1:0";
  options.db_connections = 2;
  auto coordinator = CoordinatorServer::Start(options);
  ASSERT_OK(coordinator.status());
  const int port = (*coordinator)->http_port();
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  httplib::Result res = client.Get("/api/v1/sweeps");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body), json({{"sweeps", json::array()}}));
  (*coordinator)->Stop();
  client.set_connection_timeout(1);
  EXPECT_FALSE(client.Get("/healthz"));

  options.http_listen = "";
  auto without = CoordinatorServer::Start(options);
  ASSERT_OK(without.status());
  EXPECT_EQ((*without)->http_port(), 0);
}

}  // namespace
}  // namespace jb::coordinator
