#include "storage/model_repository.h"

#include "absl/strings/str_cat.h"
#include "storage/sql_values.h"

namespace jb::storage {

absl::Status UpsertModel(pqxx::work& w, const joulebench::v1::ModelSpec& model) {
  if (model.name().empty()) return absl::InvalidArgumentError("model with an empty name");
  w.exec_params0(
      "INSERT INTO models (name, parameters, active_parameters, family) "
      "VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (name) DO UPDATE SET "
      "  parameters = COALESCE(EXCLUDED.parameters, models.parameters), "
      "  active_parameters = COALESCE(EXCLUDED.active_parameters, models.active_parameters), "
      "  family = CASE WHEN EXCLUDED.family <> '' THEN EXCLUDED.family ELSE models.family END",
      model.name(), NullIfZero(model.parameters()), NullIfZero(model.active_parameters()),
      model.family());
  return absl::OkStatus();
}

absl::Status EnsureModels(pqxx::work& w, const std::vector<std::string>& names) {
  if (names.empty()) return absl::OkStatus();
  for (const std::string& name : names) {
    if (name.empty()) return absl::InvalidArgumentError("model with an empty name");
  }
  w.exec_params0(
      "INSERT INTO models (name) SELECT DISTINCT unnest($1::text[]) ON CONFLICT (name) DO NOTHING",
      TextArrayLiteral(names));
  return absl::OkStatus();
}

absl::StatusOr<bool> ModelExists(pqxx::work& w, const std::string& name) {
  return !w.exec_params("SELECT 1 FROM models WHERE name = $1", name).empty();
}

absl::StatusOr<joulebench::v1::ModelSpec> GetModel(pqxx::work& w, const std::string& name) {
  pqxx::result r =
      ExecPrepared(w, "jb_get_model",
                   "SELECT COALESCE(parameters, 0), COALESCE(active_parameters, 0), family "
                   "FROM models WHERE name = $1",
                   name);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("unknown model '", name, "'"));
  joulebench::v1::ModelSpec model;
  model.set_name(name);
  model.set_parameters(r[0][0].as<double>());
  model.set_active_parameters(r[0][1].as<double>());
  model.set_family(r[0][2].as<std::string>());
  return model;
}

}  // namespace jb::storage
