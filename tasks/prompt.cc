#include "tasks/prompt.h"

#include <algorithm>
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

bool HasChoices(const TaskDefinition& task) {
  return !task.doc_to_choice().empty() || !task.doc_to_choice_template().empty();
}

// lm-eval's doc_to_target value (lm_eval/api/task.py doc_to_target): a field's value as is; a
// rendered template that is all digits becomes an int when the task has choices.
absl::StatusOr<json> TargetValue(const TaskDefinition& task, const json& doc) {
  bool from_field = false;
  JB_ASSIGN_OR_RETURN(json value,
                      ApplyDocTo(task.doc_to_target(), doc, "doc_to_target", &from_field));
  if (!from_field && HasChoices(task) && value.is_string() && AllDigits(value.get<std::string>()) &&
      value.get<std::string>().size() < 10) {
    return json(std::stoll(value.get<std::string>()));
  }
  return value;
}

// The text of one target value: an int indexes the choices when the task has them.
absl::StatusOr<std::string> TargetText(const TaskDefinition& task, const json& doc,
                                       const json& value) {
  if (!value.is_number_integer() || !HasChoices(task)) return PythonStr(value);
  const int64_t index = value.get<int64_t>();
  JB_ASSIGN_OR_RETURN(std::vector<std::string> choices, DocToChoices(task, doc));
  if (index < 0 || index >= static_cast<int64_t>(choices.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "doc_to_target: index ", index, " is out of range for the ", choices.size(), " choices"));
  }
  return choices[static_cast<size_t>(index)];
}

absl::StatusOr<std::vector<std::string>> DocToTargets(const TaskDefinition& task, const json& doc) {
  JB_ASSIGN_OR_RETURN(json value, TargetValue(task, doc));
  std::vector<std::string> out;
  if (!value.is_array()) {
    JB_ASSIGN_OR_RETURN(std::string text, TargetText(task, doc, value));
    out.push_back(std::move(text));
    return out;
  }
  for (const json& item : value) {
    JB_ASSIGN_OR_RETURN(std::string text, TargetText(task, doc, item));
    out.push_back(std::move(text));
  }
  return out;
}

// A shot's "target_delimiter + target + fewshot_delimiter", as lm-eval prints it.
absl::StatusOr<std::string> ShotAnswer(const TaskDefinition& task, const json& doc) {
  JB_ASSIGN_OR_RETURN(json value, TargetValue(task, doc));
  // lm-eval adds nothing after a shot whose target is "" (has_answer is false).
  if (value.is_string() && value.get<std::string>().empty()) return std::string();
  if (value.is_array()) {
    if (value.empty()) {
      return absl::InvalidArgumentError(
          "doc_to_target: a shot's target is an empty list, which lm-eval cannot print (it "
          "prints a list's first element); use a shot pool whose documents have answers");
    }
    value = json(value[0]);
  }
  JB_ASSIGN_OR_RETURN(std::string text, TargetText(task, doc, value));
  return absl::StrCat(task.target_delimiter(), text, task.fewshot_delimiter());
}

}  // namespace

absl::StatusOr<std::string> RenderTemplate(const std::string& template_text,
                                           const std::string& doc_json) {
  JB_ASSIGN_OR_RETURN(json doc, ParseDoc(doc_json));
  return RenderTemplateText(template_text, doc);
}

std::vector<Sample> SelectFewshot(const TaskDefinition& task, const Sample& sample) {
  std::vector<Sample> shots;
  for (uint32_t i : sample.fewshot_indices()) {
    if (i < static_cast<uint32_t>(task.fewshot_samples_size())) {
      shots.push_back(task.fewshot_samples(static_cast<int>(i)));
    }
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
  if (shots.size() != task.num_fewshot() ||
      sample.fewshot_indices_size() != static_cast<int>(task.num_fewshot())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "num_fewshot: ", task.num_fewshot(), " shots wanted but sample ", sample.index(), " has ",
        sample.fewshot_indices_size(), " few-shot indices, ", shots.size(), " of them valid"));
  }
  for (const Sample& shot : shots) {
    auto in_shot = [&](const absl::Status& s) {
      return absl::InvalidArgumentError(
          absl::StrCat("few-shot document ", shot.index(), ": ", s.message()));
    };
    absl::StatusOr<json> shot_doc = ParseDoc(shot.doc_json());
    if (!shot_doc.ok()) return in_shot(shot_doc.status());
    absl::StatusOr<std::string> text = DocToText(task, *shot_doc);
    if (!text.ok()) return in_shot(text.status());
    absl::StatusOr<std::string> answer = ShotAnswer(task, *shot_doc);
    if (!answer.ok()) return in_shot(answer.status());
    absl::StrAppend(&prompt, *text, *answer);
  }
  JB_ASSIGN_OR_RETURN(std::string text, DocToText(task, doc));
  return prompt + text;
}

absl::StatusOr<std::vector<std::string>> RenderTargets(const TaskDefinition& task,
                                                       const Sample& sample) {
  JB_ASSIGN_OR_RETURN(json doc, ParseDoc(sample.doc_json()));
  return DocToTargets(task, doc);
}

absl::StatusOr<std::string> RenderTarget(const TaskDefinition& task, const Sample& sample) {
  JB_ASSIGN_OR_RETURN(std::vector<std::string> targets, RenderTargets(task, sample));
  return targets.empty() ? std::string() : targets[0];
}

absl::StatusOr<uint32_t> RenderGoldIndex(const TaskDefinition& task, const Sample& sample) {
  JB_ASSIGN_OR_RETURN(json doc, ParseDoc(sample.doc_json()));
  JB_ASSIGN_OR_RETURN(std::vector<std::string> choices, DocToChoices(task, doc));
  if (choices.empty()) {
    return absl::InvalidArgumentError("doc_to_choice: the task has no choices");
  }
  JB_ASSIGN_OR_RETURN(json value, TargetValue(task, doc));
  if (value.is_number_integer()) {
    const int64_t index = value.get<int64_t>();
    if (index >= 0 && index < static_cast<int64_t>(choices.size())) {
      return static_cast<uint32_t>(index);
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "doc_to_target: index ", index, " is out of range for the ", choices.size(), " choices"));
  }
  if (value.is_string()) {
    // lm-eval's process_results: choices.index(gold) for a string gold.
    auto it = std::find(choices.begin(), choices.end(), value.get<std::string>());
    if (it != choices.end()) return static_cast<uint32_t>(it - choices.begin());
  }
  return absl::InvalidArgumentError(
      absl::StrCat("doc_to_target: '", PythonStr(value), "' is not one of the ", choices.size(),
                   " choices; a multiple_choice target must name or index one choice"));
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
