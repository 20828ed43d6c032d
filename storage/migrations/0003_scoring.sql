-- Scoring (issue 4): corpus statistics and answer methods of sample results, few-shot indices
-- of suite samples.
--
-- Per sample result: the sufficient statistics of corpus-level metrics (common.proto
-- SampleResult.corpus_stats: bleu n-gram counts, multiple_choice f1 counts) by "filter/metric",
-- each a JSON array of numbers; and how the answer was obtained (answer_method: generate,
-- loglikelihood or generative-fallback).
ALTER TABLE sample_results ADD COLUMN corpus_stats JSONB NOT NULL DEFAULT '{}';
ALTER TABLE sample_results ADD COLUMN answer_method TEXT NOT NULL DEFAULT '';

-- Per suite sample: the few-shot shots it is shown, as indices into the task definition's
-- fewshot_samples (common.proto Sample.fewshot_indices), chosen by the loader's sampler.
ALTER TABLE suite_samples ADD COLUMN fewshot_indices INTEGER[] NOT NULL DEFAULT '{}';
