#include "cli/suite_view.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/suite_check.h"
#include "google/protobuf/util/json_util.h"
#include "tasks/filters.h"
#include "tasks/metrics.h"
#include "tasks/prompt.h"
#include "tasks/scoring.h"

namespace jb::cli {
namespace {

namespace v1 = joulebench::v1;

// A string as a JSON literal: quoted, with newlines and quotes escaped, so whitespace shows.
std::string Quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string QuoteList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& item : items) quoted.push_back(Quote(item));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

template <typename Repeated>
std::string QuoteList(const Repeated& items) {
  return QuoteList(std::vector<std::string>(items.begin(), items.end()));
}

// "key                value\n"; continuation lines of a multi-line value are indented.
void Field(std::string* out, const std::string& key, const std::string& value) {
  absl::StrAppendFormat(out, "%-19s %s\n", key, value);
}

// The text between marker lines, so leading and trailing whitespace stays visible.
void Block(std::string* out, const std::string& title, const std::string& text) {
  absl::StrAppend(out, "----- ", title, " -----\n", text, "\n----- end of ", title, " -----\n");
}

std::string DescribeStep(const v1::FilterStep& step) {
  if (step.function() != "regex") return step.function();
  return absl::StrCat("regex ", Quote(step.regex_pattern()), " group_select ", step.group_select(),
                      " fallback ", Quote(step.fallback()));
}

std::string DescribeMetric(const v1::MetricSpec& m) {
  std::vector<std::string> options;
  if (m.ignore_case()) options.push_back("ignore_case");
  if (m.ignore_punctuation()) options.push_back("ignore_punctuation");
  if (m.regexes_to_ignore_size() > 0) {
    options.push_back(absl::StrCat("regexes_to_ignore ", QuoteList(m.regexes_to_ignore())));
  }
  if (m.k_size() > 0) options.push_back(absl::StrCat("k [", absl::StrJoin(m.k(), ", "), "]"));
  if (m.use_stemmer()) options.push_back("use_stemmer");
  options.push_back(m.higher_is_better() ? "higher is better" : "lower is better");
  return absl::StrCat(m.metric(), " (", absl::StrJoin(options, ", "), ")");
}

std::string DescribeChoices(const v1::TaskDefinition& task) {
  if (!task.doc_to_choice_template().empty()) return Quote(task.doc_to_choice_template());
  if (task.doc_to_choice_size() > 0) return QuoteList(task.doc_to_choice());
  return "-";
}

std::string DescribeGeneration(const v1::GenerationSettings& g) {
  return absl::StrCat("max_tokens ", g.max_tokens(), ", temperature ", g.temperature(), ", top_p ",
                      g.top_p() == 0 ? "server default" : absl::StrCat(g.top_p()), ", seed ",
                      g.seed(), ", stop ", QuoteList(g.stop()));
}

void AppendDefinition(std::string* out, const tasks::Suite& suite, const std::string& origin) {
  const v1::TaskDefinition& t = suite.task;
  Field(out, "suite", absl::StrCat(t.name(), " (", origin, ")"));
  Field(out, "content hash", t.content_hash());
  Field(out, "version", t.version().empty() ? "-" : t.version());
  Field(out, "family", t.family());
  Field(out, "output type", OutputTypeName(t.output_type()));
  Field(out, "endpoint", EndpointName(t.generation().endpoint()));
  Field(out, "samples", absl::StrCat(suite.samples.size()));
  Field(out, "repeats", absl::StrCat(t.repeats()));
  Field(out, "description", Quote(t.description()));
  Field(out, "doc_to_text", Quote(t.doc_to_text()));
  Field(out, "doc_to_target", Quote(t.doc_to_target()));
  Field(out, "doc_to_choice", DescribeChoices(t));
  Field(out, "target_delimiter", Quote(t.target_delimiter()));
  Field(out, "fewshot_delimiter", Quote(t.fewshot_delimiter()));
  // The loader applies the sampler and stores its choice, each sample's fewshot_indices, which
  // the sample section prints.
  Field(out, "num_fewshot",
        t.num_fewshot() == 0 ? "0"
                             : absl::StrCat(t.num_fewshot(), " shots per sample, sampler ",
                                            t.fewshot_sampler(), " (chosen by the loader); ",
                                            t.fewshot_samples_size(), " shot-pool documents used"));
  if (t.output_type() != v1::OUTPUT_TYPE_MULTIPLE_CHOICE) {
    Field(out, "generation", DescribeGeneration(t.generation()));
  }
  if (t.filters_size() == 0) Field(out, "filters", "- (the raw output, as pipeline \"none\")");
  for (int p = 0; p < t.filters_size(); ++p) {
    std::vector<std::string> steps;
    for (const v1::FilterStep& s : t.filters(p).steps()) steps.push_back(DescribeStep(s));
    Field(out, p == 0 ? "filters" : "",
          absl::StrCat(t.filters(p).name(), ": ", absl::StrJoin(steps, " -> ")));
  }
  for (int m = 0; m < t.metrics_size(); ++m) {
    Field(out, m == 0 ? "metrics" : "", DescribeMetric(t.metrics(m)));
  }
  Field(out, "primary metric", PrimaryMetric(t));
  if (tasks::TaskRunsCode(t)) {
    Field(out, "code_timeout_s", absl::StrCat(t.code_timeout_s()));
    Field(out, "canonical_solution",
          t.canonical_solution().empty() ? "- (missing: `suites validate` fails)"
                                         : Quote(t.canonical_solution()));
  }
}

std::vector<uint32_t> ShotIndices(const tasks::Suite& suite, const v1::Sample& sample) {
  std::vector<uint32_t> out;
  for (const v1::Sample& shot : tasks::SelectFewshot(suite.task, sample)) {
    out.push_back(shot.index());
  }
  return out;
}

nlohmann::json TaskJson(const v1::TaskDefinition& task) {
  v1::TaskDefinition copy = task;
  copy.clear_fewshot_samples();  // documents, not definition; `shots` names those shown
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(copy, &text, options).ok()) return nullptr;
  return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace

std::string OutputTypeName(v1::OutputType type) {
  switch (type) {
    case v1::OUTPUT_TYPE_GENERATE_UNTIL:
      return "generate_until";
    case v1::OUTPUT_TYPE_MULTIPLE_CHOICE:
      return "multiple_choice";
    default:
      return "unspecified";
  }
}

std::string EndpointName(v1::Endpoint endpoint) {
  switch (endpoint) {
    case v1::ENDPOINT_CHAT:
      return "chat";
    case v1::ENDPOINT_COMPLETIONS:
      return "completions";
    default:
      return "unspecified";
  }
}

std::string PrimaryMetric(const v1::TaskDefinition& task) {
  const std::string pipeline = task.filters_size() > 0 ? task.filters(0).name() : "none";
  return absl::StrCat(pipeline, "/", task.metrics_size() > 0 ? task.metrics(0).metric() : "-");
}

nlohmann::json SuiteSummaryJson(const tasks::Suite& suite) {
  const v1::TaskDefinition& t = suite.task;
  return {{"name", t.name()},
          {"family", t.family()},
          {"output_type", OutputTypeName(t.output_type())},
          {"samples", suite.samples.size()},
          {"repeats", t.repeats()},
          {"endpoint", EndpointName(t.generation().endpoint())},
          {"primary_metric", PrimaryMetric(t)},
          {"version", t.version()},
          {"content_hash", t.content_hash()}};
}

SampleView RenderSample(const tasks::Suite& suite, size_t index) {
  const v1::TaskDefinition& task = suite.task;
  SampleView view;
  view.sample = &suite.samples[index];
  const v1::Sample& sample = *view.sample;
  auto keep = [&view](const char* what, auto result, auto* slot) {
    if (result.ok()) {
      *slot = *std::move(result);
    } else {
      view.errors.push_back(absl::StrCat(what, ": ", result.status().message()));
    }
  };
  keep("prompt", tasks::BuildPrompt(task, sample), &view.prompt);
  keep("targets", tasks::RenderTargets(task, sample), &view.targets);
  keep("choices", tasks::RenderChoices(task, sample), &view.choices);
  if (task.output_type() == v1::OUTPUT_TYPE_MULTIPLE_CHOICE) {
    keep("gold", tasks::RenderGoldIndex(task, sample), &view.gold);
  }
  if (!tasks::TaskRunsCode(task) || task.canonical_solution().empty()) return view;
  keep("canonical_solution", tasks::RenderTemplate(task.canonical_solution(), sample.doc_json()),
       &view.canonical_solution);
  if (!view.canonical_solution || !view.targets || view.targets->size() != 1) return view;
  v1::FilterPipeline pipeline;
  if (task.filters_size() > 0) pipeline = task.filters(0);
  const nlohmann::json doc = nlohmann::json::parse(sample.doc_json(), nullptr, false);
  absl::StatusOr<std::vector<std::string>> answer =
      tasks::ApplyFilterPipeline(pipeline, {*view.canonical_solution}, doc);
  if (!answer.ok()) {
    view.errors.push_back(
        absl::StrCat("filters on canonical_solution: ", answer.status().message()));
    return view;
  }
  view.program = tasks::PassAtKProgram((*answer)[0], (*view.targets)[0]);
  return view;
}

std::string ShowText(const tasks::Suite& suite, const std::string& origin, const SampleView& view) {
  std::string out;
  AppendDefinition(&out, suite, origin);
  const v1::Sample& sample = *view.sample;
  absl::StrAppend(&out, "\nsample ", sample.index(), " of ", suite.samples.size(), "\n");
  Field(&out, "document", sample.doc_json());
  if (suite.task.num_fewshot() > 0) {
    Field(&out, "shots",
          absl::StrCat("shot-pool documents [", absl::StrJoin(ShotIndices(suite, sample), ", "),
                       "]"));
  }
  if (view.prompt) Block(&out, "prompt", *view.prompt);
  if (view.targets) Field(&out, "targets", QuoteList(*view.targets));
  if (view.choices && !view.choices->empty()) {
    for (size_t i = 0; i < view.choices->size(); ++i) {
      Field(&out, i == 0 ? "choices" : "",
            absl::StrCat(i, " ", Quote((*view.choices)[i]),
                         view.gold && *view.gold == i ? "  <- gold" : ""));
    }
  }
  if (view.gold) Field(&out, "gold index", absl::StrCat(*view.gold));
  if (view.canonical_solution) Block(&out, "canonical solution", *view.canonical_solution);
  if (view.program) {
    Block(&out, absl::StrCat("program pass_at_k runs (", PrimaryMetric(suite.task), ")"),
          *view.program);
  }
  for (const std::string& error : view.errors) absl::StrAppend(&out, "error: ", error, "\n");
  return out;
}

nlohmann::json ShowJson(const tasks::Suite& suite, const std::string& origin,
                        const SampleView& view) {
  const v1::Sample& sample = *view.sample;
  nlohmann::json s = {{"index", sample.index()},
                      {"document", nlohmann::json::parse(sample.doc_json(), nullptr, false)},
                      {"shots", ShotIndices(suite, sample)}};
  auto put = [&s](const char* key, const auto& value) {
    s[key] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  };
  put("prompt", view.prompt);
  put("targets", view.targets);
  put("choices", view.choices);
  put("gold_index", view.gold);
  put("canonical_solution", view.canonical_solution);
  put("program", view.program);
  s["errors"] = view.errors;
  return {{"name", suite.task.name()},
          {"origin", origin},
          {"content_hash", suite.task.content_hash()},
          {"samples", suite.samples.size()},
          {"fewshot_documents", suite.task.fewshot_samples_size()},
          {"primary_metric", PrimaryMetric(suite.task)},
          {"task", TaskJson(suite.task)},
          {"sample", std::move(s)}};
}

}  // namespace jb::cli
