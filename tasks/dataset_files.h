// Reading a suite's local data files into documents, as Hugging Face datasets' "json" and "csv"
// builders would read them for lm-eval (`dataset_path: json|csv` with data_files).
//
// JSON (DataFormat::kJson): either JSON Lines, one object per line (blank lines skipped), or one
// top-level array of objects. Values are kept as written: unlike Hugging Face, which gives every
// row one Arrow schema, a column holding 1 in one row and 1.5 in another is not turned into
// 1.0 and 1.5, and a key missing from a row is not filled with null.
// doc_json is the line as written (JSON Lines) or the element re-serialised (array).
//
// CSV (DataFormat::kCsv): RFC 4180 (comma separator, double-quote quoting with "" for a quote,
// quoted fields may span lines, CRLF or LF, an optional UTF-8 byte order mark) with a header row
// naming the columns. Blank lines are skipped; a row with fewer cells than the header is padded
// with empty cells, one with more is an error. Cell types are inferred per column over the whole
// file, as pandas.read_csv (Hugging Face's csv builder) does in the common cases:
//   - a cell that is empty or one of pandas' default NA strings ("", "NA", "N/A", "n/a", "NULL",
//     "null", "NaN", "nan", "-NaN", "-nan", "None", "<NA>", "#N/A", "#N/A N/A", "#NA",
//     "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN") is null;
//   - a column whose other cells are all integers ([+-]digits, within int64) is integer, but
//     float when it also has a null (pandas has no integer NaN: 3 becomes 3.0);
//   - all numbers (integers or decimals such as 1.5, .5, 1e3) is float;
//   - all of True/TRUE/true/False/FALSE/false is boolean;
//   - anything else is string, every non-null cell kept as written (quoting does not matter).
// Limits: pandas' "inf"/"nan" float spellings, thousands separators, integers beyond int64 and
// surrounding spaces around numbers are read as strings here; Hugging Face reads large files in
// chunks of 10,000 rows and may infer per chunk, this reads per file.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace jb::tasks {

enum class DataFormat { kJson, kCsv };

struct DataRecord {
  nlohmann::json doc;    // a JSON object
  std::string doc_json;  // its text (see the top of this file)
  int line = 0;          // 1-based line where the record starts
};

// Parses `text`; `file` names it in errors. InvalidArgument "file:line: what; what to do" for
// malformed JSON, a record that is not an object, a CSV row with too many cells, a duplicate or
// empty column name.
absl::StatusOr<std::vector<DataRecord>> ParseDataFile(DataFormat format, const std::string& file,
                                                      const std::string& text);

}  // namespace jb::tasks
