#include "tasks/yaml_fields.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace jb::tasks {
namespace {

// The scalar's text for error messages, shortened.
std::string Shown(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  std::string text = node.Scalar();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return absl::StrCat("'", text, "'");
}

}  // namespace

std::string JoinField(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : absl::StrCat(prefix, ".", key);
}

int YamlFields::Line(const YAML::Node& node) {
  try {
    if (!node.IsDefined()) return 0;
    return node.Mark().line + 1;
  } catch (const YAML::Exception&) {
    return 0;
  }
}

absl::Status YamlFields::Error(const YAML::Node& node, const std::string& field,
                               const std::string& what) const {
  return absl::InvalidArgumentError(absl::StrCat(file_, ":", Line(node), ": ", field, ": ", what));
}

absl::StatusOr<YAML::Node> YamlFields::ParseMapping(const std::string& text) const {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return absl::InvalidArgumentError(absl::StrCat(file_, ":", e.mark.line + 1,
                                                   ": YAML syntax error: ", e.msg,
                                                   "; fix the YAML syntax at this line"));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(file_, ": YAML error: ", e.what()));
  }
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(absl::StrCat(
        file_, ":1: the document must be a mapping of keys to values, got ", Shown(root)));
  }
  return root;
}

absl::Status YamlFields::CheckKeys(const YAML::Node& node, const std::string& field,
                                   const std::set<std::string>& allowed) const {
  if (!node.IsMap()) {
    return Error(node, field.empty() ? "(document)" : field,
                 absl::StrCat("expected a mapping of keys to values, got ", Shown(node)));
  }
  std::set<std::string> seen;
  try {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key_node = it->first;
      if (!key_node.IsScalar()) {
        return Error(key_node, field.empty() ? "(document)" : field, "keys must be plain names");
      }
      const std::string key = key_node.Scalar();
      if (!allowed.count(key)) {
        return Error(key_node, JoinField(field, key),
                     absl::StrCat("unknown key; allowed here: ", absl::StrJoin(allowed, ", ")));
      }
      if (!seen.insert(key).second) {
        return Error(key_node, JoinField(field, key), "key appears twice; keep one");
      }
    }
  } catch (const YAML::Exception& e) {
    return Error(node, field, e.what());
  }
  return absl::OkStatus();
}

absl::StatusOr<YAML::Node> YamlFields::Required(const YAML::Node& parent, const std::string& key,
                                                const std::string& field) const {
  const YAML::Node value = parent[key];
  if (!value.IsDefined()) return Error(parent, field, "missing; this key is required");
  return value;
}

bool YamlFields::IsFunction(const YAML::Node& value) {
  try {
    return value.IsDefined() && value.Tag() == "!function";
  } catch (const YAML::Exception&) {
    return false;
  }
}

absl::Status YamlFields::FunctionError(const YAML::Node& value, const std::string& field) const {
  return Error(value, field,
               absl::StrCat("'!function ", value.Scalar(),
                            "' names Python code, and joulebench suites run no Python; write a "
                            "template or a field name instead (docs/tasks.md)"));
}

absl::StatusOr<std::string> YamlFields::String(const YAML::Node& value,
                                               const std::string& field) const {
  if (IsFunction(value)) return FunctionError(value, field);
  if (!value.IsScalar()) {
    return Error(value, field, absl::StrCat("expected a string, got ", Shown(value)));
  }
  return value.Scalar();
}

absl::StatusOr<int64_t> YamlFields::Int(const YAML::Node& value, const std::string& field) const {
  try {
    if (value.IsScalar()) return value.as<int64_t>();
  } catch (const YAML::Exception&) {
  }
  return Error(value, field,
               absl::StrCat("expected an integer, got ", Shown(value), "; write a whole number"));
}

absl::StatusOr<double> YamlFields::Double(const YAML::Node& value, const std::string& field) const {
  try {
    if (value.IsScalar()) {
      const double d = value.as<double>();
      if (std::isfinite(d)) return d;
    }
  } catch (const YAML::Exception&) {
  }
  return Error(value, field,
               absl::StrCat("expected a number, got ", Shown(value), "; write e.g. 0.5 or 1e9"));
}

absl::StatusOr<bool> YamlFields::Bool(const YAML::Node& value, const std::string& field) const {
  try {
    if (value.IsScalar()) return value.as<bool>();
  } catch (const YAML::Exception&) {
  }
  return Error(value, field, absl::StrCat("expected true or false, got ", Shown(value)));
}

absl::StatusOr<std::vector<std::string>> YamlFields::StringList(const YAML::Node& value,
                                                                const std::string& field) const {
  std::vector<std::string> out;
  if (IsFunction(value)) return FunctionError(value, field);
  if (value.IsScalar()) {
    out.push_back(value.Scalar());
    return out;
  }
  if (!value.IsSequence()) {
    return Error(value, field, absl::StrCat("expected a list of strings, got ", Shown(value)));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const YAML::Node item = value[i];
    if (IsFunction(item)) return FunctionError(item, absl::StrCat(field, "[", i, "]"));
    if (!item.IsScalar()) {
      return Error(item, absl::StrCat(field, "[", i, "]"),
                   absl::StrCat("expected a string, got ", Shown(item)));
    }
    out.push_back(item.Scalar());
  }
  return out;
}

}  // namespace jb::tasks
