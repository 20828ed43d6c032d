#include "tasks/aggregate.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "absl/strings/str_cat.h"
#include "tasks/metrics/bleu.h"
#include "tasks/metrics/pass_at_k.h"

namespace jb::tasks {
namespace {

using joulebench::v1::MetricSpec;
using joulebench::v1::TaskDefinition;

// The successful rows of one sample.
using SampleRows = std::vector<const ScoredRow*>;

// Per-sample values of one mean metric; `proportion` while every sample has one row valued 0 or
// 1, which is when Wilson applies.
struct Series {
  std::vector<double> values;
  bool proportion = true;
};

double WeightedMean(const std::vector<double>& values, const std::vector<uint32_t>& counts) {
  double sum = 0, weight = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    sum += counts[i] * values[i];
    weight += counts[i];
  }
  return weight == 0 ? 0 : sum / weight;
}

MetricEstimate MeanEstimate(std::string name, const Series& series,
                            const BootstrapOptions& options) {
  MetricEstimate out;
  out.name = std::move(name);
  out.samples = series.values.size();
  const std::vector<uint32_t> ones(series.values.size(), 1);
  out.value = WeightedMean(series.values, ones);
  if (series.proportion) {
    double successes = 0;
    for (double v : series.values) successes += v;
    out.ci = WilsonInterval(successes, series.values.size(), options.confidence);
  } else {
    out.ci = BootstrapInterval(
        series.values.size(),
        [&](const std::vector<uint32_t>& counts) { return WeightedMean(series.values, counts); },
        options);
  }
  return out;
}

// Corpus metrics: per-sample summed statistics and the function of their total.
MetricEstimate CorpusEstimate(std::string name, const std::vector<std::vector<double>>& stats,
                              const std::function<double(const std::vector<double>&)>& value_of,
                              const BootstrapOptions& options) {
  auto total = [&](const std::vector<uint32_t>& counts) {
    std::vector<double> sum;
    for (size_t i = 0; i < stats.size(); ++i) {
      if (sum.size() < stats[i].size()) sum.resize(stats[i].size());
      for (size_t j = 0; j < stats[i].size(); ++j) sum[j] += counts[i] * stats[i][j];
    }
    return value_of(sum);
  };
  MetricEstimate out;
  out.name = std::move(name);
  out.samples = stats.size();
  out.value = total(std::vector<uint32_t>(stats.size(), 1));
  out.ci = BootstrapInterval(stats.size(), total, options);
  return out;
}

double BleuOf(const std::vector<double>& sum) {
  absl::StatusOr<metrics::BleuStats> stats = metrics::BleuStats::FromVector(sum);
  return stats.ok() ? metrics::CorpusBleu(*stats) : 0;
}

double BinaryF1Of(const std::vector<double>& sum) {
  if (sum.size() != 3) return 0;
  const double denominator = 2 * sum[0] + sum[1] + sum[2];
  return denominator == 0 ? 0 : 2 * sum[0] / denominator;
}

void AddMetric(const std::string& pipeline, const MetricSpec& spec, bool multiple_choice,
               const std::vector<SampleRows>& samples, const BootstrapOptions& options,
               std::vector<MetricEstimate>& out) {
  const std::string key = absl::StrCat(pipeline, "/", spec.metric());
  const bool corpus = spec.metric() == "bleu" || (multiple_choice && spec.metric() == "f1");
  const size_t first = out.size();
  if (corpus) {
    std::vector<std::vector<double>> stats;
    for (const SampleRows& rows : samples) {
      std::vector<double> sum;
      bool any = false;
      for (const ScoredRow* row : rows) {
        auto it = row->corpus_stats.find(key);
        if (it == row->corpus_stats.end()) continue;
        any = true;
        if (sum.size() < it->second.size()) sum.resize(it->second.size());
        for (size_t j = 0; j < it->second.size(); ++j) sum[j] += it->second[j];
      }
      if (any) stats.push_back(std::move(sum));
    }
    if (!stats.empty()) {
      out.push_back(
          CorpusEstimate(key, stats, spec.metric() == "bleu" ? BleuOf : BinaryF1Of, options));
    }
  } else if (spec.metric() == "pass_at_k") {
    std::vector<uint32_t> ks(spec.k().begin(), spec.k().end());
    if (ks.empty()) ks.push_back(1);
    for (uint32_t k : ks) {
      Series series;
      for (const SampleRows& rows : samples) {
        int64_t n = 0, c = 0;
        for (const ScoredRow* row : rows) {
          auto it = row->metrics.find(key);
          if (it == row->metrics.end()) continue;
          ++n;
          c += it->second > 0.5 ? 1 : 0;
        }
        std::optional<double> estimate = metrics::PassAtK(n, c, k);
        if (!estimate.has_value()) continue;
        series.values.push_back(*estimate);
        series.proportion = series.proportion && n == 1;
      }
      if (!series.values.empty()) {
        out.push_back(MeanEstimate(absl::StrCat(pipeline, "/pass@", k), series, options));
      }
    }
  } else {
    Series series;
    for (const SampleRows& rows : samples) {
      double sum = 0;
      int n = 0;
      for (const ScoredRow* row : rows) {
        auto it = row->metrics.find(key);
        if (it == row->metrics.end()) continue;
        sum += it->second;
        ++n;
        series.proportion = series.proportion && (it->second == 0 || it->second == 1);
      }
      if (n == 0) continue;
      series.proportion = series.proportion && n == 1;
      series.values.push_back(sum / n);
    }
    if (!series.values.empty()) out.push_back(MeanEstimate(key, series, options));
  }
  for (size_t i = first; i < out.size(); ++i) out[i].higher_is_better = spec.higher_is_better();
}

}  // namespace

TaskScores AggregateTask(const TaskDefinition& task, const std::vector<ScoredRow>& rows,
                         const BootstrapOptions& options) {
  TaskScores scores;
  scores.rows = rows.size();
  std::map<uint32_t, SampleRows> by_sample;
  for (const ScoredRow& row : rows) {
    if (row.failed) {
      ++scores.failed_rows;
      continue;
    }
    by_sample[row.sample_index].push_back(&row);
  }
  scores.samples = by_sample.size();
  std::vector<SampleRows> samples;
  samples.reserve(by_sample.size());
  for (auto& [index, sample_rows] : by_sample) samples.push_back(std::move(sample_rows));

  const bool multiple_choice = task.output_type() == joulebench::v1::OUTPUT_TYPE_MULTIPLE_CHOICE;
  std::vector<std::string> pipelines;
  for (const auto& pipeline : task.filters()) pipelines.push_back(pipeline.name());
  if (pipelines.empty()) pipelines.push_back("none");
  for (const std::string& pipeline : pipelines) {
    for (const MetricSpec& spec : task.metrics()) {
      AddMetric(pipeline, spec, multiple_choice, samples, options, scores.metrics);
    }
  }
  return scores;
}

}  // namespace jb::tasks
