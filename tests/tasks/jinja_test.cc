#include "tasks/jinja.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using nlohmann::json;

const json kDoc = json::parse(R"({
  "question": "What is 2 + 2?",
  "meta": {"source": "hand-written", "tags": ["easy", "math"]},
  "choices": ["red", "green", "blue"],
  "label": 2,
  "score": 2.5,
  "flag": true,
  "none": null,
  "padded": "  Mixed Case  "
})");

std::string Render(const std::string& t) {
  absl::StatusOr<std::string> out = RenderTemplateText(t, kDoc);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

TEST(JinjaTest, RendersFieldsNestedFieldsAndIndexes) {
  EXPECT_EQ(Render("Q: {{question}}\nA:"), "Q: What is 2 + 2?\nA:");
  EXPECT_EQ(Render("{{ meta.source }}"), "hand-written");
  EXPECT_EQ(Render("{{meta.tags[1]}}|{{meta.tags.0}}"), "math|easy");
  EXPECT_EQ(Render("{{choices[-1]}}"), "blue");
  EXPECT_EQ(Render("{{choices[label]}}"), "blue");
  EXPECT_EQ(Render("{{meta['source']}}"), "hand-written");
}

TEST(JinjaTest, PrintsValuesAsPythonStrDoes) {
  EXPECT_EQ(Render("{{label}} {{score}} {{flag}} {{none}}"), "2 2.5 True None");
  EXPECT_EQ(Render("{{choices}}"), "['red', 'green', 'blue']");
  EXPECT_EQ(PythonStr(json::parse(R"(["it's", "a\nb"])")), "[\"it's\", 'a\\nb']");
}

TEST(JinjaTest, LiteralsAndFiltersChainLeftToRight) {
  EXPECT_EQ(Render("{{ 'x' }}{{\"y\"}}{{ 7 }}"), "xy7");
  EXPECT_EQ(Render("[{{padded|trim}}]"), "[Mixed Case]");
  EXPECT_EQ(Render("{{ padded | trim | lower }}"), "mixed case");
  EXPECT_EQ(Render("{{question|upper}}"), "WHAT IS 2 + 2?");
}

TEST(JinjaTest, WhitespaceMarkersAndTheTrailingNewlineFollowJinja2Defaults) {
  EXPECT_EQ(Render("a  \n {{- label -}}  \n b"), "a2b");
  // Jinja2's keep_trailing_newline=False drops exactly one final newline.
  EXPECT_EQ(Render("Solve these.\n\n"), "Solve these.\n");
  EXPECT_EQ(Render("x\r\ny\r\n"), "x\ny");
}

TEST(JinjaTest, SingleExpressionKeepsItsValue) {
  absl::StatusOr<json> list = EvaluateTemplate("{{choices}}", kDoc);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, json({"red", "green", "blue"}));
  absl::StatusOr<json> number = EvaluateTemplate("{{label}}", kDoc);
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(*number, json(2));
  absl::StatusOr<json> text = EvaluateTemplate(" {{label}}", kDoc);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, json(" 2"));
}

TEST(JinjaTest, ErrorsNameTheProblem) {
  EXPECT_THAT(EvaluateTemplate("{{answer}}", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "field 'answer' not found"));
  EXPECT_THAT(EvaluateTemplate("{{meta.author}}", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "field 'meta.author' not found"));
  EXPECT_THAT(EvaluateTemplate("{{choices[3]}}", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "index 3 is out of range"));
  EXPECT_THAT(EvaluateTemplate("{{question", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "unterminated '{{'"));
  EXPECT_THAT(EvaluateTemplate("{% if flag %}x{% endif %}", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "statements"));
  EXPECT_THAT(EvaluateTemplate("{{question|title}}", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "unsupported filter '|title'"));
  EXPECT_THAT(EvaluateTemplate("{{question + 1}}", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "unexpected '+'"));
}

TEST(JinjaTest, ListLiteralsAndTheIndexMethodOfLmEvalTemplates) {
  // anli_r1.yaml: {{['True', 'Neither', 'False'][label]}}
  EXPECT_EQ(Render("{{['True', 'Neither', 'False'][label]}}"), "False");
  EXPECT_EQ(Render("{{ [1, 'a', ] }}"), "[1, 'a']");
  // arc_easy.yaml: {{choices.label.index(answerKey)}} keeps the int, so it can index choices.
  const json arc = json::parse(
      R"({"answerKey": "C", "choices": {"label": ["A", "B", "C"], "text": ["x", "y", "z"]}})");
  absl::StatusOr<json> index = EvaluateTemplate("{{choices.label.index(answerKey)}}", arc);
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(*index, json(2));
  EXPECT_THAT(EvaluateTemplate("{{choices.label.index('E')}}", arc),
              StatusIs(absl::StatusCode::kInvalidArgument, "'E' is not in 'choices.label'"));
  EXPECT_EQ(Render("{{choices.index('blue')}}"), "2");
}

TEST(JinjaTest, PythonStringMethodsChain) {
  EXPECT_EQ(Render("[{{padded.strip()}}|{{padded.lstrip()}}|{{padded.rstrip()}}]"),
            "[Mixed Case|Mixed Case  |  Mixed Case]");
  EXPECT_EQ(Render("{{ question.rstrip('?').lower() }}"), "what is 2 + 2");
  // gsm8k's commented-out target: {{answer.split('### ')[-1].rstrip()}}
  const json gsm = json::parse(R"({"answer": "3 + 4 = 7\n#### 7 \n"})");
  absl::StatusOr<std::string> answer =
      RenderTemplateText("{{answer.split('#### ')[-1].rstrip()}}", gsm);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, "7");
  EXPECT_EQ(Render("{{ question.split() }}"), "['What', 'is', '2', '+', '2?']");
  EXPECT_EQ(Render("{{ question.replace('2', 'two').upper() }}"), "WHAT IS TWO + TWO?");
  EXPECT_THAT(EvaluateTemplate("{{ question.title() }}", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "unsupported method 'title()'"));
  EXPECT_THAT(EvaluateTemplate("{{ label.strip() }}", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "'label' has no method 'strip()'"));
  EXPECT_THAT(EvaluateTemplate("{{ question.strip(1, 2) }}", kDoc),
              StatusIs(absl::StatusCode::kInvalidArgument, "takes up to 1 argument"));
}

TEST(JinjaTest, TextWithoutBracesIsCopiedVerbatim) {
  EXPECT_EQ(Render("a { b } c {"), "a { b } c {");
}

}  // namespace
}  // namespace jb::tasks
