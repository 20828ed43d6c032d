#include "tasks/dataset_files.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using nlohmann::json;

TEST(DatasetFilesTest, JsonLinesKeepTheLineAsWrittenAndSkipBlankLines) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<DataRecord> records,
      ParseDataFile(DataFormat::kJson, "d.jsonl", "{\"a\": 1}\r\n\n  \n{\"b\": [1, 2.5]}"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].doc_json, "{\"a\": 1}");
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].doc, json::parse(R"({"b": [1, 2.5]})"));
  EXPECT_EQ(records[1].line, 4);
}

TEST(DatasetFilesTest, AJsonArrayOfObjectsGivesOneRecordPerElementWithItsLine) {
  const std::string text =
      "[\n  {\"q\": \"a, [b]\", \"n\": {\"x\": 1}},\n  {\"q\": \"}\\\"\"}\n]\n";
  ASSERT_OK_AND_ASSIGN(std::vector<DataRecord> records,
                       ParseDataFile(DataFormat::kJson, "d.json", text));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].doc["q"], "a, [b]");
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[1].doc["q"], "}\"");
  EXPECT_EQ(records[1].line, 3);
  EXPECT_EQ(records[1].doc_json, records[1].doc.dump());
}

TEST(DatasetFilesTest, JsonErrorsNameFileAndLine) {
  EXPECT_THAT(ParseDataFile(DataFormat::kJson, "d.jsonl", "{\"a\": 1}\n{\"a\": }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "d.jsonl:2: not valid JSON"));
  EXPECT_THAT(ParseDataFile(DataFormat::kJson, "d.jsonl", "{\"a\": 1}\n[1]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "d.jsonl:2: expected a JSON object"));
  EXPECT_THAT(ParseDataFile(DataFormat::kJson, "d.json", "[\n{\"a\": 1},\n 3\n]"),
              StatusIs(absl::StatusCode::kInvalidArgument, "d.json:3: expected a JSON object"));
  EXPECT_THAT(ParseDataFile(DataFormat::kJson, "d.json", "[\n{\"a\": 1},\n{\"a\" 2}\n]"),
              StatusIs(absl::StatusCode::kInvalidArgument, "d.json:3: not valid JSON"));
}

TEST(DatasetFilesTest, CsvInfersColumnTypesAsPandasDoes) {
  const std::string text =
      "\xEF\xBB\xBFid,score,maybe,flag,text,empty,big\r\n"
      "1,0.5,3,True,\"Hello, \"\"world\"\"\",,12345678901234567890\r\n"
      "2,7,,false,\"two\nlines\",NA,1\r\n"
      "\n"
      "-3,1e3,4,TRUE,None,,2\r\n";
  ASSERT_OK_AND_ASSIGN(std::vector<DataRecord> records,
                       ParseDataFile(DataFormat::kCsv, "d.csv", text));
  ASSERT_EQ(records.size(), 3u);
  const json& r0 = records[0].doc;
  EXPECT_TRUE(r0["id"].is_number_integer());
  EXPECT_EQ(r0["id"], 1);
  EXPECT_TRUE(r0["score"].is_number_float());  // 0.5, 7 and 1e3: a float column
  EXPECT_EQ(records[1].doc["score"].get<double>(), 7.0);
  // An integer column with a missing cell is float, as pandas has no integer NaN.
  EXPECT_TRUE(r0["maybe"].is_number_float());
  EXPECT_EQ(r0["maybe"].get<double>(), 3.0);
  EXPECT_TRUE(records[1].doc["maybe"].is_null());
  EXPECT_EQ(r0["flag"], true);
  EXPECT_EQ(records[1].doc["flag"], false);
  EXPECT_EQ(r0["text"], "Hello, \"world\"");
  EXPECT_EQ(records[1].doc["text"], "two\nlines");
  EXPECT_TRUE(records[2].doc["text"].is_null());  // "None" is one of pandas' NA strings
  EXPECT_TRUE(r0["empty"].is_null());
  EXPECT_TRUE(records[1].doc["empty"].is_null());
  EXPECT_EQ(r0["big"], "12345678901234567890");  // beyond int64: the column stays text
  EXPECT_EQ(records[2].doc["big"], "2");
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[1].line, 3);
  EXPECT_EQ(records[2].line, 6);
}

TEST(DatasetFilesTest, CsvShortRowsArePaddedAndErrorsNameTheLine) {
  ASSERT_OK_AND_ASSIGN(std::vector<DataRecord> records,
                       ParseDataFile(DataFormat::kCsv, "d.csv", "a,b\n1\nx,2\n"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].doc["b"].is_null());
  EXPECT_EQ(records[0].doc["a"], "1");  // the column holds "x" too, so it is text
  EXPECT_THAT(ParseDataFile(DataFormat::kCsv, "d.csv", "a,b\n1,2\n1,2,3\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "d.csv:3: expected 2 cells"));
  EXPECT_THAT(ParseDataFile(DataFormat::kCsv, "d.csv", "a,a\n1,2\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "d.csv:1: column name 'a'"));
  EXPECT_THAT(ParseDataFile(DataFormat::kCsv, "d.csv", "a\n\"open\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "d.csv:2: a quoted cell is never"));
}

}  // namespace
}  // namespace jb::tasks
