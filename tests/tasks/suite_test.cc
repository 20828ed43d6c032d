#include "tasks/suite.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tasks/prompt.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using Files = std::map<std::string, std::string>;

constexpr char kTask[] = R"(task: qa-tiny
family: qa
doc_to_text: "Q: {{q}}\nA:"
doc_to_target: "{{a}}"
num_fewshot: 1
)";
constexpr char kSamples[] =
    "{\"q\": \"1+1\", \"a\": 2}\n\n{\"q\": \"2+2\", \"a\": 4}\n"
    "{\"q\": \"3+3\", \"a\": 6}\n";

TEST(LoadSuiteTest, LoadsSamplesInOrderWithShotsAndAHash) {
  ASSERT_OK_AND_ASSIGN(
      Suite suite, LoadSuiteFromFiles("x", {{"task.yaml", kTask}, {"samples.jsonl", kSamples}}));
  ASSERT_EQ(suite.samples.size(), 3u);
  EXPECT_EQ(suite.samples[1].index(), 1u);
  EXPECT_EQ(suite.samples[1].doc_json(), "{\"q\": \"2+2\", \"a\": 4}");
  // lm-eval's seeded sampler over the one split, never a sample itself (tasks/fewshot.h):
  //   r = random.Random(1234); [[x for x in r.sample([0, 1, 2], 2) if x != d][:1] for d in ...]
  // gives [[1], [0], [0]] (CPython 3.11.2); only the documents used are stored.
  ASSERT_EQ(suite.task.fewshot_samples_size(), 2);
  EXPECT_EQ(suite.task.fewshot_samples(1).index(), 1u);
  EXPECT_THAT(suite.samples[0].fewshot_indices(), ::testing::ElementsAre(1));
  EXPECT_THAT(suite.samples[1].fewshot_indices(), ::testing::ElementsAre(0));
  EXPECT_THAT(suite.samples[2].fewshot_indices(), ::testing::ElementsAre(0));
  ASSERT_OK_AND_ASSIGN(std::string p0, BuildPrompt(suite.task, suite.samples[0]));
  EXPECT_EQ(p0, "Q: 2+2\nA: 4\n\nQ: 1+1\nA:");
  ASSERT_OK_AND_ASSIGN(std::string p2, BuildPrompt(suite.task, suite.samples[2]));
  EXPECT_EQ(p2, "Q: 1+1\nA: 2\n\nQ: 3+3\nA:");
  EXPECT_EQ(suite.task.content_hash(), ContentHash(suite));
  EXPECT_EQ(suite.task.content_hash().size(), 64u);
}

TEST(LoadSuiteTest, SampleErrorsGiveFileAndLine) {
  struct Case {
    std::string samples;
    std::string expected;
  } cases[] = {
      {"{\"q\": \"1\", \"a\": 1}\n{\"q\": \"2\", \"a\": 2}\n{\"q\": 3, \"a\": }\n",
       "x/samples.jsonl:3: not valid JSON"},
      {"{\"q\": \"1\", \"a\": 1}\n\n[1, 2]\n",
       "x/samples.jsonl:3: expected a JSON object, got array"},
      {"{\"q\": \"1\", \"a\": []}\n{\"q\": \"2\", \"a\": 2}\n",
       "x/samples.jsonl:1: few-shot document 0: doc_to_target: a shot's target is an empty list"},
      {"{\"q\": \"1\", \"a\": 1}\n{\"question\": \"2\", \"a\": 2}\n",
       "x/samples.jsonl:2: doc_to_text: field 'q' not found in the document"},
      {"{\"q\": \"1\", \"a\": 1}\n",
       "x/task.yaml:1: samples: num_fewshot: the seeded sampler draws 2 documents per sample but "
       "the shot pool has 1"},
      {"\n\n", "x/samples.jsonl:1: no samples"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(LoadSuiteFromFiles("x", {{"task.yaml", kTask}, {"samples.jsonl", c.samples}}),
                StatusIs(absl::StatusCode::kInvalidArgument, c.expected))
        << c.samples;
  }
  EXPECT_THAT(LoadSuiteFromFiles("x", {{"task.yaml", kTask}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "x/task.yaml:1: samples: x/samples.jsonl is missing"));
  EXPECT_THAT(LoadSuiteFromFiles("x", {{"samples.jsonl", kSamples}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "x/task.yaml: missing"));
}

TEST(LoadSuiteTest, MultipleChoiceTargetsMustBeChoices) {
  const std::string task = R"(task: mc
family: sentiment
doc_to_text: "{{text}}"
doc_to_target: label
doc_to_choice: [negative, positive]
output_type: multiple_choice
)";
  ASSERT_OK_AND_ASSIGN(
      Suite suite,
      LoadSuiteFromFiles(
          "mc", {{"task.yaml", task}, {"samples.jsonl", "{\"text\": \"ok\", \"label\": 1}\n"}}));
  EXPECT_EQ(suite.task.metrics(0).metric(), "acc");
  EXPECT_THAT(
      LoadSuiteFromFiles("mc", {{"task.yaml", task},
                                {"samples.jsonl", "{\"text\": \"ok\", \"label\": \"meh\"}\n"}}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "mc/samples.jsonl:1: doc_to_target: 'meh' is not one of the 2 choices"));
}

TEST(ContentHashTest, IsStableAndChangesWithAnyEdit) {
  ASSERT_OK_AND_ASSIGN(
      Suite a, LoadSuiteFromFiles("x", {{"task.yaml", kTask}, {"samples.jsonl", kSamples}}));
  // The same documents with other spacing and key order, loaded from elsewhere.
  const std::string reordered =
      "{ \"a\": 2, \"q\": \"1+1\" }\n{\"a\":4,\"q\":\"2+2\"}\r\n{\"q\": \"3+3\", \"a\": 6}";
  ASSERT_OK_AND_ASSIGN(Suite b, LoadSuiteFromFiles("/elsewhere", {{"task.yaml", kTask},
                                                                  {"samples.jsonl", reordered}}));
  EXPECT_EQ(a.task.content_hash(), b.task.content_hash());
  // Pinned: the hash must not drift between builds, or stored suites would be orphaned. (It
  // changed when shots became lm-eval's seeded choice stored in Sample.fewshot_indices, and
  // when TaskDefinition gained fewshot_sampler.)
  EXPECT_EQ(a.task.content_hash(),
            "213bbc77f5efc210cecdf345132501d4b9eb6897b353d6c643960189b95f93aa");
  // Which shots a sample sees is part of the identity.
  Suite f = a;
  f.samples[2].set_fewshot_indices(0, 1);
  EXPECT_NE(ContentHash(f), a.task.content_hash());

  const std::string edited_sample = std::string(kSamples) + "{\"q\": \"4+4\", \"a\": 8}\n";
  ASSERT_OK_AND_ASSIGN(
      Suite c, LoadSuiteFromFiles("x", {{"task.yaml", kTask}, {"samples.jsonl", edited_sample}}));
  EXPECT_NE(c.task.content_hash(), a.task.content_hash());
  const std::string edited_task = std::string(kTask) + "description: \"Be brief.\"\n";
  ASSERT_OK_AND_ASSIGN(
      Suite d, LoadSuiteFromFiles("x", {{"task.yaml", edited_task}, {"samples.jsonl", kSamples}}));
  EXPECT_NE(d.task.content_hash(), a.task.content_hash());
  // The stored hash itself does not feed the hash.
  Suite e = a;
  e.task.set_content_hash("something else");
  EXPECT_EQ(ContentHash(e), a.task.content_hash());
}

class SuiteDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jb-suite-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& contents) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + name).parent_path());
    std::ofstream(dir_ + "/" + name) << contents;
  }
  std::string dir_;
};

TEST_F(SuiteDirTest, ReadsTaskYamlAndTheSamplesFileItNames) {
  Write("task.yaml", std::string(kTask) + "samples: data/qa.jsonl\n");
  Write("data/qa.jsonl", kSamples);
  ASSERT_OK_AND_ASSIGN(Files files, ReadSuiteFiles(dir_));
  EXPECT_EQ(files.size(), 2u);
  EXPECT_EQ(files["data/qa.jsonl"], kSamples);
  ASSERT_OK_AND_ASSIGN(Suite suite, LoadSuiteDir(dir_ + "/"));
  EXPECT_EQ(suite.samples.size(), 3u);
}

TEST_F(SuiteDirTest, MissingThingsAreNotFoundOrNamed) {
  EXPECT_THAT(LoadSuiteDir(dir_ + "/nope"), StatusIs(absl::StatusCode::kNotFound, "no such suite"));
  EXPECT_THAT(LoadSuiteDir(dir_), StatusIs(absl::StatusCode::kNotFound, "task.yaml: no such file"));
  Write("task.yaml", std::string(kTask) + "bogus: 1\n");
  EXPECT_THAT(LoadSuiteDir(dir_), StatusIs(absl::StatusCode::kInvalidArgument,
                                           dir_ + "/task.yaml:6: bogus: unknown key"));
}

TEST_F(SuiteDirTest, AWrapperYamlGathersItsIncludeAndDataFilesAndLoadsTheSameFromThem) {
  Write("lm/tasks/qa/qa.yaml", R"(tag: [qa]
task: qa
dataset_path: someone/qa
dataset_name: main
training_split: train
fewshot_split: train
test_split: test
doc_to_text: "Q: {{q}}\nA:"
doc_to_target: "{{a}}"
num_fewshot: 2
)");
  Write("mine/qa.yaml",
        "include: ../lm/tasks/qa/qa.yaml\ndataset_path: json\n"
        "dataset_kwargs:\n  data_files:\n    train: data/train.json\n"
        "    test: " +
            dir_ + "/exports/test.jsonl\n");
  std::string train = "[";
  for (int i = 0; i < 6; ++i) {
    train += absl::StrCat(i ? ",\n" : "\n", "{\"q\": \"t", i, "\", \"a\": ", i, "}");
  }
  Write("mine/data/train.json", train + "\n]\n");
  Write("exports/test.jsonl",
        "{\"q\": \"e0\", \"a\": 0}\n{\"q\": \"e1\", \"a\": 1}\n"
        "{\"q\": \"e2\", \"a\": 2}\n");
  ASSERT_OK_AND_ASSIGN(Files files, ReadSuiteFiles(dir_ + "/mine/qa.yaml"));
  std::vector<std::string> names;
  for (const auto& [name, text] : files) names.push_back(name);
  EXPECT_THAT(
      names, ::testing::UnorderedElementsAre("qa.yaml", "../lm/tasks/qa/qa.yaml", "data/train.json",
                                             dir_ + "/exports/test.jsonl"));
  ASSERT_OK_AND_ASSIGN(Suite suite, LoadSuiteDir(dir_ + "/mine/qa.yaml"));
  ASSERT_EQ(suite.samples.size(), 3u);
  EXPECT_EQ(suite.task.name(), "qa");
  // Shots from train, no exclusion (fewshot_split differs from test_split):
  //   r = random.Random(1234); [r.sample(range(6), 2) for _ in range(3)]
  //   -> [[3, 0], [0, 5], [4, 0]]  (CPython 3.11.2)
  // fewshot_samples keeps the used documents 0, 3, 4, 5 with their indices in train.
  ASSERT_EQ(suite.task.fewshot_samples_size(), 4);
  EXPECT_EQ(suite.task.fewshot_samples(1).index(), 3u);
  EXPECT_EQ(suite.task.fewshot_samples(1).doc_json(), "{\"a\":3,\"q\":\"t3\"}");
  EXPECT_THAT(suite.samples[0].fewshot_indices(), ::testing::ElementsAre(1, 0));
  EXPECT_THAT(suite.samples[1].fewshot_indices(), ::testing::ElementsAre(0, 3));
  EXPECT_THAT(suite.samples[2].fewshot_indices(), ::testing::ElementsAre(2, 0));
  ASSERT_OK_AND_ASSIGN(std::string prompt, BuildPrompt(suite.task, suite.samples[1]));
  EXPECT_EQ(prompt, "Q: t0\nA: 0\n\nQ: t5\nA: 5\n\nQ: e1\nA:");
  // The coordinator loads the same suite from the shipped files alone.
  ASSERT_OK_AND_ASSIGN(Suite shipped, LoadSuiteFromFiles("mine/qa.yaml", files));
  EXPECT_EQ(shipped.task.content_hash(), suite.task.content_hash());

  // A missing data file is reported at the key that chose its split.
  std::filesystem::remove(dir_ + "/exports/test.jsonl");
  EXPECT_THAT(LoadSuiteDir(dir_ + "/mine/qa.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       dir_ + "/lm/tasks/qa/qa.yaml:7: test_split: " + dir_ +
                           "/exports/test.jsonl is missing"));
}

TEST_F(SuiteDirTest, CsvDataWithAnIntegerLabelIndexesTheChoices) {
  Write("task.yaml", R"(task: sst
dataset_path: csv
dataset_kwargs: {data_files: {validation: dev.csv}}
validation_split: validation
output_type: multiple_choice
doc_to_text: "{{sentence}}\nQuestion: Is this sentence positive or negative?\nAnswer:"
doc_to_target: label
doc_to_choice: ["negative", "positive"]
)");
  Write("dev.csv", "sentence,label\n\"Great, really.\",1\nDull.,0\n");
  ASSERT_OK_AND_ASSIGN(Suite suite, LoadSuiteDir(dir_));
  ASSERT_EQ(suite.samples.size(), 2u);
  ASSERT_OK_AND_ASSIGN(uint32_t gold, RenderGoldIndex(suite.task, suite.samples[0]));
  EXPECT_EQ(gold, 1u);
  ASSERT_OK_AND_ASSIGN(std::string target, RenderTarget(suite.task, suite.samples[1]));
  EXPECT_EQ(target, "negative");
  Write("dev.csv", "sentence,label\nGreat.,1\nDull.,2\n");
  EXPECT_THAT(LoadSuiteDir(dir_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       dir_ + "/dev.csv:3: doc_to_target: index 2 is out of range"));
}

}  // namespace
}  // namespace jb::tasks
