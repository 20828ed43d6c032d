// Converts libpqxx exceptions into absl::Status, in one place, so every caller of the
// database maps the same SQLSTATE to the same code (codes by retry meaning, see STYLE.md).
//
//   try { ... } catch (...) { return StatusFromCurrentException("loading suite"); }
//
// Stateless and thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace jb::storage {

// What a transaction runner should do after a failure.
enum class FailureKind {
  // The error is about the request or the data: report it, do not retry.
  kPermanent,
  // The transaction was rolled back by the server (serialization failure, deadlock); the
  // connection is fine and re-running the whole transaction may succeed.
  kRetryTransaction,
  // The connection is gone (server restarted, network): drop it, reconnect, re-run.
  kConnectionLost,
  // The connection broke while COMMIT was in flight: the transaction may or may not have
  // been applied. Drop the connection and do not re-run.
  kInDoubt,
};

struct ClassifiedFailure {
  absl::Status status;
  FailureKind kind = FailureKind::kPermanent;
};

// Classifies the exception being handled. REQUIRES: called inside a catch block.
// Codes: broken connection, SQLSTATE 08xxx, 57P01-57P03, 53300 -> kUnavailable
// (kConnectionLost); 40001, 40P01 -> kUnavailable (kRetryTransaction); in-doubt commit and
// 40003 -> kUnavailable (kInDoubt); 23505 and other duplicate_* -> kAlreadyExists; 23503 ->
// kFailedPrecondition; 22xxx, 23502, 23514 -> kInvalidArgument; 3D000 -> kNotFound; 42501 ->
// kPermissionDenied; 57014 -> kDeadlineExceeded; 25006 -> kFailedPrecondition; 53xxx ->
// kResourceExhausted; everything else (syntax errors, conversion errors, unknown exceptions) ->
// kInternal. The message is
// "<context>: <server message> [SQLSTATE xxxxx]".
ClassifiedFailure ClassifyCurrentException(absl::string_view context);

// ClassifyCurrentException(context).status. REQUIRES: called inside a catch block.
absl::Status StatusFromCurrentException(absl::string_view context);

}  // namespace jb::storage
