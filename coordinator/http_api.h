// HttpApi: the coordinator's read-only JSON API for the dashboard and for scripts
// (docs/api.md). Every endpoint is a GET that reads through the storage functions the CLI
// uses, in one READ ONLY transaction, and answers JSON:
//
//   GET /healthz                    {"status": "ok"}; no database access
//   GET /api/v1/leaderboard         ?task= &hardware_class= &family= &since=YYYY-MM-DD
//   GET /api/v1/tasks               tasks on the leaderboard, hardware classes, model families
//   GET /api/v1/tradeoff            ?task= (required) &axis=energy|carbon|cost|latency &sweep=ID
//   GET /api/v1/sweeps              ?limit=1..1000 (default 20)
//   GET /api/v1/sweeps/{id}         the sweep, its cells' progress and its shards' errors
//   GET /api/v1/workers             the fleet
//   GET /api/v1/history             ?model= (required) &task=
//
// PER and the Pareto fronts are computed as the reports compute them (cli/report_model.h),
// over the rows an endpoint returns.
// Errors are {"error": {"code": "...", "message": "..."}}: 400 invalid_argument for a bad
// parameter (the message names it and says what to pass), 404 not_found for an unknown path or
// sweep, 503 unavailable when the database cannot be reached, 500 internal otherwise. Database
// messages are logged, never returned.
// Thread-safety: Get may be called from any number of threads at once.
#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "storage/database.h"

namespace jb::coordinator {

struct HttpReply {
  int status = 200;
  std::string body;  // JSON
};

class HttpApi {
 public:
  using Params = std::multimap<std::string, std::string>;

  explicit HttpApi(storage::Database* db) : db_(db) {}

  // Answers GET `path` with the decoded query parameters `params` (the first value of a
  // repeated one counts).
  HttpReply Get(const std::string& path, const Params& params) const;

  // The JSON error reply for `status` (its code picks the HTTP status).
  static HttpReply ErrorReply(const absl::Status& status);
  // 405 method_not_allowed for `method` on `path`.
  static HttpReply MethodNotAllowed(const std::string& method, const std::string& path);

 private:
  storage::Database* db_;  // Not owned.
};

}  // namespace jb::coordinator
