#include "tasks/task_yaml_scoring.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "tasks/filters.h"
#include "tasks/metrics.h"

namespace jb::tasks {
namespace {

using joulebench::v1::FilterPipeline;
using joulebench::v1::FilterStep;
using joulebench::v1::GenerationSettings;
using joulebench::v1::MetricSpec;
using joulebench::v1::TaskDefinition;

constexpr uint32_t kDefaultMaxGenToks = 256;
constexpr char kNoPython[] = "joulebench suites run no Python";

absl::Status ParseRegexStep(const YamlFields& f, const YAML::Node& node, const std::string& p,
                            FilterStep* step) {
  JB_RETURN_IF_ERROR(
      f.CheckKeys(node, p, {"function", "regex_pattern", "group_select", "fallback"}));
  JB_ASSIGN_OR_RETURN(const YAML::Node pattern,
                      f.Required(node, "regex_pattern", p + ".regex_pattern"));
  JB_ASSIGN_OR_RETURN(*step->mutable_regex_pattern(), f.String(pattern, p + ".regex_pattern"));
  absl::Status valid = ValidateFilterStep(*step);
  if (!valid.ok()) return f.Error(pattern, p + ".regex_pattern", std::string(valid.message()));
  if (const YAML::Node n = node["group_select"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(int64_t group, f.Int(n, p + ".group_select"));
    if (group < -1000 || group > 1000) {
      return f.Error(n, p + ".group_select", "must be between -1000 and 1000");
    }
    step->set_group_select(static_cast<int32_t>(group));
  }
  // lm-eval's RegexFilter default (lm_eval/filters/extraction.py).
  step->set_fallback("[invalid]");
  if (const YAML::Node n = node["fallback"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(*step->mutable_fallback(), f.String(n, p + ".fallback"));
  }
  return absl::OkStatus();
}

// lm-eval's `custom` filter runs the Python function filter_fn names; only humaneval's
// build_predictions has a built-in equivalent.
absl::Status ParseCustomStep(const YamlFields& f, const YAML::Node& node, const std::string& p,
                             FilterStep* step) {
  JB_RETURN_IF_ERROR(f.CheckKeys(node, p, {"function", "filter_fn"}));
  JB_ASSIGN_OR_RETURN(const YAML::Node fn, f.Required(node, "filter_fn", p + ".filter_fn"));
  const bool is_function = YamlFields::IsFunction(fn);
  if (!is_function || fn.Scalar() != "utils.build_predictions") {
    return f.Error(fn, p + ".filter_fn",
                   absl::StrCat(is_function ? "'!function " + fn.Scalar() + "' is not a built-in"
                                            : "expected !function utils.build_predictions",
                                "; ", kNoPython,
                                ". Built in: !function utils.build_predictions (lm-eval's "
                                "humaneval), or write {function: build_predictions}"));
  }
  step->set_function("build_predictions");
  return absl::OkStatus();
}

absl::Status ParseStep(const YamlFields& f, const YAML::Node& node, const std::string& p,
                       FilterStep* step) {
  if (!node.IsMap()) return f.Error(node, p, "expected a mapping such as {function: take_first}");
  JB_ASSIGN_OR_RETURN(const YAML::Node fn_node, f.Required(node, "function", p + ".function"));
  JB_ASSIGN_OR_RETURN(*step->mutable_function(), f.String(fn_node, p + ".function"));
  if (step->function() == "regex") return ParseRegexStep(f, node, p, step);
  if (step->function() == "custom") return ParseCustomStep(f, node, p, step);
  absl::Status valid = ValidateFilterStep(*step);
  if (!valid.ok()) return f.Error(fn_node, p + ".function", std::string(valid.message()));
  return f.CheckKeys(node, p, {"function"});
}

// The aggregation joulebench applies to `metric` (tasks/aggregate.h); lm-eval names corpus
// aggregations after their metric (lm_eval/api/metrics.py register_aggregation "bleu", "f1").
std::string AggregationOf(const MetricSpec& m, const TaskDefinition& task) {
  if (m.metric() == "bleu") return "bleu";
  if (m.metric() == "f1" && task.output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE) {
    return "f1";
  }
  return "mean";
}

// The `metric` value: a name, or humaneval's !function utils.pass_at_k / utils.pass_at_1.
absl::Status ParseMetricName(const YamlFields& f, const YAML::Node& item, const std::string& p,
                             MetricSpec* m, bool* pass_at_1) {
  JB_ASSIGN_OR_RETURN(const YAML::Node name, f.Required(item, "metric", p + ".metric"));
  *pass_at_1 = false;
  if (YamlFields::IsFunction(name)) {
    if (name.Scalar() == "utils.pass_at_k") {
      m->set_metric("pass_at_k");
    } else if (name.Scalar() == "utils.pass_at_1") {
      m->set_metric("pass_at_k");
      *pass_at_1 = true;
    } else {
      return f.Error(name, p + ".metric",
                     absl::StrCat("'!function ", name.Scalar(), "' is not a built-in; ", kNoPython,
                                  ". Built in: !function utils.pass_at_k and utils.pass_at_1 "
                                  "(lm-eval's humaneval and mbpp), or write metric: pass_at_k"));
    }
    return absl::OkStatus();
  }
  JB_ASSIGN_OR_RETURN(*m->mutable_metric(), f.String(name, p + ".metric"));
  return absl::OkStatus();
}

// Options that belong to one metric; given to another they are rejected here, by name.
absl::Status CheckOptionsFit(const YamlFields& f, const YAML::Node& item, const std::string& p,
                             const MetricSpec& m) {
  struct Option {
    const char* key;
    bool fits;
    const char* owner;
  } options[] = {
      {"ignore_case", m.metric() == "exact_match", "exact_match"},
      {"ignore_punctuation", m.metric() == "exact_match", "exact_match"},
      {"regexes_to_ignore", m.metric() == "exact_match", "exact_match"},
      {"k", m.metric() == "pass_at_k", "pass_at_k"},
      {"use_stemmer", absl::StartsWith(m.metric(), "rouge"), "the rouge metrics"},
  };
  for (const Option& o : options) {
    const YAML::Node n = item[o.key];
    if (n.IsDefined() && !o.fits) {
      return f.Error(n, JoinField(p, o.key),
                     absl::StrCat("applies only to ", o.owner, ", not to ", m.metric()));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseMetricOptions(const YamlFields& f, const YAML::Node& item, const std::string& p,
                                const TaskDefinition& task, bool pass_at_1, MetricSpec* m) {
  if (const YAML::Node n = item["ignore_case"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(bool v, f.Bool(n, p + ".ignore_case"));
    m->set_ignore_case(v);
  }
  if (const YAML::Node n = item["ignore_punctuation"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(bool v, f.Bool(n, p + ".ignore_punctuation"));
    m->set_ignore_punctuation(v);
  }
  if (const YAML::Node n = item["regexes_to_ignore"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(std::vector<std::string> list, f.StringList(n, p + ".regexes_to_ignore"));
    for (std::string& r : list) m->add_regexes_to_ignore(std::move(r));
    absl::Status valid = ValidateMetric(*m);
    if (!valid.ok()) return f.Error(n, p + ".regexes_to_ignore", std::string(valid.message()));
  }
  if (const YAML::Node n = item["use_stemmer"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(bool v, f.Bool(n, p + ".use_stemmer"));
    m->set_use_stemmer(v);
  }
  if (m->metric() != "pass_at_k") return absl::OkStatus();
  const YAML::Node n = item["k"];
  if (pass_at_1 && n.IsDefined()) {
    return f.Error(n, p + ".k", "utils.pass_at_1 is pass@1; use utils.pass_at_k to choose k");
  }
  // humaneval's utils.pass_at_k accepts an int or a list; without k, pass@1.
  std::vector<int64_t> ks = {1};
  if (n.IsDefined()) {
    ks.clear();
    if (n.IsSequence()) {
      for (size_t i = 0; i < n.size(); ++i) {
        JB_ASSIGN_OR_RETURN(int64_t k, f.Int(n[i], absl::StrCat(p, ".k[", i, "]")));
        ks.push_back(k);
      }
    } else {
      JB_ASSIGN_OR_RETURN(int64_t k, f.Int(n, p + ".k"));
      ks.push_back(k);
    }
    if (ks.empty()) return f.Error(n, p + ".k", "give at least one k, e.g. [1, 10]");
  }
  std::set<int64_t> seen;
  for (int64_t k : ks) {
    if (k < 1 || k > static_cast<int64_t>(task.repeats()) || !seen.insert(k).second) {
      return f.Error(
          n.IsDefined() ? n : item, p + ".k",
          absl::StrCat("k = ", k, " is not a distinct whole number between 1 and ", "repeats (",
                       task.repeats(), "); pass@k needs at least k generations per sample"));
    }
    m->add_k(static_cast<uint32_t>(k));
  }
  return absl::OkStatus();
}

absl::Status ParseMetric(const YamlFields& f, const YAML::Node& item, const std::string& p,
                         const TaskDefinition& task, MetricSpec* m) {
  JB_RETURN_IF_ERROR(f.CheckKeys(item, p,
                                 {"metric", "aggregation", "higher_is_better", "ignore_case",
                                  "ignore_punctuation", "regexes_to_ignore", "k", "use_stemmer"}));
  bool pass_at_1 = false;
  JB_RETURN_IF_ERROR(ParseMetricName(f, item, p, m, &pass_at_1));
  const YAML::Node name = item["metric"];
  JB_RETURN_IF_ERROR(CheckOptionsFit(f, item, p, *m));
  absl::Status valid = ValidateMetric(*m);
  if (valid.ok()) valid = CheckMetricFits(*m, task.output_type());
  if (!valid.ok()) return f.Error(name, p + ".metric", std::string(valid.message()));
  if (const YAML::Node n = item["aggregation"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(std::string agg, f.String(n, p + ".aggregation"));
    const std::string expected = AggregationOf(*m, task);
    if (agg != expected) {
      return f.Error(n, p + ".aggregation",
                     absl::StrCat("joulebench aggregates ", m->metric(), " by ", expected,
                                  "; write aggregation: ", expected, " or leave it out"));
    }
  }
  m->set_higher_is_better(true);
  if (const YAML::Node n = item["higher_is_better"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(bool better, f.Bool(n, p + ".higher_is_better"));
    m->set_higher_is_better(better);
  }
  return ParseMetricOptions(f, item, p, task, pass_at_1, m);
}

}  // namespace

absl::Status ParseGenerationKeys(const TaskYamlKeys& y, TaskDefinition* task) {
  GenerationSettings* gen = task->mutable_generation();
  gen->set_max_tokens(kDefaultMaxGenToks);
  gen->set_endpoint(joulebench::v1::ENDPOINT_CHAT);
  if (const YAML::Node n = y["endpoint"]; n.IsDefined()) {
    const YamlFields& f = y.Fields("endpoint");
    JB_ASSIGN_OR_RETURN(std::string endpoint, f.String(n, "endpoint"));
    if (endpoint == "completions") {
      gen->set_endpoint(joulebench::v1::ENDPOINT_COMPLETIONS);
    } else if (endpoint != "chat") {
      return f.Error(n, "endpoint",
                     absl::StrCat("unknown value '", endpoint, "'; expected chat or completions"));
    }
  }
  task->set_repeats(1);
  if (const YAML::Node n = y["repeats"]; n.IsDefined()) {
    const YamlFields& f = y.Fields("repeats");
    JB_ASSIGN_OR_RETURN(int64_t repeats, f.Int(n, "repeats"));
    if (repeats < 1 || repeats > 1000) return f.Error(n, "repeats", "must be between 1 and 1000");
    task->set_repeats(static_cast<uint32_t>(repeats));
  }
  const YAML::Node kw = y["generation_kwargs"];
  if (!kw.IsDefined()) {
    // lm-eval stops at the few-shot delimiter when the task says nothing.
    gen->add_stop(task->fewshot_delimiter());
    return absl::OkStatus();
  }
  const YamlFields& f = y.Fields("generation_kwargs");
  const std::string p = "generation_kwargs";
  JB_RETURN_IF_ERROR(
      f.CheckKeys(kw, p, {"until", "max_gen_toks", "temperature", "top_p", "do_sample", "seed"}));
  if (const YAML::Node n = kw["until"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(std::vector<std::string> until, f.StringList(n, p + ".until"));
    for (std::string& s : until) {
      if (s.empty()) return f.Error(n, p + ".until", "stop strings must not be empty");
      gen->add_stop(std::move(s));
    }
  }
  if (const YAML::Node n = kw["max_gen_toks"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(int64_t max, f.Int(n, p + ".max_gen_toks"));
    if (max < 1 || max > 1'000'000) {
      return f.Error(n, p + ".max_gen_toks", "must be between 1 and 1000000");
    }
    gen->set_max_tokens(static_cast<uint32_t>(max));
  }
  bool has_temperature = false;
  if (const YAML::Node n = kw["temperature"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(double t, f.Double(n, p + ".temperature"));
    if (t < 0 || t > 2) return f.Error(n, p + ".temperature", "must be between 0 and 2");
    gen->set_temperature(t);
    has_temperature = true;
  }
  if (const YAML::Node n = kw["top_p"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(double top_p, f.Double(n, p + ".top_p"));
    if (top_p <= 0 || top_p > 1) return f.Error(n, p + ".top_p", "must be in (0, 1]");
    gen->set_top_p(top_p);
  }
  if (const YAML::Node n = kw["do_sample"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(bool sample, f.Bool(n, p + ".do_sample"));
    // lm-eval: greedy when do_sample is false, whatever the temperature says.
    if (!sample) gen->set_temperature(0);
    if (sample && !has_temperature) gen->set_temperature(1.0);
  }
  if (const YAML::Node n = kw["seed"]; n.IsDefined()) {
    JB_ASSIGN_OR_RETURN(int64_t seed, f.Int(n, p + ".seed"));
    gen->set_seed(seed);
  }
  return absl::OkStatus();
}

absl::Status ParseFilterKeys(const TaskYamlKeys& y, TaskDefinition* task) {
  const YAML::Node list = y["filter_list"];
  if (!list.IsDefined()) return absl::OkStatus();
  const YamlFields& f = y.Fields("filter_list");
  if (!list.IsSequence()) return f.Error(list, "filter_list", "expected a list of pipelines");
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string p = absl::StrCat("filter_list[", i, "]");
    JB_RETURN_IF_ERROR(f.CheckKeys(item, p, {"name", "filter"}));
    FilterPipeline* pipeline = task->add_filters();
    JB_ASSIGN_OR_RETURN(const YAML::Node name, f.Required(item, "name", p + ".name"));
    JB_ASSIGN_OR_RETURN(*pipeline->mutable_name(), f.String(name, p + ".name"));
    if (pipeline->name().empty() || !names.insert(pipeline->name()).second) {
      return f.Error(name, p + ".name", "must be non-empty and differ from the other names");
    }
    JB_ASSIGN_OR_RETURN(const YAML::Node steps, f.Required(item, "filter", p + ".filter"));
    if (!steps.IsSequence() || steps.size() == 0) {
      return f.Error(steps, p + ".filter", "expected a non-empty list of filter steps");
    }
    for (size_t s = 0; s < steps.size(); ++s) {
      JB_RETURN_IF_ERROR(
          ParseStep(f, steps[s], absl::StrCat(p, ".filter[", s, "]"), pipeline->add_steps()));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseMetricKeys(const TaskYamlKeys& y, TaskDefinition* task) {
  const YAML::Node list = y["metric_list"];
  if (!list.IsDefined()) {
    MetricSpec* m = task->add_metrics();
    m->set_metric(
        task->output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE ? "acc" : "exact_match");
    m->set_higher_is_better(true);
    return absl::OkStatus();
  }
  const YamlFields& f = y.Fields("metric_list");
  if (!list.IsSequence() || list.size() == 0) {
    return f.Error(list, "metric_list", "expected a non-empty list of metrics");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    JB_RETURN_IF_ERROR(
        ParseMetric(f, list[i], absl::StrCat("metric_list[", i, "]"), *task, task->add_metrics()));
  }
  return absl::OkStatus();
}

}  // namespace jb::tasks
