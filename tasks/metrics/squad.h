// SQuAD exact match and token F1 exactly as the official SQuAD v2.0 evaluation script.
//
// Reference: "Official evaluation script for SQuAD version 2.0" (evaluate-v2.0.py, distributed
// from rajpurkar.github.io/SQuAD-explorer; the copy read is github.com/qwang70/bert
// evaluate-v2.0.py at commit b3797fb734ea78fe7f51175ce71c0d57a1c3722f): normalize_answer,
// get_tokens, compute_exact, compute_f1 and the per-question part of get_raw_scores.
//
// Algorithm:
//   normalize_answer: Python str.lower(); delete every character of string.punctuation (ASCII
//     only); replace each whole word a / an / the (`\b(a|an|the)\b`, Unicode word characters)
//     by a space; collapse whitespace runs to one space and trim (' '.join(text.split())).
//   get_raw_scores, per question: gold answers that normalize to "" are dropped; if none remain
//     the question is unanswerable and the golds become [""]; the score is the maximum over the
//     golds.
//   compute_exact: 1 if the normalized strings are equal, else 0.
//   compute_f1: tokens = normalized text split on whitespace; if either side has no tokens, 1 if
//     both have none, else 0; otherwise the bag-of-tokens overlap F1.
// Values are in [0, 1]; the script multiplies the dataset means by 100 only when it prints the
// final summary (make_eval_dict), so callers wanting the printed scale multiply by 100.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jb::tasks::metrics {

// evaluate-v2.0.py normalize_answer.
std::string NormalizeAnswer(std::string_view text);

// max(compute_exact(gold, prediction) for gold in golds), golds filtered as in get_raw_scores.
double SquadExact(const std::vector<std::string>& gold_answers, std::string_view prediction);

// max(compute_f1(gold, prediction) for gold in golds), golds filtered as in get_raw_scores.
double SquadF1(const std::vector<std::string>& gold_answers, std::string_view prediction);

}  // namespace jb::tasks::metrics
