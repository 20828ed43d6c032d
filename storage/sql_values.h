// Conversions between C++ and protobuf values and SQL parameters or columns, shared by the
// repositories: protobuf messages as JSONB, string lists as text[], timestamps; and
// ExecPrepared for the statements every lease runs.
//
// JSONB columns hold protobuf JSON with the .proto field names (snake_case), so SQL users
// write task_definition->>'repeats', not ->>'repeats' under a camelCase alias.
// Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/result>
#include <pqxx/transaction>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace jb::storage {

// The message as JSON text for a JSONB column. Fails with kInternal (protobuf's JSON printer
// only fails on malformed messages).
absl::StatusOr<std::string> ProtoToJson(const google::protobuf::Message& message);

// Parses JSON from a JSONB column into *message (cleared first). Unknown fields are ignored,
// so rows written by a newer version still load. Fails with kInternal naming `what`.
absl::Status ProtoFromJson(const std::string& json, google::protobuf::Message* message,
                           absl::string_view what);

// A PostgreSQL array literal for text[] ({"a","b\"c"}), so a list travels as one parameter:
// `WHERE model = ANY($1::text[])`.
std::string TextArrayLiteral(const std::vector<std::string>& values);

// Parses a text[] column value as PostgreSQL prints it. Fails with kInternal on a malformed
// or multi-dimensional array.
absl::StatusOr<std::vector<std::string>> ParseTextArray(const std::string& literal);

// SQL expression pattern for timestamps: select `(extract(epoch FROM t) * 1e6)::bigint`, then
// convert the microseconds here.
google::protobuf::Timestamp TimestampFromMicros(int64_t micros_since_epoch);

// NULL (nullopt) for 0, the value otherwise: proto3 cannot tell "unknown" from 0, and the
// schema stores unknown as NULL.
inline std::optional<double> NullIfZero(double value) {
  return value == 0 ? std::nullopt : std::optional<double>(value);
}

// Runs `sql` with `args` as the prepared statement `name` of the transaction's connection:
// PostgreSQL parses and plans it on the connection's first use only (libpqxx prepares it
// lazily; a new connection after a restart prepares it again). For the statements of the
// lease protocol, which run thousands of times a second at scale: parsing and planning them
// on every call took a third of PostgreSQL's CPU in bench/scheduler_bench.cc. `name` starts
// with "jb_", is unique, and always names the same `sql` (libpqxx refuses a redefinition).
template <typename... Args>
pqxx::result ExecPrepared(pqxx::work& w, const char* name, const std::string& sql, Args&&... args) {
  w.conn().prepare(name, sql);  // records the definition; a no-op when it is already known
  return w.exec_prepared(name, std::forward<Args>(args)...);
}

}  // namespace jb::storage
