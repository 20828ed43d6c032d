#include "tasks/jinja.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"

namespace jb::tasks {
namespace {

using nlohmann::json;

absl::Status Invalid(const std::string& what) { return absl::InvalidArgumentError(what); }

// What Python's str.strip() and str.split() treat as whitespace, ASCII part.
constexpr char kPythonWhitespace[] = " \t\n\r\v\f\x1c\x1d\x1e\x1f";

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

// Python's repr() of a str: single quotes unless the text holds a single quote and no double.
std::string PythonRepr(const std::string& s) {
  const char quote =
      (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

std::string PythonReprValue(const json& v) {
  return v.is_string() ? PythonRepr(v.get<std::string>()) : PythonStr(v);
}

// Parses and evaluates one {{ ... }} expression starting just after "{{" (and its '-').
class ExpressionParser {
 public:
  ExpressionParser(const std::string& text, size_t pos, const json& doc)
      : text_(text), pos_(pos), doc_(doc) {}

  // The expression's value; afterwards end() is just past "}}".
  absl::StatusOr<json> Parse() {
    JB_ASSIGN_OR_RETURN(json value, ParsePrimary());
    SkipSpace();
    while (Peek() == '|') {
      ++pos_;
      SkipSpace();
      const std::string name = ReadIdentifier();
      if (name.empty()) return Invalid("expected a filter name after '|'");
      JB_ASSIGN_OR_RETURN(value, ApplyFilter(name, value));
      SkipSpace();
    }
    if (text_.compare(pos_, 3, "-}}") == 0) {
      trim_right_ = true;
      pos_ += 3;
      return value;
    }
    if (text_.compare(pos_, 2, "}}") == 0) {
      pos_ += 2;
      return value;
    }
    if (pos_ >= text_.size()) return Invalid("unterminated '{{'; close it with '}}'");
    return Invalid(absl::StrCat("unexpected '", std::string(1, text_[pos_]),
                                "' in expression; supported: field, a.b, f[i], literals, "
                                "methods such as .index(x) and the filters |trim, |lower, "
                                "|upper"));
  }

  size_t end() const { return pos_; }
  bool trim_right() const { return trim_right_; }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }

  std::string ReadIdentifier() {
    const size_t start = pos_;
    if (pos_ < text_.size() && IsIdentStart(text_[pos_])) {
      while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  absl::StatusOr<json> ReadString() {
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        c = text_[pos_++];
        if (c == 'n') c = '\n';
        if (c == 't') c = '\t';
      }
      out += c;
    }
    if (pos_ >= text_.size()) return Invalid("unterminated string literal in '{{ }}'");
    ++pos_;
    return json(out);
  }

  absl::StatusOr<json> ReadInteger() {
    const size_t start = pos_;
    if (Peek() == '-') ++pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    const std::string digits = text_.substr(start, pos_ - start);
    try {
      return json(std::stoll(digits));
    } catch (const std::exception&) {
      return Invalid(absl::StrCat("integer literal '", digits, "' is out of range"));
    }
  }

  // literal | [list literal] | field, then any number of .key .0 [index] .method(args).
  absl::StatusOr<json> ParsePrimary() {
    SkipSpace();
    const char c = Peek();
    json value;
    std::string shown;
    if (c == '\'' || c == '"') {
      JB_ASSIGN_OR_RETURN(value, ReadString());
      shown = PythonReprValue(value);
    } else if (IsDigit(c) || (c == '-' && pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1]))) {
      JB_ASSIGN_OR_RETURN(value, ReadInteger());
      shown = value.dump();
    } else if (c == '[') {
      JB_ASSIGN_OR_RETURN(value, ReadList());
      shown = PythonStr(value);
    } else if (IsIdentStart(c)) {
      shown = ReadIdentifier();
      JB_ASSIGN_OR_RETURN(value, Member(doc_, "", shown));
    } else if (c == '\0') {
      return Invalid("unterminated '{{'; close it with '}}'");
    } else {
      return Invalid(absl::StrCat("expected a field name or a literal after '{{', got '",
                                  std::string(1, c), "'"));
    }
    return ParsePostfix(std::move(value), std::move(shown));
  }

  // [a, 'b', 3] (a trailing comma allowed, as in Python).
  absl::StatusOr<json> ReadList() {
    ++pos_;
    json list = json::array();
    SkipSpace();
    while (Peek() != ']') {
      JB_ASSIGN_OR_RETURN(json item, ParsePrimary());
      list.push_back(std::move(item));
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        SkipSpace();
      } else if (Peek() != ']') {
        return Invalid("expected ',' or ']' in a list literal");
      }
    }
    ++pos_;
    return list;
  }

  // Arguments of a method call, after its '('.
  absl::StatusOr<std::vector<json>> ReadArguments() {
    ++pos_;
    std::vector<json> args;
    SkipSpace();
    while (Peek() != ')') {
      JB_ASSIGN_OR_RETURN(json arg, ParsePrimary());
      args.push_back(std::move(arg));
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        SkipSpace();
      } else if (Peek() != ')') {
        return Invalid("expected ',' or ')' in a method call");
      }
    }
    ++pos_;
    return args;
  }

  absl::StatusOr<json> ParsePostfix(json cur, std::string shown) {
    while (true) {
      if (Peek() == '.') {
        ++pos_;
        if (IsDigit(Peek())) {
          JB_ASSIGN_OR_RETURN(json index, ReadInteger());
          JB_ASSIGN_OR_RETURN(cur, Index(cur, shown, index));
          shown = absl::StrCat(shown, ".", index.dump());
          continue;
        }
        const std::string key = ReadIdentifier();
        if (key.empty()) return Invalid(absl::StrCat("expected a field name after '", shown, ".'"));
        if (Peek() == '(') {
          JB_ASSIGN_OR_RETURN(std::vector<json> args, ReadArguments());
          JB_ASSIGN_OR_RETURN(cur, CallMethod(cur, shown, key, args));
          shown = absl::StrCat(shown, ".", key, "()");
        } else {
          JB_ASSIGN_OR_RETURN(cur, Member(cur, shown, key));
          shown = absl::StrCat(shown, ".", key);
        }
      } else if (Peek() == '[') {
        ++pos_;
        JB_ASSIGN_OR_RETURN(json index, ParsePrimary());
        SkipSpace();
        if (Peek() != ']') return Invalid(absl::StrCat("expected ']' after '", shown, "['"));
        ++pos_;
        JB_ASSIGN_OR_RETURN(cur, Index(cur, shown, index));
        shown = absl::StrCat(shown, "[", PythonReprValue(index), "]");
      } else {
        return cur;
      }
    }
  }

  static absl::StatusOr<json> Member(const json& cur, const std::string& shown,
                                     const std::string& key) {
    const std::string full = shown.empty() ? key : absl::StrCat(shown, ".", key);
    if (cur.is_object()) {
      auto it = cur.find(key);
      if (it == cur.end()) {
        return Invalid(absl::StrCat("field '", full, "' not found in the document"));
      }
      return *it;
    }
    return Invalid(absl::StrCat("field '", full, "' not found: '", shown, "' is not an object"));
  }

  static absl::StatusOr<json> Index(const json& cur, const std::string& shown, const json& index) {
    if (index.is_string()) return Member(cur, shown, index.get<std::string>());
    if (!index.is_number_integer()) {
      return Invalid(absl::StrCat("index into '", shown, "' must be an integer or a string"));
    }
    if (!cur.is_array()) {
      return Invalid(absl::StrCat("cannot index '", shown, "': it is not a list"));
    }
    int64_t i = index.get<int64_t>();
    const int64_t size = static_cast<int64_t>(cur.size());
    if (i < 0) i += size;
    if (i < 0 || i >= size) {
      return Invalid(absl::StrCat("index ", index.get<int64_t>(), " is out of range for '", shown,
                                  "' (", size, " items)"));
    }
    return cur[static_cast<size_t>(i)];
  }

  // The Python methods lm-eval's templates call (ARC: choices.label.index(answerKey)).
  static absl::StatusOr<json> CallMethod(const json& cur, const std::string& shown,
                                         const std::string& name, const std::vector<json>& args) {
    auto arity = [&](size_t lo, size_t hi) -> absl::Status {
      if (args.size() < lo || args.size() > hi) {
        return Invalid(absl::StrCat("'", shown, ".", name, "()' takes ", lo == hi ? "" : "up to ",
                                    hi, " argument", hi == 1 ? "" : "s", ", got ", args.size()));
      }
      return absl::OkStatus();
    };
    auto string_arg = [&](size_t i) -> absl::StatusOr<std::string> {
      if (!args[i].is_string()) {
        return Invalid(absl::StrCat("'", shown, ".", name, "()' needs a string argument"));
      }
      return args[i].get<std::string>();
    };
    if (name == "index" && cur.is_array()) {
      JB_RETURN_IF_ERROR(arity(1, 1));
      for (size_t i = 0; i < cur.size(); ++i) {
        if (cur[i] == args[0]) return json(static_cast<int64_t>(i));
      }
      return Invalid(absl::StrCat(PythonReprValue(args[0]), " is not in '", shown, "' (",
                                  PythonStr(cur), ")"));
    }
    if (!cur.is_string()) {
      return Invalid(absl::StrCat("'", shown, "' has no method '", name,
                                  "()'; supported: list.index(x), and on strings strip, lstrip, "
                                  "rstrip, lower, upper, split, replace"));
    }
    const std::string s = cur.get<std::string>();
    if (name == "strip" || name == "lstrip" || name == "rstrip") {
      JB_RETURN_IF_ERROR(arity(0, 1));
      std::string chars = kPythonWhitespace;
      if (!args.empty() && !args[0].is_null()) {
        JB_ASSIGN_OR_RETURN(chars, string_arg(0));
      }
      size_t begin = 0;
      size_t end = s.size();
      if (name != "rstrip") begin = std::min(s.find_first_not_of(chars), s.size());
      if (name != "lstrip") {
        const size_t last = s.find_last_not_of(chars);
        end = last == std::string::npos ? begin : std::max(begin, last + 1);
      }
      return json(s.substr(begin, end - begin));
    }
    if (name == "lower" || name == "upper") {
      JB_RETURN_IF_ERROR(arity(0, 0));
      return json(name == "lower" ? absl::AsciiStrToLower(s) : absl::AsciiStrToUpper(s));
    }
    if (name == "split") {
      JB_RETURN_IF_ERROR(arity(0, 1));
      json parts = json::array();
      if (args.empty() || args[0].is_null()) {
        for (absl::string_view part :
             absl::StrSplit(s, absl::ByAnyChar(kPythonWhitespace), absl::SkipEmpty())) {
          parts.push_back(std::string(part));
        }
        return parts;
      }
      JB_ASSIGN_OR_RETURN(const std::string sep, string_arg(0));
      if (sep.empty()) return Invalid("split(): empty separator");
      for (absl::string_view part : absl::StrSplit(s, sep)) parts.push_back(std::string(part));
      return parts;
    }
    if (name == "replace") {
      JB_RETURN_IF_ERROR(arity(2, 2));
      JB_ASSIGN_OR_RETURN(const std::string from, string_arg(0));
      JB_ASSIGN_OR_RETURN(const std::string to, string_arg(1));
      if (from.empty()) return Invalid("replace(): empty search string is not supported");
      return json(absl::StrReplaceAll(s, {{from, to}}));
    }
    return Invalid(absl::StrCat("unsupported method '", name,
                                "()'; supported: list.index(x), and on strings strip, lstrip, "
                                "rstrip, lower, upper, split, replace"));
  }

  static absl::StatusOr<json> ApplyFilter(const std::string& name, const json& value) {
    std::string s = PythonStr(value);
    if (name == "trim") return json(std::string(absl::StripAsciiWhitespace(s)));
    if (name == "lower") return json(absl::AsciiStrToLower(s));
    if (name == "upper") return json(absl::AsciiStrToUpper(s));
    return Invalid(absl::StrCat("unsupported filter '|", name, "'; supported: trim, lower, upper"));
  }

  const std::string& text_;
  size_t pos_;
  const json& doc_;
  bool trim_right_ = false;
};

// Jinja2 (lm-eval's Environment) turns \r\n and \r into \n and drops one trailing newline of
// the template (keep_trailing_newline=False).
std::string NormaliseNewlines(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      out += '\n';
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else {
      out += in[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

std::string PythonStr(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return value.get<std::string>();
    case json::value_t::null:
      return "None";
    case json::value_t::boolean:
      return value.get<bool>() ? "True" : "False";
    case json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < value.size(); ++i) {
        if (i) out += ", ";
        out += PythonReprValue(value[i]);
      }
      return out + "]";
    }
    case json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        out += absl::StrCat(PythonRepr(it.key()), ": ", PythonReprValue(it.value()));
      }
      return out + "}";
    }
    default:
      return value.dump();
  }
}

absl::StatusOr<json> EvaluateTemplate(const std::string& template_text, const json& doc) {
  const std::string t = NormaliseNewlines(template_text);
  std::string out;
  size_t pos = 0;
  bool lstrip_next = false;
  bool has_literal = false;
  int expressions = 0;
  json last_value;
  while (true) {
    size_t open = pos;
    while ((open = t.find('{', open)) != std::string::npos && open + 1 < t.size() &&
           t[open + 1] != '{' && t[open + 1] != '%' && t[open + 1] != '#') {
      ++open;
    }
    if (open != std::string::npos && open + 1 >= t.size()) open = std::string::npos;
    std::string literal = t.substr(pos, open == std::string::npos ? std::string::npos : open - pos);
    if (lstrip_next) {
      literal = std::string(absl::StripLeadingAsciiWhitespace(literal));
      lstrip_next = false;
    }
    const bool lstrip_tag = open != std::string::npos && t.compare(open, 3, "{{-") == 0;
    if (lstrip_tag) literal = std::string(absl::StripTrailingAsciiWhitespace(literal));
    if (!literal.empty()) has_literal = true;
    out += literal;
    if (open == std::string::npos) break;
    if (t[open + 1] != '{') {
      return Invalid(
          "Jinja statements ({% %}) and comments ({# #}) are not supported; templates may "
          "only use {{ expressions }}");
    }
    ExpressionParser parser(t, open + (lstrip_tag ? 3 : 2), doc);
    JB_ASSIGN_OR_RETURN(json value, parser.Parse());
    out += PythonStr(value);
    last_value = std::move(value);
    ++expressions;
    pos = parser.end();
    lstrip_next = parser.trim_right();
  }
  if (expressions == 1 && !has_literal) return last_value;
  return json(out);
}

absl::StatusOr<std::string> RenderTemplateText(const std::string& template_text, const json& doc) {
  JB_ASSIGN_OR_RETURN(json value, EvaluateTemplate(template_text, doc));
  return PythonStr(value);
}

}  // namespace jb::tasks
