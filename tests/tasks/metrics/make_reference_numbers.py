#!/usr/bin/env python3
"""Prints the reference numbers that tests/tasks/metrics/*_test.cc pin, from the references.

Not run by CI (CI has none of the reference packages). Run it by hand after changing an input
below, and paste its output over the matching table in the test. The reference sources are
never copied into this repository; point the script at local copies:

  --rouge-dir DIR     a directory holding the `rouge_score` package (rouge_score 0.1.2;
                      google-research/google-research rouge/ as released to PyPI)
  --sacrebleu-dir DIR a checkout of github.com/mjpost/sacrebleu (the directory holding the
                      `sacrebleu` package; its setuptools-scm version.py may be missing)
  --squad-script FILE the official SQuAD v2.0 script evaluate-v2.0.py
  --human-eval FILE   github.com/openai/human-eval human_eval/evaluation.py
  plus, importable: nltk (rouge_score's stemmer), numpy, six, absl-py, regex, portalocker,
  tabulate, colorama, lxml (Debian 12: apt-get install python3-nltk python3-numpy python3-six
  python3-absl python3-regex python3-portalocker python3-tabulate python3-colorama python3-lxml)

Last run on 2026-11-22 with CPython 3.11.2, Debian python3-nltk 3.8 (its
porter.py matches nltk 3.8.1 / nltk commit f2a92bd), numpy 1.24.2, rouge_score 0.1.2 (as
vendored in github.com/Qcompiler/MixQ_Tensorrt_LLM at 766cc5b, rouge_score/),
sacrebleu 2.6.0+ (mjpost/sacrebleu commit f615c7286d4d813370efb824d94fc2bfcd3a6b94),
evaluate-v2.0.py from github.com/qwang70/bert at b3797fb, human-eval commit 6d43fb9.
Outputs on non-ASCII text depend on the interpreter's Unicode version (3.11.2: Unicode 14.0.0,
the version tasks/metrics/unicode_tables.inc was generated from).

  python3 tests/tasks/metrics/make_reference_numbers.py --rouge-dir /tmp/metrics-ref \
    --sacrebleu-dir /tmp/metrics-ref/sacrebleu-src \
    --squad-script /tmp/metrics-ref/squad/evaluate_v2.py \
    --human-eval /tmp/metrics-ref/human_eval/evaluation.py
"""
import argparse
import ast
import importlib.util
import itertools
import sys
import types

# ---- Inputs (the C++ tests hold the same inputs, in the same order) ----

PORTER_WORDS = [
    "caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered", "bled",
    "motoring", "sing", "conflated", "troubled", "sized", "hopping", "tanned", "falling",
    "hissing", "fizzed", "failing", "filing", "happy", "sky", "relational", "conditional",
    "rational", "valenci", "hesitanci", "digitizer", "conformabli", "radicalli", "differentli",
    "vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism",
    "decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti",
    "triplicate", "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness",
    "revival", "allowance", "inference", "airliner", "gyroscopic", "adjustable", "defensible",
    "irritant", "replacement", "adjustment", "dependent", "adoption", "homologou", "communism",
    "activate", "angulariti", "homologous", "effective", "bowdlerize", "probate", "rate",
    "cease", "controlling", "roll", "running", "generously", "generous", "universities",
    "university", "dying", "lying", "tying", "skies", "news", "innings", "outings", "cannings",
    "howe", "proceed", "exceed", "succeed", "dies", "died", "spied", "flies", "enjoy", "spy",
    "fully", "archaeology", "geology", "oed", "abc123", "1990s", "2020", "quickly", "agreement",
    "easily", "meeting", "hoping", "octopi", "summarization", "summaries", "abilities",
]

ROUGE_CASES = [
    ("The quick brown fox jumps over the lazy dog", "The quick brown dog jumps on the log."),
    ("testing one two", "testing"),
    ("The cats are running quickly.", "A cat runs quick!"),
    ("He gave generously to the universities.", "They generously gave to universities"),
    ("the the the cat", "the the cat cat cat"),
    ("some text here", ""),
    ("", ""),
    ("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e in Z\u00fcrich", "cafe creme brulee in zurich"),
    ("300\u212a and \u0130stanbul", "300k and istanbul"),
    ("It costs $3.50 (approx.) -- 20% off!", "it costs 3 50 approx 20 off"),
    ("First sentence here.\nSecond one follows.\n\nThird line!",
     "second one\nfirst sentence\n   \nsomething else entirely"),
    ("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"),
    ("a b c\r\nd e f", "d e f\r\na b c"),
    ("police killed the gunman.\nthe gunman was armed.",
     "the gunman police killed.\npolice said the gunman was armed and killed."),
]
ROUGE_TYPES = ["rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"]

ROUGE_TOKENIZE = [
    "Hello, World! It's 2024.", "running cats generously", "\u0130stanbul \u212aelvin",
    "a-b_c d\u00e9j\u00e0 vu", "", "   ...   ",
]

BLEU_CASES = [
    ("The cat sat on the mat.", ["The cat is on the mat."]),
    ("Produc\u021bia de zah\u0103r prim\u0103 va fi exprimat\u0103 \u00een ceea ce "
     "prive\u0219te zah\u0103rul alb;",
     ["produc\u0163ia de zah\u0103r brut se exprim\u0103 \u00een zah\u0103r alb;"]),
    ("this is a cat", ["okay thanks"]),
    ("The dog bit the man.", ["The dog bit the man.", "The dog had bit the man."]),
    ("a b", ["a b c d e f"]),
    ("a b c d e f g h", ["a b c"]),
    ("He said &quot;hi&quot; &amp; left &lt;now&gt;.", ["He said \"hi\" & left <now>."]),
    ("It costs 3.50, or 1,000 in 2020-2021.", ["It costs 3.50 or 1,000 in 2020 - 2021."]),
    ("", ["something here"]),
    ("something", [""]),
    ("a b c d", ["a b c d e", "a b c"]),
    ("x a b c d", ["a b c", "a b c d e f g"]),
    ("foo<skipped> bar-\nbaz\nqux", ["foo barbaz qux"]),
    ("the end.   \n", ["the end."]),
    ("the the the the the the the", ["the cat is on the mat", "there is a cat on the mat"]),
    ("a\u00a0b\u3000c. d", ["a b c . d"]),
]

TOKENIZE_13A = [
    "Hello, world!", "It's 3.50, not 1,000.", "2020-2021 and x-y", "a.b,c", "end.",
    "&quot;q&quot; &amp;amp; &lt;tag&gt;", "tabs\there\u00a0nbsp", "foo<skipped>bar", "line-\nbreak",
    "caf\u00e9. na\u00efve,", "(parens) [brackets] {braces} $5 @home #tag", "..,,", "",
]

SQUAD_NORMALIZE = [
    "The Cat!", "an apple a day", "Theory of the Bands", "  multiple   spaces\tand\nnewlines ",
    "Beyonc\u00e9's", "\u00c9COLE Normale", "\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u03a3.",
    "the\u2014end", "th\u00e9 a", "\u0130stanbul",
    "caf\u00e9_au_lait", "1,000.50", "", "a\u0301 b", "THE", "A.B.C.",
]

SQUAD_CASES = [
    (["Denver Broncos", "The Denver Broncos"], "Denver Broncos"),
    (["Denver Broncos"], "the broncos of Denver"),
    ([], ""),
    ([], "something"),
    (["the"], ""),
    (["a b c"], "c b a"),
    (["New York City", "NYC"], "new york"),
    (["the cat the cat"], "cat"),
    (["Beyonc\u00e9 Knowles"], "BEYONC\u00c9"),
    (["$1,000"], "1000"),
    ([" ", "..."], "   "),
    (["Saint Bernadette Soubirous"], "Saint Bernadette"),
    (["a"], "an"),
]

PASS_AT_K = [
    (10, 0, 1), (10, 1, 1), (10, 3, 1), (10, 3, 5), (10, 8, 3), (200, 13, 1), (200, 13, 10),
    (200, 13, 100), (5, 5, 5), (100, 50, 10), (1000, 1, 500), (1, 1, 1), (1, 0, 1),
    (20, 2, 20), (7, 3, 4),
]


# ---- Output helpers ----

def cxx(s):
  """A C++ string literal for s (non-ASCII as \\u escapes, which GCC encodes as UTF-8)."""
  out = []
  for ch in s:
    c = ord(ch)
    if ch == "\\" or ch == '"':
      out.append("\\" + ch)
    elif ch == "\n":
      out.append("\\n")
    elif ch == "\r":
      out.append("\\r")
    elif ch == "\t":
      out.append("\\t")
    elif 0x20 <= c < 0x7F:
      out.append(ch)
    elif c <= 0xFFFF:
      out.append("\\u%04x" % c)
    else:
      out.append("\\U%08x" % c)
  return '"' + "".join(out) + '"'


def vec(strings):
  return "{" + ", ".join(cxx(s) for s in strings) + "}"


def num(x):
  return repr(float(x))


def section(title):
  print("\n// ---- %s ----" % title)


# ---- Loading the references ----

def load_module(name, path):
  spec = importlib.util.spec_from_file_location(name, path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def load_estimate_pass_at_k(path):
  """human_eval/evaluation.py's estimate_pass_at_k without its tqdm/execution imports."""
  import numpy as np
  tree = ast.parse(open(path).read())
  fn = next(n for n in tree.body
            if isinstance(n, ast.FunctionDef) and n.name == "estimate_pass_at_k")
  namespace = {"np": np, "itertools": itertools}
  exec("from typing import List, Union\n", namespace)
  exec(compile(ast.Module([fn], type_ignores=[]), path, "exec"), namespace)
  return namespace["estimate_pass_at_k"]


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--rouge-dir", required=True)
  parser.add_argument("--sacrebleu-dir", required=True)
  parser.add_argument("--squad-script", required=True)
  parser.add_argument("--human-eval", required=True)
  args = parser.parse_args()

  sys.path.insert(0, args.rouge_dir)
  sys.path.insert(0, args.sacrebleu_dir)
  try:
    import sacrebleu.version  # noqa: F401
  except ImportError:  # Generated by setuptools-scm at install time; absent in a checkout.
    stub = types.ModuleType("sacrebleu.version")
    stub.__version__ = "checkout (version.py absent)"
    sys.modules["sacrebleu.version"] = stub
  import nltk
  from nltk.stem import porter
  from rouge_score import rouge_scorer, tokenize
  import sacrebleu
  from sacrebleu.metrics import BLEU
  from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
  squad = load_module("squad_v2_eval", args.squad_script)
  estimate_pass_at_k = load_estimate_pass_at_k(args.human_eval)
  print("// Python %s, nltk %s, sacrebleu %s" % (sys.version.split()[0], nltk.__version__,
                                                 sacrebleu.__version__))

  section("porter_stemmer_test.cc kNltkStems: {word, PorterStemmer().stem(word)}")
  stemmer = porter.PorterStemmer()
  for word in PORTER_WORDS:
    print("    {%s, %s}," % (cxx(word), cxx(stemmer.stem(word))))

  section("rouge_test.cc kTokenizeCases: {text, use_stemmer, tokenize.tokenize(text, stemmer)}")
  for text in ROUGE_TOKENIZE:
    for use_stemmer in (False, True):
      tokens = tokenize.tokenize(text, stemmer if use_stemmer else None)
      print("    {%s, %s, %s}," % (cxx(text), str(use_stemmer).lower(), vec(tokens)))

  section("rouge_test.cc kRougeCases inputs: {target, prediction}")
  for target, prediction in ROUGE_CASES:
    print("    {%s, %s}," % (cxx(target), cxx(prediction)))
  section("rouge_test.cc kRougeScores: {case, type, use_stemmer, precision, recall, fmeasure}")
  for use_stemmer in (False, True):
    scorer = rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=use_stemmer)
    for i, (target, prediction) in enumerate(ROUGE_CASES):
      scores = scorer.score(target, prediction)
      for rouge_type in ROUGE_TYPES:
        s = scores[rouge_type]
        print("    {%d, %s, %s, %s, %s, %s}," % (i, cxx(rouge_type), str(use_stemmer).lower(),
                                                 num(s.precision), num(s.recall),
                                                 num(s.fmeasure)))

  section("bleu_test.cc kTokenize13a: {line, Tokenizer13a()(line)}")
  tok13a = Tokenizer13a()
  for line in TOKENIZE_13A:
    print("    {%s, %s}," % (cxx(line), cxx(tok13a(line))))

  section("bleu_test.cc kBleuCases: {hyp, refs, stats [hyp_len, ref_len, matches, totals], "
          "sentence_bleu}")
  metric = BLEU()
  all_stats = []
  for hyp, refs in BLEU_CASES:
    stats = metric._extract_corpus_statistics([hyp], [[r] for r in refs])[0]
    all_stats.append(stats)
    score = sacrebleu.sentence_bleu(hyp, refs).score
    print("    {%s, %s, {%s}, %s}," % (cxx(hyp), vec(refs), ", ".join(str(v) for v in stats),
                                       num(score)))
  section("bleu_test.cc corpus_bleu over all kBleuCases (missing references as None)")
  streams = max(len(refs) for _, refs in BLEU_CASES)
  ref_streams = [[refs[j] if j < len(refs) else None for _, refs in BLEU_CASES]
                 for j in range(streams)]
  hyps = [hyp for hyp, _ in BLEU_CASES]
  print("    kCorpusBleuAll = %s;" % num(sacrebleu.corpus_bleu(hyps, ref_streams).score))
  first = slice(0, 8)
  print("    kCorpusBleuFirst8 = %s;" % num(sacrebleu.corpus_bleu(
      hyps[first], [s[first] for s in ref_streams]).score))

  print("    kExpSmoothed = %s;  // compute_bleu([6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 'exp')"
        % num(BLEU.compute_bleu([6, 5, 4, 0], [6, 5, 4, 3], 6, 6, smooth_method="exp").score))

  section("squad_test.cc kNormalize: {text, normalize_answer(text)}")
  for text in SQUAD_NORMALIZE:
    print("    {%s, %s}," % (cxx(text), cxx(squad.normalize_answer(text))))
  section("squad_test.cc kSquadCases: {golds, prediction, exact, f1} (get_raw_scores' rule)")
  for golds, prediction in SQUAD_CASES:
    kept = [a for a in golds if squad.normalize_answer(a)] or [""]
    exact = max(squad.compute_exact(a, prediction) for a in kept)
    f1 = max(squad.compute_f1(a, prediction) for a in kept)
    print("    {%s, %s, %s, %s}," % (vec(golds), cxx(prediction), num(exact), num(f1)))

  section("pass_at_k_test.cc kPassAtK: {n, c, k, estimate_pass_at_k([n], [c], k)[0]}")
  for n, c, k in PASS_AT_K:
    print("    {%d, %d, %d, %s}," % (n, c, k, num(estimate_pass_at_k([n], [c], k)[0])))


if __name__ == "__main__":
  main()
