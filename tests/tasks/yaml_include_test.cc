// `include` (tasks/yaml_include.h), tested through the task YAML parser that uses it.
#include "tasks/yaml_include.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/task_yaml.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;
using Files = std::map<std::string, std::string>;

constexpr char kBase[] = R"(task: base
doc_to_text: "Q: {{q}}"
doc_to_target: "{{a}}"
generation_kwargs: {until: ["Q:"], max_gen_toks: 32}
num_fewshot: 3
)";

absl::StatusOr<ParsedTaskYaml> Parse(const Files& files, const std::string& root = "task.yaml") {
  return ParseTaskYaml(MapSuiteSource(files, "s"), root);
}

TEST(YamlIncludeTest, IncludingKeysReplaceTheBaseKeysWhole) {
  ASSERT_OK_AND_ASSIGN(ParsedTaskYaml parsed, Parse({{"task.yaml",
                                                      "include: lm/base.yaml\ntask: mine\n"
                                                      "generation_kwargs: {max_gen_toks: 8}\n"},
                                                     {"lm/base.yaml", kBase}}));
  EXPECT_EQ(parsed.task.name(), "mine");
  EXPECT_EQ(parsed.task.doc_to_text(), "Q: {{q}}");
  EXPECT_EQ(parsed.task.num_fewshot(), 3u);
  // Shallow, as lm-eval's dict.update: the base's until is gone with its generation_kwargs.
  EXPECT_EQ(parsed.task.generation().max_tokens(), 8u);
  EXPECT_TRUE(parsed.task.generation().stop().empty());
  EXPECT_THAT(parsed.yaml_files, ElementsAre("task.yaml", "lm/base.yaml"));
}

TEST(YamlIncludeTest, NestedIncludesResolveBesideTheFileThatNamesThem) {
  ASSERT_OK_AND_ASSIGN(ParsedTaskYaml parsed,
                       Parse({{"task.yaml", "include: a/mid.yaml\nnum_fewshot: 0\n"},
                              {"a/mid.yaml", "include: ../b/base.yaml\ntask: mid\n"},
                              {"b/base.yaml", kBase}}));
  EXPECT_EQ(parsed.task.name(), "mid");
  EXPECT_EQ(parsed.task.num_fewshot(), 0u);
  EXPECT_THAT(parsed.yaml_files, ElementsAre("task.yaml", "a/mid.yaml", "b/base.yaml"));
  // Absolute includes work too.
  ASSERT_OK_AND_ASSIGN(
      parsed, Parse({{"task.yaml", "include: /lm/base.yaml\n"}, {"/lm/base.yaml", kBase}}));
  EXPECT_EQ(parsed.task.name(), "base");
}

TEST(YamlIncludeTest, CyclesDepthListsAndMissingFilesAreErrorsAtTheInclude) {
  EXPECT_THAT(Parse({{"task.yaml", "include: a.yaml\n"},
                     {"a.yaml", "task: x\ninclude: b.yaml\n"},
                     {"b.yaml", "include: a.yaml\n"}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "s/b.yaml:1: include: 'a.yaml' is s/a.yaml, which includes this file "
                       "again (a cycle)"));
  EXPECT_THAT(Parse({{"task.yaml", "include: task.yaml\n"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "s/task.yaml:1: include:"));
  Files deep = {{"task.yaml", "include: f1.yaml\n"}};
  for (int i = 1; i <= 9; ++i) {
    deep[absl::StrCat("f", i, ".yaml")] = absl::StrCat("include: f", i + 1, ".yaml\n");
  }
  deep["f10.yaml"] = kBase;
  EXPECT_THAT(Parse(deep), StatusIs(absl::StatusCode::kInvalidArgument,
                                    "s/f8.yaml:1: include: more than 8 nested includes"));
  deep["f8.yaml"] = kBase;  // 8 levels is the most
  EXPECT_OK(Parse(deep));
  EXPECT_THAT(
      Parse({{"task.yaml", "task: x\ninclude: [a.yaml, b.yaml]\n"}}),
      StatusIs(absl::StatusCode::kInvalidArgument, "s/task.yaml:2: include: give one file"));
  EXPECT_THAT(Parse({{"task.yaml", "task: x\ninclude: nope.yaml\n"}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "s/task.yaml:2: include: cannot read 'nope.yaml' (s/nope.yaml)"));
}

TEST(YamlIncludeTest, ErrorsNameTheFileThatWroteTheKey) {
  // An unknown key in the base is reported in the base.
  EXPECT_THAT(Parse({{"task.yaml", "include: base.yaml\n"},
                     {"base.yaml", std::string(kBase) + "process_docs: !function utils.p\n"}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "s/base.yaml:6: process_docs: lm-eval's process_docs runs Python"));
  // A bad value inherited from the base is reported in the base, at its line.
  EXPECT_THAT(Parse({{"task.yaml", "include: base.yaml\n"},
                     {"base.yaml", std::string(kBase) + "output_type: loglikelihood\n"}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "s/base.yaml:6: output_type: unknown value 'loglikelihood'"));
  // A missing required key is reported at the root file.
  EXPECT_THAT(Parse({{"task.yaml", "include: base.yaml\n"}, {"base.yaml", "task: x\n"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "s/task.yaml:1: doc_to_text: missing"));
  // A YAML syntax error in the base names the base.
  EXPECT_THAT(Parse({{"task.yaml", "include: base.yaml\n"}, {"base.yaml", "task: [x\n"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "s/base.yaml:2: YAML syntax error"));
}

}  // namespace
}  // namespace jb::tasks
