// Database: a small pool of PostgreSQL connections that runs transactions, reconnects after
// the server restarts, and turns every libpqxx exception into an absl::Status.
//
//   auto db = Database::Connect("postgresql://postgres@127.0.0.1:5432/joulebench");
//   absl::Status s = (*db)->Transact([&](pqxx::work& w) -> absl::Status {
//     JB_ASSIGN_OR_RETURN(int64_t id, InsertSweep(w, ...));
//     return InsertShards(w, id, shards).status();
//   });
//
// Transact runs the body in one READ COMMITTED transaction and commits only when it returns
// OK. When the connection breaks (server restart, network), or the server rolls the
// transaction back (serialization failure, deadlock), the connection is replaced and THE BODY
// RUNS AGAIN, up to options.transaction_attempts times with backoff: a body must be
// idempotent apart from its database writes (no side effects outside `w` that cannot repeat;
// reset any outputs it fills at its start). The one exception: when the connection breaks
// during COMMIT, whether the transaction took effect is unknown, and Transact returns
// kUnavailable without re-running it (re-running a non-idempotent body could apply it twice).
//
// Ownership: owns its connections. The Clock (backoff sleeps) is borrowed and must outlive it.
// Thread-safe: any number of threads may call Transact at once; at most pool_size run
// concurrently and the rest block until a connection is free. Never call Transact from inside
// a body (with a full pool it would wait for itself).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/backoff.h"
#include "common/clock.h"

namespace jb::storage {

struct DatabaseOptions {
  // libpq URL or key=value string, e.g. postgresql://user@host:5432/db.
  std::string url;
  // Connections kept open at most; also the number of concurrent transactions.
  int pool_size = 4;
  // Tries for the first connection in Connect().
  int connect_attempts = 5;
  // Tries of one Transact, counting reconnects and server-side rollbacks.
  int transaction_attempts = 6;
  BackoffOptions backoff = {absl::Milliseconds(100), absl::Seconds(5), 2.0, 0};
  // libpq connect_timeout for each connection attempt (added to the URL when it has none).
  absl::Duration connect_timeout = absl::Seconds(5);
  // Clock for backoff sleeps; nullptr means Clock::Real().
  Clock* clock = nullptr;
};

class Database {
 public:
  using Body = std::function<absl::Status(pqxx::work&)>;

  // Opens the first connection, retrying connect_attempts times with backoff. Fails with
  // kUnavailable naming host:port when the server cannot be reached, kInvalidArgument for an
  // unparsable URL or pool_size < 1.
  static absl::StatusOr<std::unique_ptr<Database>> Connect(DatabaseOptions options);
  static absl::StatusOr<std::unique_ptr<Database>> Connect(const std::string& url,
                                                           DatabaseOptions options = {});
  // REQUIRES: no Transact in flight.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `body` in a transaction; commits when it returns OK, rolls back otherwise.
  // Returns: OK after commit; the body's own status when it fails (nothing is written);
  // kUnavailable when the database stays unreachable, the transaction keeps being rolled back,
  // or the commit's outcome is unknown; for SQL errors the code from pg_errors.h with the
  // SQLSTATE in the message (23505 -> kAlreadyExists, ...); kInternal when the body throws
  // anything else.
  absl::Status Transact(const Body& body);
  // Transact in a READ ONLY transaction; a write fails with kFailedPrecondition (25006).
  absl::Status TransactReadOnly(const Body& body);

  // Transact for a body returning absl::StatusOr<T>; returns the value of the committed run.
  template <typename Fn>
  auto TransactValue(Fn&& fn) -> std::invoke_result_t<Fn&, pqxx::work&> {
    std::optional<std::invoke_result_t<Fn&, pqxx::work&>> result;
    absl::Status status = Transact([&](pqxx::work& w) -> absl::Status {
      result.emplace(fn(w));
      return result->status();
    });
    if (!status.ok()) return status;
    return *std::move(result);
  }

  // "host:port/database", for messages (the URL may carry a password; this never does).
  const std::string& endpoint() const { return endpoint_; }
  // Connections currently open (idle and in use).
  int open_connections() const;

 private:
  struct Attempt;
  Database(DatabaseOptions options, std::string conninfo, std::string endpoint);

  absl::Status Run(const Body& body, bool read_only);
  Attempt RunOnce(pqxx::connection& conn, const Body& body, bool read_only);
  absl::StatusOr<std::unique_ptr<pqxx::connection>> OpenConnection();
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire();
  // Returns a connection to the pool, or closes it when it is broken.
  void Release(std::unique_ptr<pqxx::connection> conn, bool healthy);
  // Closes idle connections: after one broke, the others most likely did too.
  void DiscardIdle();
  bool CanAcquire() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const DatabaseOptions options_;
  const std::string conninfo_;
  const std::string endpoint_;
  Clock* const clock_;

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle plus in use
};

}  // namespace jb::storage
