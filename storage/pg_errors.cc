#include "storage/pg_errors.h"

#include <exception>
#include <pqxx/except>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace jb::storage {
namespace {

// libpqxx messages end in newlines and carry DETAIL/HINT lines; keep them on one line.
std::string OneLine(absl::string_view message) {
  std::string text = absl::StrReplaceAll(absl::StripAsciiWhitespace(message), {{"\n", "; "}});
  return absl::StrReplaceAll(text, {{"ERROR:  ", ""}, {"FATAL:  ", ""}});
}

absl::Status Make(absl::StatusCode code, absl::string_view context, absl::string_view message,
                  absl::string_view sqlstate = "") {
  std::string text = absl::StrCat(context, ": ", OneLine(message));
  if (!sqlstate.empty()) absl::StrAppend(&text, " [SQLSTATE ", sqlstate, "]");
  return absl::Status(code, text);
}

ClassifiedFailure FromSqlState(absl::string_view context, const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  absl::string_view s(state);
  auto fail = [&](absl::StatusCode code, FailureKind kind = FailureKind::kPermanent) {
    return ClassifiedFailure{Make(code, context, e.what(), s), kind};
  };
  using C = absl::StatusCode;
  if (absl::StartsWith(s, "08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300") {
    return fail(C::kUnavailable, FailureKind::kConnectionLost);
  }
  if (s == "40001" || s == "40P01") return fail(C::kUnavailable, FailureKind::kRetryTransaction);
  if (s == "40003") return fail(C::kUnavailable, FailureKind::kInDoubt);
  if (s == "23505" || s == "42P04" || s == "42P07" || s == "42710") {
    return fail(C::kAlreadyExists);
  }
  if (s == "23502" || s == "23514" || absl::StartsWith(s, "22")) {
    return fail(C::kInvalidArgument);
  }
  if (absl::StartsWith(s, "23")) return fail(C::kFailedPrecondition);
  if (s == "3D000") return fail(C::kNotFound);
  if (s == "42501") return fail(C::kPermissionDenied);
  if (s == "57014") return fail(C::kDeadlineExceeded);
  if (s == "25006") return fail(C::kFailedPrecondition);
  if (absl::StartsWith(s, "53")) return fail(C::kResourceExhausted);
  return fail(C::kInternal);
}

}  // namespace

ClassifiedFailure ClassifyCurrentException(absl::string_view context) {
  using C = absl::StatusCode;
  try {
    throw;
  } catch (const pqxx::in_doubt_error& e) {
    return {Make(C::kUnavailable, context,
                 absl::StrCat("connection lost during COMMIT, the outcome is unknown: ", e.what())),
            FailureKind::kInDoubt};
  } catch (const pqxx::statement_completion_unknown& e) {
    return {Make(C::kUnavailable, context, e.what(), "40003"), FailureKind::kInDoubt};
  } catch (const pqxx::deadlock_detected& e) {
    return {Make(C::kUnavailable, context, e.what(), "40P01"), FailureKind::kRetryTransaction};
  } catch (const pqxx::serialization_failure& e) {
    return {Make(C::kUnavailable, context, e.what(), "40001"), FailureKind::kRetryTransaction};
  } catch (const pqxx::transaction_rollback& e) {
    return {Make(C::kUnavailable, context, e.what(), "40000"), FailureKind::kRetryTransaction};
  } catch (const pqxx::broken_connection& e) {
    return {Make(C::kUnavailable, context, absl::StrCat("database connection lost: ", e.what())),
            FailureKind::kConnectionLost};
  } catch (const pqxx::sql_error& e) {
    return FromSqlState(context, e);
  } catch (const std::exception& e) {
    return {Make(C::kInternal, context, e.what()), FailureKind::kPermanent};
  } catch (...) {
    return {Make(C::kInternal, context, "unknown exception"), FailureKind::kPermanent};
  }
}

absl::Status StatusFromCurrentException(absl::string_view context) {
  return ClassifyCurrentException(context).status;
}

}  // namespace jb::storage
