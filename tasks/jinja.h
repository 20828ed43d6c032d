// The Jinja subset that lm-eval task templates use, evaluated against one JSON document.
//
// Supported inside {{ ... }}:
//   field             a key of the document                    {{question}}
//   a.b  a.0          a key of a nested object, an index        {{meta.source}}
//   f[i]  f["k"]      an index (negative counts from the end),  {{choices[0]}}, {{choices[-1]}}
//   f[g]              a key, or an index read from another field {{choices[label]}}
//   'text' "text" 42  literals
//   [a, 'b', 3]       a list literal, which may be indexed    {{['True', 'False'][label]}}
//   x.index(v)        a list's first position of v (Python's list.index; an error when absent)
//                                                             {{choices.label.index(answerKey)}}
//   s.strip() .lstrip() .rstrip()  with an optional string of characters to strip
//   s.lower() .upper()  s.split()  s.split(sep)  s.replace(old, new)
//                     Python's str methods (whitespace and case are ASCII-only here)
//   |trim |lower |upper   filters, chained left to right
// Methods and indexes chain: {{answer.split('#### ')[-1].strip()}}. Arguments are literals or
// expressions of the same grammar.
// and the whitespace markers {{- and -}}. Outside the braces text is copied verbatim. Statements
// ({% %}) and comments ({# #}) are rejected: suites must stay data, not programs.
//
// Values print as Python's str() does, because that is what Jinja2 in lm-eval prints:
// 3 -> "3", 2.5 -> "2.5", true -> "True", null -> "None", ["a", "b"] -> "['a', 'b']".
// Like lm-eval (StrictUndefined), a missing field is an error, never an empty string.
// Like Jinja2's defaults, \r\n and \r become \n and ONE trailing newline of the template is
// dropped: a description "Solve these.\n\n" renders as "Solve these.\n".
// Case mapping (lower, upper) is ASCII-only; other characters pass unchanged.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace jb::tasks {

// Evaluates `template_text` against `doc`. When the template is exactly one expression
// ("{{choices}}", nothing around it) the result is the expression's value, so a list stays a
// list and a number a number; otherwise it is the rendered text as a JSON string.
// InvalidArgument naming the problem ("field 'answer' not found in the document", "unterminated
// '{{'", "unsupported filter '|title'") when the template is malformed or does not fit `doc`.
absl::StatusOr<nlohmann::json> EvaluateTemplate(const std::string& template_text,
                                                const nlohmann::json& doc);

// EvaluateTemplate, then printed with PythonStr.
absl::StatusOr<std::string> RenderTemplateText(const std::string& template_text,
                                               const nlohmann::json& doc);

// A JSON value printed as Python's str() would print the equivalent Python value.
std::string PythonStr(const nlohmann::json& value);

}  // namespace jb::tasks
