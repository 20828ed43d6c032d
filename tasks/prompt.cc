#include "tasks/prompt.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "tasks/jinja.h"

namespace jb::tasks {
namespace {

using joulebench::v1::Sample;
using joulebench::v1::TaskDefinition;
using nlohmann::json;

absl::StatusOr<json> ParseDoc(const std::string& doc_json) {
  json doc = json::parse(doc_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("the sample's document is not a JSON object");
  }
  return doc;
}

absl::Status WithField(const absl::Status& status, const char* field) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", status.message()));
}

// lm-eval's doc_to_*: a bare field name yields the field's value; anything else is a template.
// `from_field` tells the caller which of the two happened.
absl::StatusOr<json> ApplyDocTo(const std::string& spec, const json& doc, const char* field,
                                bool* from_field = nullptr) {
  auto it = doc.find(spec);
  if (it != doc.end()) {
    if (from_field) *from_field = true;
    return *it;
  }
  if (from_field) *from_field = false;
  absl::StatusOr<json> value = EvaluateTemplate(spec, doc);
  if (!value.ok()) return WithField(value.status(), field);
  return value;
}

absl::StatusOr<std::string> DocToText(const TaskDefinition& task, const json& doc) {
  JB_ASSIGN_OR_RETURN(json value, ApplyDocTo(task.doc_to_text(), doc, "doc_to_text"));
  return PythonStr(value);
}

absl::StatusOr<std::vector<std::string>> DocToChoices(const TaskDefinition& task, const json& doc) {
  std::vector<std::string> choices(task.doc_to_choice().begin(), task.doc_to_choice().end());
  if (!choices.empty() || task.doc_to_choice_template().empty()) return choices;
  JB_ASSIGN_OR_RETURN(json value, ApplyDocTo(task.doc_to_choice_template(), doc, "doc_to_choice"));
  if (!value.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat("doc_to_choice: expected a list, got '", PythonStr(value),
                     "'; name a list field, e.g. doc_to_choice: \"{{choices}}\""));
  }
  for (const json& item : value) choices.push_back(PythonStr(item));
  return choices;
}

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::StatusOr<std::string> DocToTarget(const TaskDefinition& task, const json& doc) {
  bool from_field = false;
  JB_ASSIGN_OR_RETURN(json value,
                      ApplyDocTo(task.doc_to_target(), doc, "doc_to_target", &from_field));
  if (value.is_array()) {
    return absl::InvalidArgumentError(
        "doc_to_target: a list of targets is not supported; give one gold answer");
  }
  const bool has_choices = !task.doc_to_choice().empty() || !task.doc_to_choice_template().empty();
  if (!has_choices) return PythonStr(value);
  int64_t index = -1;
  if (value.is_number_integer()) {
    index = value.get<int64_t>();
  } else if (!from_field && value.is_string() && AllDigits(value.get<std::string>()) &&
             value.get<std::string>().size() < 10) {
    index = std::stoll(value.get<std::string>());
  } else {
    return PythonStr(value);
  }
  JB_ASSIGN_OR_RETURN(std::vector<std::string> choices, DocToChoices(task, doc));
  if (index < 0 || index >= static_cast<int64_t>(choices.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "doc_to_target: index ", index, " is out of range for the ", choices.size(), " choices"));
  }
  return choices[static_cast<size_t>(index)];
}

}  // namespace

absl::StatusOr<std::string> RenderTemplate(const std::string& template_text,
                                           const std::string& doc_json) {
  JB_ASSIGN_OR_RETURN(json doc, ParseDoc(doc_json));
  return RenderTemplateText(template_text, doc);
}

std::vector<Sample> SelectFewshot(const TaskDefinition& task, const Sample& sample) {
  // A shot is the sample itself when index and document agree. Documents are compared parsed:
  // a stored sample comes back from JSONB with other spacing and key order than the JSONL line.
  auto same_doc = [](const std::string& a, const std::string& b) {
    if (a == b) return true;
    json x = json::parse(a, nullptr, /*allow_exceptions=*/false);
    json y = json::parse(b, nullptr, /*allow_exceptions=*/false);
    return !x.is_discarded() && x == y;
  };
  std::vector<Sample> shots;
  for (const Sample& shot : task.fewshot_samples()) {
    if (shots.size() >= task.num_fewshot()) break;
    if (shot.index() == sample.index() && same_doc(shot.doc_json(), sample.doc_json())) continue;
    shots.push_back(shot);
  }
  return shots;
}

absl::StatusOr<std::string> BuildPrompt(const TaskDefinition& task, const Sample& sample) {
  JB_ASSIGN_OR_RETURN(json doc, ParseDoc(sample.doc_json()));
  std::string prompt;
  if (!task.description().empty()) {
    absl::StatusOr<std::string> description = RenderTemplateText(task.description(), doc);
    if (!description.ok()) return WithField(description.status(), "description");
    prompt = *std::move(description);
  }
  const std::vector<Sample> shots = SelectFewshot(task, sample);
  if (shots.size() < task.num_fewshot()) {
    return absl::InvalidArgumentError(absl::StrCat("num_fewshot: ", task.num_fewshot(),
                                                   " shots wanted but only ", shots.size(),
                                                   " few-shot samples are available"));
  }
  for (const Sample& shot : shots) {
    absl::StatusOr<json> shot_doc = ParseDoc(shot.doc_json());
    if (!shot_doc.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("few-shot sample ", shot.index(), ": ", shot_doc.status().message()));
    }
    JB_ASSIGN_OR_RETURN(std::string text, DocToText(task, *shot_doc));
    JB_ASSIGN_OR_RETURN(std::string target, DocToTarget(task, *shot_doc));
    absl::StrAppend(&prompt, text, task.target_delimiter(), target, task.fewshot_delimiter());
  }
  JB_ASSIGN_OR_RETURN(std::string text, DocToText(task, doc));
  return prompt + text;
}

absl::StatusOr<std::string> RenderTarget(const TaskDefinition& task, const Sample& sample) {
  JB_ASSIGN_OR_RETURN(json doc, ParseDoc(sample.doc_json()));
  return DocToTarget(task, doc);
}

absl::StatusOr<std::vector<std::string>> RenderChoices(const TaskDefinition& task,
                                                       const Sample& sample) {
  JB_ASSIGN_OR_RETURN(json doc, ParseDoc(sample.doc_json()));
  return DocToChoices(task, doc);
}

absl::StatusOr<std::vector<std::string>> ChoiceContinuations(const TaskDefinition& task,
                                                             const Sample& sample) {
  JB_ASSIGN_OR_RETURN(std::vector<std::string> choices, RenderChoices(task, sample));
  if (choices.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sample ", sample.index(), " has no choices; a multiple_choice task needs doc_to_choice"));
  }
  for (std::string& choice : choices) choice = absl::StrCat(task.target_delimiter(), choice);
  return choices;
}

}  // namespace jb::tasks
