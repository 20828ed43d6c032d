#include "storage/database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/pg_errors.h"

namespace jb::storage {
namespace {

// "host:port/dbname" from a libpq URL or key=value string, via libpq's own parser.
absl::StatusOr<std::string> Endpoint(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return absl::InvalidArgumentError(absl::StrCat("bad database URL: ", message));
  }
  std::string host = "localhost", port = "5432", dbname;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string keyword = o->keyword;
    if (keyword == "host" || (keyword == "hostaddr" && host == "localhost")) host = o->val;
    if (keyword == "port") port = o->val;
    if (keyword == "dbname") dbname = o->val;
  }
  PQconninfoFree(options);
  return absl::StrCat(host, ":", port, "/", dbname);
}

std::string WithConnectTimeout(const std::string& url, absl::Duration timeout) {
  if (absl::StrContains(url, "connect_timeout")) return url;
  // libpq's minimum effective value is 2 seconds.
  int64_t seconds = std::max<int64_t>(2, absl::ToInt64Seconds(timeout));
  if (absl::StrContains(url, "://")) {
    return absl::StrCat(url, absl::StrContains(url, "?") ? "&" : "?", "connect_timeout=", seconds);
  }
  return absl::StrCat(url, " connect_timeout=", seconds);
}

}  // namespace

struct Database::Attempt {
  absl::Status status;
  FailureKind kind = FailureKind::kPermanent;
};

absl::StatusOr<std::unique_ptr<Database>> Database::Connect(const std::string& url,
                                                            DatabaseOptions options) {
  options.url = url;
  return Connect(std::move(options));
}

absl::StatusOr<std::unique_ptr<Database>> Database::Connect(DatabaseOptions options) {
  if (options.pool_size < 1) return absl::InvalidArgumentError("Database: pool_size < 1");
  JB_ASSIGN_OR_RETURN(std::string endpoint, Endpoint(options.url));
  std::string conninfo = WithConnectTimeout(options.url, options.connect_timeout);
  std::unique_ptr<Database> db(new Database(std::move(options), conninfo, endpoint));
  Backoff backoff(db->options_.backoff);
  absl::Status last;
  const int attempts = std::max(1, db->options_.connect_attempts);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) db->clock_->Sleep(backoff.Next());
    auto conn = db->OpenConnection();
    if (conn.ok()) {
      absl::MutexLock lock(&db->mu_);
      db->idle_.push_back(*std::move(conn));
      db->open_ = 1;
      return db;
    }
    last = conn.status();
    if (last.code() != absl::StatusCode::kUnavailable) return last;
  }
  return absl::UnavailableError(
      absl::StrCat(last.message(), " (gave up after ", attempts, " attempts)"));
}

Database::Database(DatabaseOptions options, std::string conninfo, std::string endpoint)
    : options_(std::move(options)),
      conninfo_(std::move(conninfo)),
      endpoint_(std::move(endpoint)),
      clock_(options_.clock != nullptr ? options_.clock : Clock::Real()) {}

Database::~Database() = default;

int Database::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> Database::OpenConnection() {
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo_);
    // libpqxx prints server notices ("relation exists, skipping") on stderr; keep warnings only.
    conn->set_variable("client_min_messages", "warning");
    return conn;
  } catch (...) {
    ClassifiedFailure failure =
        ClassifyCurrentException(absl::StrCat("cannot connect to PostgreSQL at ", endpoint_));
    // Refused, unreachable, starting up or shutting down: all mean "try again later".
    if (failure.kind != FailureKind::kPermanent ||
        failure.status.code() == absl::StatusCode::kInternal) {
      return absl::UnavailableError(failure.status.message());
    }
    return failure.status;
  }
}

bool Database::CanAcquire() const { return !idle_.empty() || open_ < options_.pool_size; }

absl::StatusOr<std::unique_ptr<pqxx::connection>> Database::Acquire() {
  {
    absl::MutexLock lock(&mu_, absl::Condition(this, &Database::CanAcquire));
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  auto conn = OpenConnection();
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
  }
  return conn;
}

void Database::Release(std::unique_ptr<pqxx::connection> conn, bool healthy) {
  if (!healthy) {
    conn.reset();  // Closed outside the lock.
    absl::MutexLock lock(&mu_);
    --open_;
    return;
  }
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(conn));
}

void Database::DiscardIdle() {
  std::vector<std::unique_ptr<pqxx::connection>> doomed;
  {
    absl::MutexLock lock(&mu_);
    doomed.swap(idle_);
    open_ -= static_cast<int>(doomed.size());
  }
}

absl::Status Database::Transact(const Body& body) { return Run(body, /*read_only=*/false); }

absl::Status Database::TransactReadOnly(const Body& body) { return Run(body, /*read_only=*/true); }

Database::Attempt Database::RunOnce(pqxx::connection& conn, const Body& body, bool read_only) {
  bool committing = false;
  try {
    pqxx::work w(conn);
    if (read_only) w.exec0("SET TRANSACTION READ ONLY");
    absl::Status status = body(w);
    if (!status.ok()) {
      try {
        w.abort();
      } catch (...) {
        // The rollback failed (connection gone); the body's error is still the answer.
      }
      return {status, FailureKind::kPermanent};
    }
    committing = true;
    w.commit();
    return {absl::OkStatus(), FailureKind::kPermanent};
  } catch (...) {
    ClassifiedFailure failure = ClassifyCurrentException(
        absl::StrCat("database ", endpoint_, committing ? " (commit)" : ""));
    // Some failures reach us as plain errors while the connection is already gone.
    if (failure.kind == FailureKind::kPermanent && !conn.is_open()) {
      failure.kind = committing ? FailureKind::kInDoubt : FailureKind::kConnectionLost;
      failure.status = absl::UnavailableError(failure.status.message());
    }
    return {failure.status, failure.kind};
  }
}

absl::Status Database::Run(const Body& body, bool read_only) {
  // Made on the first retry only: seeding it reads std::random_device, which cost more than
  // a short transaction.
  std::optional<Backoff> backoff;
  absl::Status last;
  const int attempts = std::max(1, options_.transaction_attempts);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      if (!backoff.has_value()) backoff.emplace(options_.backoff);
      clock_->Sleep(backoff->Next());
    }
    auto conn = Acquire();
    if (!conn.ok()) {
      last = conn.status();
      if (last.code() != absl::StatusCode::kUnavailable) return last;
      continue;
    }
    Attempt result = RunOnce(**conn, body, read_only);
    const bool open = (*conn)->is_open();
    switch (result.kind) {
      case FailureKind::kPermanent:
        Release(*std::move(conn), open);
        return result.status;
      case FailureKind::kRetryTransaction:
        Release(*std::move(conn), open);
        last = result.status;
        break;
      case FailureKind::kConnectionLost:
        Release(*std::move(conn), /*healthy=*/false);
        DiscardIdle();
        last = result.status;
        break;
      case FailureKind::kInDoubt:
        Release(*std::move(conn), /*healthy=*/false);
        DiscardIdle();
        return result.status;
    }
  }
  return absl::UnavailableError(
      absl::StrCat(last.message(), " (gave up after ", attempts, " attempts)"));
}

}  // namespace jb::storage
