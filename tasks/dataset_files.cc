#include "tasks/dataset_files.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace jb::tasks {
namespace {

using nlohmann::json;

absl::Status Invalid(const std::string& file, int line, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", what));
}

// nlohmann's message without its "[json.exception.parse_error.101] " prefix.
std::string JsonMessage(const json::exception& e) {
  std::string what = e.what();
  if (const size_t bracket = what.find("] "); bracket != std::string::npos) {
    what = what.substr(bracket + 2);
  }
  return what;
}

int LineAt(const std::string& text, size_t offset) {
  return 1 + static_cast<int>(
                 std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

absl::Status NotAnObject(const std::string& file, int line, const json& doc) {
  return Invalid(file, line,
                 absl::StrCat("expected a JSON object, got ", doc.type_name(),
                              "; each record must be an object such as {\"text\": \"...\", "
                              "\"label\": 1}"));
}

absl::StatusOr<std::vector<DataRecord>> ParseJsonLines(const std::string& file,
                                                       const std::string& text) {
  std::vector<DataRecord> out;
  size_t start = 0;
  for (int line_no = 1; start < text.size() || start == 0; ++line_no) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!absl::StripAsciiWhitespace(line).empty()) {
      json doc;
      try {
        doc = json::parse(line);
      } catch (const json::exception& e) {
        return Invalid(file, line_no,
                       absl::StrCat("not valid JSON (", JsonMessage(e),
                                    "); write one JSON object per line, or one JSON array"));
      }
      if (!doc.is_object()) return NotAnObject(file, line_no, doc);
      out.push_back({std::move(doc), std::move(line), line_no});
    }
    if (end >= text.size()) break;
  }
  return out;
}

// A top-level array: each element is found by scanning (strings and nesting tracked), so its
// line is known, and parsed alone.
absl::StatusOr<std::vector<DataRecord>> ParseJsonArray(const std::string& file,
                                                       const std::string& text) {
  try {
    (void)json::parse(text);
  } catch (const json::parse_error& e) {
    return Invalid(file, LineAt(text, e.byte == 0 ? 0 : e.byte - 1),
                   absl::StrCat("not valid JSON (", JsonMessage(e), ")"));
  }
  std::vector<DataRecord> out;
  int depth = 0;
  bool in_string = false;
  size_t element_start = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    const bool space = absl::ascii_isspace(static_cast<unsigned char>(c));
    if (depth == 1 && element_start == std::string::npos && !space && c != ',' && c != ']') {
      element_start = i;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
    if (element_start != std::string::npos &&
        ((depth == 1 && c == ',') || (depth == 0 && c == ']'))) {
      std::string element = text.substr(element_start, i - element_start);
      const int line = LineAt(text, element_start);
      json doc = json::parse(element);
      if (!doc.is_object()) return NotAnObject(file, line, doc);
      out.push_back({doc, doc.dump(), line});
      element_start = std::string::npos;
    }
  }
  return out;
}

// ---- CSV ----

struct CsvRow {
  std::vector<std::string> cells;
  int line = 0;
};

absl::StatusOr<std::vector<CsvRow>> SplitCsv(const std::string& file, const std::string& text) {
  std::vector<CsvRow> rows;
  size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  int line = 1;
  while (i < text.size()) {
    CsvRow row;
    row.line = line;
    std::string cell;
    bool row_done = false;
    while (!row_done) {
      if (i < text.size() && text[i] == '"') {
        const int quote_line = line;
        ++i;
        while (true) {
          if (i >= text.size()) {
            return Invalid(file, quote_line, "a quoted cell is never closed; add the closing '\"'");
          }
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              cell += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          cell += text[i++];
        }
      }
      // Unquoted text, or what follows a closing quote, up to the separator.
      while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        cell += text[i++];
      }
      row.cells.push_back(std::move(cell));
      cell.clear();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '\r') ++i;
      if (i < text.size() && text[i] == '\n') ++i;
      ++line;
      row_done = true;
    }
    const bool blank = row.cells.size() == 1 && row.cells[0].empty();
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

const std::set<std::string>& NaStrings() {
  // pandas' STR_NA_VALUES (pandas/_libs/parsers.pyx, pandas 2.x).
  static const auto* na =
      new std::set<std::string>{"",     "#N/A",   "#N/A N/A", "#NA",  "-1.#IND", "-1.#QNAN", "-NaN",
                                "-nan", "1.#IND", "1.#QNAN",  "<NA>", "N/A",     "NA",       "NULL",
                                "NaN",  "None",   "n/a",      "nan",  "null"};
  return *na;
}

enum class ColumnType { kNull, kInt, kFloat, kBool, kString };

ColumnType CellType(const std::string& cell) {
  static const RE2 kInt("[+-]?[0-9]+");
  static const RE2 kFloat("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  if (NaStrings().count(cell)) return ColumnType::kNull;
  int64_t unused;
  if (RE2::FullMatch(cell, kInt)) {
    return absl::SimpleAtoi(cell, &unused) ? ColumnType::kInt : ColumnType::kString;
  }
  if (RE2::FullMatch(cell, kFloat)) return ColumnType::kFloat;
  if (cell == "True" || cell == "TRUE" || cell == "true" || cell == "False" || cell == "FALSE" ||
      cell == "false") {
    return ColumnType::kBool;
  }
  return ColumnType::kString;
}

ColumnType Combine(ColumnType column, ColumnType cell) {
  if (cell == ColumnType::kNull) return column;
  if (column == ColumnType::kNull || column == cell) return cell;
  const bool numbers = (column == ColumnType::kInt || column == ColumnType::kFloat) &&
                       (cell == ColumnType::kInt || cell == ColumnType::kFloat);
  return numbers ? ColumnType::kFloat : ColumnType::kString;
}

json CellValue(ColumnType type, const std::string& cell) {
  if (NaStrings().count(cell)) return nullptr;
  switch (type) {
    case ColumnType::kInt: {
      int64_t v = 0;
      (void)absl::SimpleAtoi(cell, &v);
      return v;
    }
    case ColumnType::kFloat: {
      double v = 0;
      (void)absl::SimpleAtod(cell, &v);
      return v;
    }
    case ColumnType::kBool:
      return cell[0] == 'T' || cell[0] == 't';
    default:
      return cell;
  }
}

absl::StatusOr<std::vector<DataRecord>> ParseCsv(const std::string& file, const std::string& text) {
  absl::StatusOr<std::vector<CsvRow>> rows = SplitCsv(file, text);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::vector<DataRecord>{};
  const std::vector<std::string>& header = (*rows)[0].cells;
  std::set<std::string> names;
  for (const std::string& name : header) {
    if (name.empty() || !names.insert(name).second) {
      return Invalid(file, (*rows)[0].line,
                     absl::StrCat("column name '", name,
                                  "' is empty or repeated; give every column its own name"));
    }
  }
  std::vector<ColumnType> types(header.size(), ColumnType::kNull);
  std::vector<bool> has_null(header.size(), false);
  for (size_t r = 1; r < rows->size(); ++r) {
    CsvRow& row = (*rows)[r];
    if (row.cells.size() > header.size()) {
      return Invalid(file, row.line,
                     absl::StrCat("expected ", header.size(), " cells as in the header, saw ",
                                  row.cells.size(), "; quote cells that contain commas"));
    }
    row.cells.resize(header.size());
    for (size_t c = 0; c < header.size(); ++c) {
      const ColumnType cell = CellType(row.cells[c]);
      if (cell == ColumnType::kNull) has_null[c] = true;
      types[c] = Combine(types[c], cell);
    }
  }
  for (size_t c = 0; c < header.size(); ++c) {
    if (types[c] == ColumnType::kInt && has_null[c]) types[c] = ColumnType::kFloat;
  }
  std::vector<DataRecord> out;
  for (size_t r = 1; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    json doc = json::object();
    for (size_t c = 0; c < header.size(); ++c) doc[header[c]] = CellValue(types[c], row.cells[c]);
    std::string dumped = doc.dump();
    out.push_back({std::move(doc), std::move(dumped), row.line});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<DataRecord>> ParseDataFile(DataFormat format, const std::string& file,
                                                      const std::string& text) {
  if (format == DataFormat::kCsv) return ParseCsv(file, text);
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') return ParseJsonArray(file, text);
  return ParseJsonLines(file, text);
}

}  // namespace jb::tasks
