#!/usr/bin/env python3
"""Generates joulebench's built-in task suites (suites/<name>/task.yaml + samples.jsonl).

Every document is written for joulebench by this script: templates, phrase banks and fact tables
below, combined with fixed seeds. Nothing is downloaded and no external data is used.

    python3 suites/generate_suites.py            write every suite next to this script
    python3 suites/generate_suites.py --out DIR  write them under DIR instead
    python3 suites/generate_suites.py --check    regenerate into a temporary directory, fail (exit 1)
                                                 listing every file that differs from the committed
                                                 one, and run every code-generation problem's
                                                 canonical solution and a wrong one against its tests

Python 3 standard library only; the output is byte-identical from run to run.
"""

import argparse
import concurrent.futures
import difflib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def jsonl(docs):
    return "".join(json.dumps(d, ensure_ascii=False, sort_keys=False) + "\n" for d in docs)


def dedupe(items, key):
    seen, out = set(), []
    for it in items:
        k = key(it)
        if k in seen:
            continue
        seen.add(k)
        out.append(it)
    return out


def cap(s):
    return s[0].upper() + s[1:] if s else s


def fmt_int(n):
    """1234 -> '1,234' (GSM8K and news style)."""
    return f"{n:,}"


def interleave(groups, rng):
    """Shuffles each list, then deals them round-robin so labels stay balanced along the file."""
    groups = [list(g) for g in groups]
    for g in groups:
        rng.shuffle(g)
    out = []
    for i in range(max(len(g) for g in groups)):
        order = list(range(len(groups)))
        rng.shuffle(order)
        for j in order:
            if i < len(groups[j]):
                out.append(groups[j][i])
    return out


def pick(rng, seq, k=None):
    if k is None:
        return seq[rng.randrange(len(seq))]
    return rng.sample(seq, k)


# ---------------------------------------------------------------------------------------------
# 1. sentiment (mirrors Yelp Polarity)
# ---------------------------------------------------------------------------------------------

SENTIMENT_YAML = r'''# sentiment: mirrors Yelp Polarity (Garg et al. 2025's sentiment task). {n} reviews of restaurants,
# shops and services written for joulebench by suites/generate_suites.py from phrase banks (no
# external data): {pos} positive, {neg} negative, 1-5 sentences, some mixed but clearly leaning one
# way, some with negation ("not bad at all"). Asked zero-shot over the chat endpoint for one word;
# a regex picks positive/negative from the reply and exact_match compares it ignoring case.
# Format: tasks/task_yaml.h.
task: sentiment
metadata:
  version: 1.0
family: sentiment
doc_to_text: "Review: {{{{text}}}}\nIs the sentiment of this review positive or negative? Answer with one word: positive or negative.\nAnswer:"
doc_to_target: "{{{{label}}}}"
output_type: generate_until
endpoint: chat
num_fewshot: 0
generation_kwargs:
  until: ["\n\n"]
  max_gen_toks: 16
  do_sample: false
  temperature: 0
filter_list:
  - name: label-extract
    filter:
      - function: regex
        regex_pattern: "(?i)\\b(positive|negative)\\b"
        group_select: 0
      - function: take_first
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
    ignore_case: true
'''

# Each business kind: category (decides which generic phrases fit), names, what is judged, and
# kind-specific praise and complaints. Items listed in "plural" take {was}/{is} = were/are.
SENT_BUSINESSES = [
    {
        "kind": "restaurant", "cat": "food", "names": ["Luigi's Trattoria", "The Copper Pot", "Saffron House", "Marlow's Grill", "Casa Verde"],
        "items": ["lasagna", "grilled salmon", "mushroom risotto", "lamb curry", "steak frites", "seafood paella"],
        "good": ["the {item} was cooked perfectly", "the {item} was full of flavour", "every bite of the {item} was delicious",
                 "the {item} came out hot and beautifully presented", "the portions were generous and the {item} was excellent"],
        "bad": ["the {item} was cold by the time it reached us", "the {item} was bland and oversalted at the same time",
                "my {item} was undercooked", "the {item} tasted like it had been reheated twice", "the {item} was tiny and greasy"],
    },
    {
        "kind": "café", "cat": "food", "names": ["Bean There", "The Morning Cup", "Kettle & Crumb", "Café Lumen", "Northside Coffee"],
        "items": ["flat white", "blueberry muffin", "oat latte", "almond croissant", "chai", "cinnamon roll"],
        "good": ["the {item} was the best I've had in months", "my {item} was fresh and perfectly made",
                 "the {item} was rich and smooth", "they make a wonderful {item}"],
        "bad": ["the {item} was burnt and bitter", "my {item} was stale", "the {item} was lukewarm and watery",
                "they got my {item} wrong twice"],
    },
    {
        "kind": "bakery", "cat": "food", "names": ["Rosie's Bakehouse", "The Flour Mill", "Golden Crust", "Pan y Sol"],
        "items": ["sourdough loaf", "apple turnover", "cheese scone", "rye bread", "lemon tart", "baguette"],
        "good": ["the {item} was still warm and smelled amazing", "the {item} was light and perfectly baked",
                 "the {item} tasted homemade in the best way"],
        "bad": ["the {item} was dry and crumbly", "the {item} I had ordered was not ready when promised",
                "the {item} was hard as a rock the next morning"],
    },
    {
        "kind": "pizza place", "cat": "food", "names": ["Slice of Naples", "Tony's Pizza", "Forno Rosso"],
        "items": ["margherita", "pepperoni pizza", "garlic bread", "calzone"],
        "good": ["the {item} had a perfect crispy crust", "the {item} was loaded with toppings and tasted great"],
        "bad": ["the {item} arrived soggy and cold", "the {item} was burnt on the bottom"],
    },
    {
        "kind": "hair salon", "cat": "venue", "names": ["Shear Genius", "Studio Nine", "The Cutting Room", "Bella Hair"],
        "items": ["haircut", "colour treatment", "trim", "blow-dry"],
        "good": ["my {item} turned out exactly how I asked", "the stylist took her time and the {item} looks fantastic",
                 "I got so many compliments on my {item}"],
        "bad": ["my {item} came out uneven", "the stylist ignored what I asked for and rushed the {item}",
                "the {item} left my hair looking worse than before"],
    },
    {
        "kind": "bike repair shop", "cat": "venue", "names": ["Spokes & Chains", "Velo Fix", "Pedal Point"],
        "items": ["brake repair", "tune-up", "wheel truing", "chain replacement"],
        "good": ["the {item} was done the same day", "the bike rides like new after the {item}",
                 "they explained the {item} clearly and charged less than quoted"],
        "bad": ["the {item} took two weeks instead of two days", "the squeak was back a day after the {item}",
                "they charged me for a {item} they never finished"],
    },
    {
        "kind": "hotel", "cat": "venue", "names": ["The Harbour Inn", "Maple Lodge", "Hotel Arden", "Seaview Suites"],
        "items": ["room", "suite", "family room", "double room"],
        "good": ["the {item} was spotless", "the {item} was comfortable and quiet", "the {item} was even nicer than the photos"],
        "bad": ["the {item} was dirty when we arrived", "the {item} smelled of smoke", "the {item} was nothing like the photos"],
    },
    {
        "kind": "bookshop", "cat": "venue", "names": ["Paper Lantern Books", "Chapter & Verse", "The Reading Nook"],
        "items": ["children's section", "poetry section", "travel section", "history section"],
        "good": ["the {item} is wonderfully stocked", "the {item} had exactly what I was looking for",
                 "the {item} is full of books you won't find anywhere else"],
        "bad": ["the {item} was a mess", "the {item} had almost nothing on the shelves",
                "everything in the {item} was overpriced and dusty"],
    },
    {
        "kind": "car wash", "cat": "venue", "names": ["Sparkle Auto Spa", "Clearwater Car Wash", "Shine Time"],
        "items": ["interior clean", "full valet", "wax and polish"],
        "good": ["the {item} left the car gleaming", "the {item} was thorough, right down to the door pockets"],
        "bad": ["the {item} missed half the car", "the {item} left streaks all over the windows",
                "they scratched the paintwork during the {item}"],
    },
    {
        "kind": "dental clinic", "cat": "venue", "names": ["Bright Smile Dental", "Elm Street Dentistry", "Park Lane Dental"],
        "items": ["check-up", "filling", "cleaning"],
        "good": ["the {item} was quick and painless", "the dentist explained the {item} step by step and put me at ease"],
        "bad": ["the {item} was rushed and painful", "they billed me for a {item} I never had"],
    },
    {
        "kind": "gym", "cat": "venue", "names": ["IronWorks Fitness", "Peak Gym", "CoreFit Studio"],
        "items": ["weights area", "changing rooms", "pool", "equipment"], "plural": ["changing rooms"],
        "good": ["the {item} {is} clean and well maintained", "the {item} {is} never too crowded"],
        "bad": ["the {item} {is} filthy", "the {item} {is} always overcrowded"],
    },
    {
        "kind": "florist", "cat": "venue", "names": ["Petal & Stem", "The Flower Cart", "Wildbloom"],
        "items": ["bouquet", "wedding flowers", "birthday arrangement"], "plural": ["wedding flowers"],
        "good": ["the {item} {was} stunning and lasted over a week", "the {item} {was} even prettier than the picture"],
        "bad": ["the {item} {was} wilted on arrival", "the {item} looked nothing like what we ordered"],
    },
    {
        "kind": "garage", "cat": "venue", "names": ["Miller's Motors", "AutoCare Centre", "Greenway Garage"],
        "items": ["MOT", "oil change", "brake pad replacement", "clutch repair"],
        "good": ["the {item} was done on time and at a fair price", "they found the real problem during the {item} and fixed it properly"],
        "bad": ["the {item} took three days longer than promised", "they tried to upsell me during the {item} and still got it wrong"],
    },
    {
        "kind": "plumber", "cat": "home", "names": ["FlowRight Plumbing", "Dalton & Sons", "QuickPipe Services"],
        "items": ["leaking tap", "blocked drain", "broken boiler", "burst pipe"],
        "good": ["the {item} was sorted in under an hour", "the {item} was fixed properly and has held up perfectly",
                 "he explained what was wrong with the {item} and tidied up afterwards"],
        "bad": ["the problem with the {item} came back two days later", "the {item} was left half fixed",
                "fixing the {item} cost twice the quote"],
    },
]

ALL, FOOD, NOT_HOME, HOME = {"food", "venue", "home"}, {"food"}, {"food", "venue"}, {"home"}

# (sentence, categories it fits)
SENT_STAFF_GOOD = [
    ("The staff were friendly and attentive.", ALL), ("Our server, {person}, was lovely and really knew the menu.", FOOD),
    ("Everyone who works there is warm and welcoming.", NOT_HOME), ("{person} at the front desk went out of {their} way to help.", NOT_HOME),
    ("The owner came over to check that everything was fine.", NOT_HOME), ("Service was fast and cheerful.", ALL),
    ("The team was patient with all my questions.", ALL), ("{person}, who came out, was polite and careful.", HOME),
]
SENT_STAFF_BAD = [
    ("The staff were rude and clearly did not want to be there.", ALL), ("{person} barely looked up from {their} phone the whole time.", ALL),
    ("Nobody greeted us and we had to flag someone down twice.", NOT_HOME), ("The manager argued with me instead of apologising.", ALL),
    ("Service was painfully slow.", ALL), ("The woman at the counter rolled her eyes when I asked a question.", NOT_HOME),
    ("The staff seemed completely disorganised.", ALL),
]
SENT_PRICE_GOOD = [("Prices are very reasonable for the quality.", ALL), ("Great value for money.", ALL),
                   ("It cost less than I expected, too.", ALL), ("You get a lot for what you pay.", ALL)]
SENT_PRICE_BAD = [("Way overpriced for what you get.", ALL), ("The bill was outrageous.", ALL),
                  ("They added a hidden service charge to the bill.", ALL), ("At these prices I expected far better.", ALL)]
SENT_PLACE_GOOD = [("The place is bright, clean and relaxing.", NOT_HOME), ("It's spotless inside.", NOT_HOME),
                   ("The atmosphere is cosy without being cramped.", NOT_HOME), ("Everything was clean and well organised.", NOT_HOME),
                   ("He put down dust sheets and left the kitchen cleaner than he found it.", HOME),
                   ("He turned up exactly when he said he would.", HOME)]
SENT_PLACE_BAD = [("The place was dirty and the floor was sticky.", NOT_HOME), ("It was loud, cramped and smelled of old grease.", FOOD),
                  ("The bins were overflowing by the entrance.", NOT_HOME), ("Everything looked tired and neglected.", NOT_HOME),
                  ("He tracked mud through the whole house.", HOME), ("He left old pipe and rubbish all over the floor.", HOME)]
SENT_WAIT_GOOD = [("We were seen within five minutes.", NOT_HOME), ("No waiting at all, even on a busy {day}.", NOT_HOME),
                  ("They were ready exactly when they said they would be.", ALL), ("They fitted me in the same day I called.", ALL)]
SENT_WAIT_BAD = [("We waited {n} minutes with no explanation.", ALL), ("The wait was over an hour even though I had booked.", NOT_HOME),
                 ("They kept me waiting {n} minutes past my appointment.", NOT_HOME), ("He showed up {n} minutes late without calling.", HOME)]
# Negation that still reads unambiguously.
SENT_NEG_POS = [
    ("Not bad at all, honestly.", ALL), ("I have no complaints whatsoever.", ALL), ("I couldn't have asked for a better experience.", ALL),
    ("You won't be disappointed.", ALL), ("I can't remember the last time I was this impressed.", ALL),
    ("Never had a bad visit here.", NOT_HOME), ("Nothing to fault.", ALL), ("I wasn't expecting much, but it was genuinely great.", ALL),
]
SENT_NEG_NEG = [
    ("Not worth the money.", ALL), ("I would not recommend it to anyone.", ALL), ("Nothing about the visit was pleasant.", ALL),
    ("I can't say I'd ever go back.", NOT_HOME), ("It wasn't good, not even close.", ALL), ("Not once did anyone apologise.", ALL),
    ("There is nothing on the menu I would order again.", FOOD), ("I would never call them again.", HOME),
]
# A minor point against the review's direction, always followed by a "but" clause and a verdict.
SENT_MINOR_AGAINST_POS = [("Parking is a bit tight, ", NOT_HOME), ("The music was slightly too loud, ", FOOD),
                          ("It's a little hard to find, ", NOT_HOME), ("The chairs aren't the comfiest, ", NOT_HOME),
                          ("Booking took a couple of phone calls, ", ALL), ("He arrived ten minutes late, ", HOME)]
SENT_MINOR_AGAINST_NEG = [("The decor is nice, I'll admit, ", NOT_HOME), ("The location is convenient, ", NOT_HOME),
                          ("The website looks lovely, ", ALL), ("The first five minutes were fine, ", ALL),
                          ("He did turn up on time, ", HOME), ("The lighting is pleasant, ", NOT_HOME)]
SENT_BUT_POS = ["but that's a tiny quibble.", "but honestly it didn't matter.", "but everything else more than made up for it.",
                "but it's a small price to pay for service this good."]
SENT_BUT_NEG = ["but that doesn't make up for the rest.", "but that's the only nice thing I can say.",
                "but it hardly matters when everything else is this bad.", "but that's where the good news ends."]
SENT_OPEN_NEUTRAL = [
    ("Went to {name} on a {day} {time}.", NOT_HOME), ("First visit to {name} last week.", NOT_HOME),
    ("We tried {name} for my {rel}'s birthday.", FOOD), ("Stopped by {name} after work.", NOT_HOME),
    ("I've been using {name} for about a year.", ALL), ("Booked {name} after seeing it recommended online.", ALL),
    ("Called {name} out on a {day} {time}.", HOME),
]
SENT_OPEN_POS = [("What a find!", ALL), ("{name} is a gem.", ALL), ("So glad we tried {name}.", ALL), ("Five stars for {name}.", ALL)]
SENT_OPEN_NEG = [("What a letdown.", ALL), ("Avoid {name}.", ALL), ("One star, and that's generous.", ALL),
                 ("{name} was a huge disappointment.", ALL)]
SENT_CLOSE_POS = [("Will definitely be back.", NOT_HOME), ("Highly recommend.", ALL), ("Already planning my next visit.", NOT_HOME),
                  ("I'll be telling all my friends.", ALL), ("Can't wait to go again.", NOT_HOME),
                  ("Best {kind} in town, hands down.", ALL), ("They're the only people I'll call from now on.", HOME)]
SENT_CLOSE_NEG = [("Won't be returning.", NOT_HOME), ("Save your money and go elsewhere.", ALL), ("Never again.", ALL),
                  ("Avoid at all costs.", ALL), ("I'll be taking my business somewhere else.", ALL),
                  ("Easily the worst {kind} I've ever dealt with.", ALL)]
SENT_ONE_POS = [("Best {kind} in town, hands down: {q}.", ALL), ("Absolutely loved {name}; {q} and the staff were wonderful.", ALL),
                ("{name} never lets me down: {q}.", ALL), ("Not bad at all, in fact {q} and I'd happily use them again.", ALL)]
SENT_ONE_NEG = [("Terrible experience with {name}: {q} and nobody cared.", ALL), ("Worst {kind} I've ever used: {q}.", ALL),
                ("I won't be using {name} again, because {q}.", ALL), ("Not good at all: {q} and the staff were rude about it.", ALL)]
SENT_PEOPLE = [("Maria", "her"), ("Jake", "his"), ("Priya", "her"), ("Tom", "his"), ("Aisha", "her"), ("Daniel", "his"),
               ("Chen", "his"), ("Lucy", "her"), ("Omar", "his"), ("Grace", "her")]
SENT_DAYS = ["Saturday", "Monday", "Friday", "Sunday", "Wednesday"]
SENT_TIMES = ["evening", "morning", "afternoon", "lunchtime"]
SENT_RELS = ["mum", "dad", "sister", "brother", "partner", "friend"]


def _sent_pick(rng, bank, biz):
    return pick(rng, [s for s, cats in bank if biz["cat"] in cats])


def _sent_fill(rng, s, biz, name, q=""):
    person, their = pick(rng, SENT_PEOPLE)
    if biz["cat"] == "home":
        person, their = pick(rng, [p for p in SENT_PEOPLE if p[1] == "his"])
    return s.format(name=name, kind=biz["kind"], person=person, their=their, day=pick(rng, SENT_DAYS),
                    time=pick(rng, SENT_TIMES), rel=pick(rng, SENT_RELS), n=pick(rng, [25, 40, 45, 50, 70]), q=q)


def _sentiment_review(rng, label):
    pos = label == "positive"
    biz = pick(rng, SENT_BUSINESSES)
    name = pick(rng, biz["names"])
    item = pick(rng, biz["items"])
    plural = item in biz.get("plural", [])
    quality = pick(rng, biz["good"] if pos else biz["bad"]).format(
        item=item, was="were" if plural else "was", **{"is": "are" if plural else "is"})
    n_sent = pick(rng, [1, 2, 3, 3, 4, 4, 5])
    if n_sent == 1:
        return cap(_sent_fill(rng, _sent_pick(rng, SENT_ONE_POS if pos else SENT_ONE_NEG, biz), biz, name, quality))
    aspects = [cap(quality) + "."]
    banks = [(SENT_STAFF_GOOD, SENT_STAFF_BAD), (SENT_PRICE_GOOD, SENT_PRICE_BAD), (SENT_PLACE_GOOD, SENT_PLACE_BAD),
             (SENT_WAIT_GOOD, SENT_WAIT_BAD), (SENT_NEG_POS, SENT_NEG_NEG)]
    rng.shuffle(banks)
    for good, bad in banks:
        aspects.append(_sent_fill(rng, _sent_pick(rng, good if pos else bad, biz), biz, name))
    opener_kind = rng.random()
    if opener_kind < 0.4:
        opener = _sent_fill(rng, _sent_pick(rng, SENT_OPEN_NEUTRAL, biz), biz, name)
    elif opener_kind < 0.7:
        opener = _sent_fill(rng, _sent_pick(rng, SENT_OPEN_POS if pos else SENT_OPEN_NEG, biz), biz, name)
    else:
        opener = None
    closer = _sent_fill(rng, _sent_pick(rng, SENT_CLOSE_POS if pos else SENT_CLOSE_NEG, biz), biz, name)
    mixed = n_sent >= 3 and rng.random() < 0.35
    body_n = n_sent - 1 - (1 if opener else 0) - (1 if mixed else 0)
    if body_n < 1:
        opener = None
        body_n = n_sent - 1 - (1 if mixed else 0)
    body = aspects[:body_n]
    rng.shuffle(body)
    sents = ([opener] if opener else []) + body
    if mixed:
        minor = _sent_pick(rng, SENT_MINOR_AGAINST_POS if pos else SENT_MINOR_AGAINST_NEG, biz)
        sents.append(minor + pick(rng, SENT_BUT_POS if pos else SENT_BUT_NEG))
    sents.append(closer)
    return " ".join(sents)


def gen_sentiment():
    rng = random.Random(101)
    per_label = 120
    groups = []
    for label in ("positive", "negative"):
        docs, seen = [], set()
        while len(docs) < per_label:
            text = _sentiment_review(rng, label)
            if text in seen:
                continue
            seen.add(text)
            docs.append({"text": text, "label": label})
        groups.append(docs)
    docs = interleave(groups, random.Random(102))
    counts = {l: sum(d["label"] == l for d in docs) for l in ("positive", "negative")}
    yaml = SENTIMENT_YAML.format(n=len(docs), pos=counts["positive"], neg=counts["negative"])
    return yaml, docs

# ---------------------------------------------------------------------------------------------
# 2. nli (mirrors SNLI)
# ---------------------------------------------------------------------------------------------

NLI_YAML = r'''# nli: mirrors Stanford SNLI (Garg et al. 2025's natural-language-inference task). {n} premise /
# hypothesis pairs written for joulebench by suites/generate_suites.py from scene templates (who,
# doing what, where; no external data): {e} entailment (the hypothesis generalises the premise or
# keeps a subset of it), {u} neutral (it adds a detail the premise cannot confirm), {c} contradiction
# (an incompatible activity or place, or "nobody"). Asked zero-shot over the chat endpoint for one
# word; a regex picks the label from the reply and exact_match compares it ignoring case.
# Format: tasks/task_yaml.h.
task: nli
metadata:
  version: 1.0
family: nli
doc_to_text: "Premise: {{{{premise}}}}\nHypothesis: {{{{hypothesis}}}}\nDoes the premise entail the hypothesis, contradict it, or neither? Answer with one word: entailment, neutral or contradiction.\nAnswer:"
doc_to_target: "{{{{label}}}}"
output_type: generate_until
endpoint: chat
num_fewshot: 0
generation_kwargs:
  until: ["\n\n"]
  max_gen_toks: 16
  do_sample: false
  temperature: 0
filter_list:
  - name: label-extract
    filter:
      - function: regex
        regex_pattern: "(?i)\\b(entailment|neutral|contradiction)\\b"
        group_select: 0
      - function: take_first
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
    ignore_case: true
'''

# Subjects: premise phrase, plural?, definite reference, entailed generalisations, kind,
# and statements about the subject the premise cannot confirm (neutral).
NLI_SUBJECTS = [
    {"np": "A man", "pl": False, "ref": "The man", "gen": ["A person", "Someone"], "kind": "adult",
     "neutral": ["The man is waiting for his wife.", "The man is on his lunch break.", "The man is a father of three."]},
    {"np": "A woman", "pl": False, "ref": "The woman", "gen": ["A person", "Someone"], "kind": "adult",
     "neutral": ["The woman is on her day off.", "The woman is waiting for her sister.", "The woman is a nurse."]},
    {"np": "A man in a blue shirt", "pl": False, "ref": "The man", "gen": ["A man", "A person", "Someone in a shirt"], "kind": "adult",
     "neutral": ["The man bought the shirt yesterday.", "The man is late for a meeting."]},
    {"np": "A woman wearing a yellow raincoat", "pl": False, "ref": "The woman", "gen": ["A woman", "A person", "Someone in a coat"],
     "kind": "adult", "neutral": ["The woman is expecting rain later.", "The woman is on her way home from work."]},
    {"np": "An elderly woman", "pl": False, "ref": "The woman", "gen": ["A woman", "An old woman", "A person"], "kind": "adult",
     "neutral": ["The woman is a retired teacher.", "The woman has five grandchildren."]},
    {"np": "An old man with a gray beard", "pl": False, "ref": "The man", "gen": ["A man", "An old man", "A man with a beard"],
     "kind": "adult", "neutral": ["The man is a grandfather.", "The man used to be a sailor."]},
    {"np": "A young boy", "pl": False, "ref": "The boy", "gen": ["A child", "A kid", "A boy"], "kind": "child",
     "neutral": ["The boy is seven years old.", "The boy is showing off for his friends."]},
    {"np": "A little girl in a pink dress", "pl": False, "ref": "The girl", "gen": ["A child", "A girl", "A girl in a dress"],
     "kind": "child", "neutral": ["The girl is at her cousin's birthday party.", "The girl got the dress as a present."]},
    {"np": "Two women", "pl": True, "ref": "The women", "gen": ["Two people", "Some women", "People"], "kind": "adult",
     "neutral": ["The women are sisters.", "The women met for the first time today."]},
    {"np": "Three children", "pl": True, "ref": "The children", "gen": ["Some kids", "Children", "Several children"], "kind": "child",
     "neutral": ["The children are on a school trip.", "The children are brothers and sisters."]},
    {"np": "Two men in orange vests", "pl": True, "ref": "The men", "gen": ["Two men", "Two people", "Some men"], "kind": "adult",
     "neutral": ["The men are being paid overtime.", "The men have worked together for years."]},
    {"np": "A teenage girl", "pl": False, "ref": "The girl", "gen": ["A girl", "A teenager", "A young person"], "kind": "child",
     "neutral": ["The girl is practising for a competition.", "The girl is fifteen years old."]},
]

# Locations: phrase, entailed generalisation (or None when the place could be indoors or out), and
# places that cannot hold at the same time (contradiction).
NLI_LOCATIONS = {
    "park": {"np": "in a park", "gen": "outdoors", "incompatible": ["inside a movie theater", "in a library", "inside an office"]},
    "beach": {"np": "on a beach", "gen": "outside", "incompatible": ["in a library", "inside a shopping mall", "in a classroom"]},
    "street": {"np": "on a busy street", "gen": "outside", "incompatible": ["in a quiet library", "in a bedroom", "inside a museum"]},
    "stage": {"np": "on a stage", "gen": None, "incompatible": ["on a crowded bus", "in a hospital waiting room", "in a school library"]},
    "kitchen": {"np": "in a kitchen", "gen": "indoors", "incompatible": ["on a mountain top", "on a beach", "in a rowing boat"]},
    "field": {"np": "on a grassy field", "gen": "outdoors", "incompatible": ["inside a classroom", "in an elevator", "inside a museum"]},
    "lake": {"np": "on a frozen lake", "gen": "outdoors", "incompatible": ["at an indoor ice rink", "in a desert", "on a city street"]},
    "snow": {"np": "in the snow", "gen": "outside", "incompatible": ["indoors by a fire", "on a sunny beach", "in a heated greenhouse"]},
    "living room": {"np": "in a living room", "gen": "indoors", "incompatible": ["on a beach", "in a forest", "on a mountain trail"]},
    "garden": {"np": "in a garden", "gen": "outdoors", "incompatible": ["inside a shopping mall", "on a beach", "in a school gym"]},
    "market": {"np": "at an outdoor market", "gen": "outside", "incompatible": ["inside a bank", "in a hospital bed", "in a classroom"]},
    "workshop": {"np": "in a workshop", "gen": "indoors", "incompatible": ["on a beach", "on a ski slope", "in a swimming pool"]},
    "road": {"np": "on a country road", "gen": "outdoors", "incompatible": ["inside a shopping mall", "in a library", "in a kitchen"]},
    "pool": {"np": "in a swimming pool", "gen": None, "incompatible": ["in the sea", "in a river", "in a lake"]},
}

# Activities: singular and plural forms, generalisations (singular, plural), allowed subject kinds,
# places, incompatible activities (contradiction) and activity-specific unverifiable extras (neutral).
NLI_ACTIVITIES = [
    {"s": "playing a guitar", "p": "playing guitars", "gs": ["playing an instrument", "playing music"], "gp": ["playing instruments", "making music"],
     "kinds": ["adult", "child"], "locs": ["park", "stage", "street", "living room"],
     "contra": ["sleeping", "swimming laps"], "extra": ["for tips", "for a crowd of tourists", "at a friend's wedding"]},
    {"s": "riding a bicycle", "p": "riding bicycles", "gs": ["riding a bike", "cycling"], "gp": ["riding bikes", "cycling"],
     "kinds": ["adult", "child"], "locs": ["park", "street", "road"],
     "contra": ["sleeping", "sitting on a sofa", "swimming"], "extra": ["to get to work", "in a race", "for the first time"]},
    {"s": "cooking pasta", "p": "cooking pasta", "gs": ["cooking", "making food", "preparing a meal"], "gp": ["cooking", "making food"],
     "kinds": ["adult"], "locs": ["kitchen", "market"],
     "contra": ["sleeping", "jogging", "swimming"], "extra": ["for a dinner party", "from a family recipe", "for the first time"]},
    {"s": "building a snowman", "p": "building a snowman", "gs": ["playing in the snow", "making something out of snow"],
     "gp": ["playing in the snow", "making something out of snow"],
     "kinds": ["adult", "child"], "locs": ["snow", "garden", "park"],
     "contra": ["sunbathing", "sleeping", "swimming"], "extra": ["for a competition", "after school", "with a carrot for a nose"]},
    {"s": "kicking a soccer ball", "p": "kicking a soccer ball", "gs": ["playing with a ball", "kicking a ball"], "gp": ["playing with a ball", "kicking a ball"],
     "kinds": ["adult", "child"], "locs": ["park", "field", "beach", "street"],
     "contra": ["sleeping", "sitting at a desk", "taking a bath"], "extra": ["during a professional match", "to practise for a tournament", "after school"]},
    {"s": "painting a fence", "p": "painting a fence", "gs": ["painting", "working on a fence"], "gp": ["painting", "working on a fence"],
     "kinds": ["adult", "child"], "locs": ["garden", "road"],
     "contra": ["sleeping", "swimming", "driving a car"], "extra": ["to earn pocket money", "white", "for a neighbour"]},
    {"s": "reading a newspaper", "p": "reading newspapers", "gs": ["reading", "looking at a newspaper"], "gp": ["reading", "looking at newspapers"],
     "kinds": ["adult"], "locs": ["park", "living room", "beach", "market"],
     "contra": ["sleeping", "running a marathon", "swimming"], "extra": ["about yesterday's election", "while waiting for a bus", "about the local football team"]},
    {"s": "ice skating", "p": "ice skating", "gs": ["skating", "on the ice"], "gp": ["skating", "on the ice"],
     "kinds": ["adult", "child"], "locs": ["lake"],
     "contra": ["sleeping", "swimming", "sitting in a car"], "extra": ["for the first time", "in a competition", "to stay fit"]},
    {"s": "selling vegetables", "p": "selling vegetables", "gs": ["selling food", "working", "selling something"], "gp": ["selling food", "working"],
     "kinds": ["adult"], "locs": ["market", "street", "road"],
     "contra": ["sleeping", "swimming", "flying a plane"], "extra": ["from a local farm", "at half price", "to raise money for a school trip"]},
    {"s": "fixing a bicycle wheel", "p": "fixing a bicycle wheel", "gs": ["repairing something", "working on a bicycle"],
     "gp": ["repairing something", "working on a bicycle"],
     "kinds": ["adult", "child"], "locs": ["workshop", "street", "garden"],
     "contra": ["sleeping", "swimming", "dancing at a party"], "extra": ["for a customer", "before a long ride", "with borrowed tools"]},
    {"s": "dancing", "p": "dancing", "gs": ["moving to music", "dancing"], "gp": ["moving to music", "dancing"],
     "kinds": ["adult", "child"], "locs": ["stage", "street", "living room", "beach"],
     "contra": ["sleeping", "sitting completely still", "lying in bed"], "extra": ["at a wedding", "to celebrate a birthday", "for a talent show"]},
    {"s": "walking a dog", "p": "walking a dog", "gs": ["walking", "with an animal", "with a dog"], "gp": ["walking", "with a dog"],
     "kinds": ["adult", "child"], "locs": ["park", "beach", "street", "road"],
     "contra": ["sleeping", "swimming", "driving a bus"], "extra": ["that belongs to a neighbour", "before breakfast", "to the vet"]},
    {"s": "swimming", "p": "swimming", "gs": ["in the water", "swimming"], "gp": ["in the water", "swimming"],
     "kinds": ["adult", "child"], "locs": ["pool"],
     "contra": ["sleeping in a bed", "riding a bicycle", "reading a book on a sofa"], "extra": ["for the first time", "in a race", "to train for a triathlon"]},
    {"s": "planting flowers", "p": "planting flowers", "gs": ["gardening", "planting something"], "gp": ["gardening", "planting something"],
     "kinds": ["adult", "child"], "locs": ["garden", "park"],
     "contra": ["sleeping", "swimming", "skiing"], "extra": ["for a friend's wedding", "that will bloom in spring", "to win a gardening prize"]},
    {"s": "carrying a heavy box", "p": "carrying heavy boxes", "gs": ["carrying something", "lifting a box"], "gp": ["carrying something", "lifting boxes"],
     "kinds": ["adult"], "locs": ["street", "workshop", "living room"],
     "contra": ["sleeping", "swimming", "sitting with empty hands"], "extra": ["full of books", "to a moving van", "for a neighbour"]},
]


def _nli_be(pl):
    return "are" if pl else "is"


def _nli_gen_be(phrase):
    return "are" if phrase.split()[0] in ("Two", "Some", "People", "Children", "Several") else "is"


def gen_nli():
    rng = random.Random(202)
    scenes = []
    for act in NLI_ACTIVITIES:
        for subj in NLI_SUBJECTS:
            if subj["kind"] not in act["kinds"]:
                continue
            for loc in act["locs"]:
                scenes.append((subj, act, NLI_LOCATIONS[loc]))
    rng.shuffle(scenes)

    def premise(subj, act, loc):
        return f"{subj['np']} {_nli_be(subj['pl'])} {act['p'] if subj['pl'] else act['s']} {loc['np']}."

    def entail(subj, act, loc):
        pl = subj["pl"]
        a = act["p"] if pl else act["s"]
        ga = pick(rng, act["gp"] if pl else act["gs"])
        gsubj = pick(rng, subj["gen"])
        options = [
            f"{gsubj} {_nli_gen_be(gsubj)} {a} {loc['np']}.",
            f"{subj['np']} {_nli_be(pl)} {ga}.",
            f"{gsubj} {_nli_gen_be(gsubj)} {ga}.",
            f"{gsubj} {_nli_gen_be(gsubj)} {a}.",
        ]
        if loc["gen"]:
            options.append(f"{gsubj} {_nli_gen_be(gsubj)} {ga} {loc['gen']}.")
            options.append(f"{subj['np']} {_nli_be(pl)} {a} {loc['gen']}.")
        return pick(rng, options)

    def neutral(subj, act, loc):
        pl = subj["pl"]
        a = act["p"] if pl else act["s"]
        options = [f"{subj['ref']} {_nli_be(pl)} {a} {pick(rng, act['extra'])}.", pick(rng, subj["neutral"])]
        return pick(rng, options)

    def contra(subj, act, loc):
        pl = subj["pl"]
        a = act["p"] if pl else act["s"]
        ga = pick(rng, act["gp"] if pl else act["gs"])
        options = [
            f"{subj['ref']} {_nli_be(pl)} {pick(rng, act['contra'])}.",
            f"{subj['np']} {_nli_be(pl)} {a} {pick(rng, loc['incompatible'])}.",
            f"Nobody is {act['s']}.",
        ]
        return pick(rng, options)

    per_label = 60
    makers = [("entailment", entail), ("neutral", neutral), ("contradiction", contra)]
    groups = {l: [] for l, _ in makers}
    seen_pairs, premise_use = set(), {}
    i = 0
    while any(len(g) < per_label for g in groups.values()):
        subj, act, loc = scenes[i % len(scenes)]
        i += 1
        label, maker = makers[i % 3]
        if len(groups[label]) >= per_label:
            continue
        p = premise(subj, act, loc)
        h = maker(subj, act, loc)
        if (p, h) in seen_pairs or premise_use.get(p, 0) >= 2:
            continue
        seen_pairs.add((p, h))
        premise_use[p] = premise_use.get(p, 0) + 1
        groups[label].append({"premise": p, "hypothesis": h, "label": label})
    docs = interleave([groups[l] for l, _ in makers], random.Random(203))
    yaml = NLI_YAML.format(n=len(docs), e=len(groups["entailment"]), u=len(groups["neutral"]), c=len(groups["contradiction"]))
    return yaml, docs

# ---------------------------------------------------------------------------------------------
# 3. arith-cot (mirrors GSM8K)
# ---------------------------------------------------------------------------------------------

ARITH_COT_YAML = r'''# arith-cot: mirrors GSM8K (Cao et al. 2026's GSM8K; Garg et al. 2025's chain-of-thought
# reasoning). {n} multi-step (2-4 step) word problems about shopping, rates, time, sharing and
# percentages, written for joulebench by suites/generate_suites.py from {f} parameterised problem
# families (no external data); every answer is a whole number computed in code. Answers are in
# GSM8K's format: a worked solution with calculator annotations such as "<<48/2=24>>" and a final
# line "#### 72". Asked over the completions endpoint, 4-shot with lm-eval's seeded default
# sampler, exactly as lm-eval's gsm8k task: strict-match (the number after "####", the primary
# score) and flexible-extract (the last number) pipelines, exact_match ignoring case, commas,
# dollar signs, everything up to "#### " and a final full stop. Format: tasks/task_yaml.h.
task: arith-cot
metadata:
  version: 1.0
family: math
doc_to_text: "Question: {{{{question}}}}\nAnswer:"
doc_to_target: "{{{{answer}}}}"
output_type: generate_until
endpoint: completions
num_fewshot: 4
fewshot_config:
  sampler: default
generation_kwargs:
  until: ["Question:", "</s>", "<|im_end|>"]
  max_gen_toks: 256
  do_sample: false
  temperature: 0
filter_list:
  - name: strict-match
    filter:
      - function: regex
        regex_pattern: "#### (\\-?[0-9\\.\\,]+)"
        group_select: 0
      - function: take_first
  - name: flexible-extract
    filter:
      - function: regex
        regex_pattern: "(-?[$0-9.,]{{2,}})|(-?[0-9]+)"
        group_select: -1
      - function: take_first
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
    ignore_case: true
    regexes_to_ignore: [",", "\\$", "(?s).*#### ", "\\.$"]
'''

ARITH_PEOPLE = [("Mia", "she", "her"), ("Liam", "he", "his"), ("Sofia", "she", "her"), ("Noah", "he", "his"),
                ("Amara", "she", "her"), ("Mateo", "he", "his"), ("Hannah", "she", "her"), ("Kenji", "he", "his"),
                ("Zara", "she", "her"), ("Ethan", "he", "his"), ("Leila", "she", "her"), ("Oscar", "he", "his"),
                ("Priya", "she", "her"), ("Samuel", "he", "his"), ("Chloe", "she", "her"), ("Tariq", "he", "his"),
                ("Ingrid", "she", "her"), ("Marcus", "he", "his"), ("Rosa", "she", "her"), ("Felix", "he", "his")]


def _calc(expr, unit=""):
    """'48/2' -> ('48/2 = <<48/2=24>>24', 24), with exact integer arithmetic."""
    py = expr.replace("/", "//")
    value = eval(py)  # noqa: S307 - our own arithmetic on literals
    check = eval(expr)  # true division must agree: every step is a whole number
    assert check == value, (expr, check)
    return f"{expr} = {unit}<<{expr}={value}>>{value}", value


def _arith_shopping(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    (i1, p1r), (i2, p2r) = pick(rng, [("notebooks", (2, 6)), ("pens", (1, 4)), ("folders", (2, 5)), ("markers", (2, 4)),
                                      ("erasers", (1, 2)), ("rulers", (2, 5))], 2)
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    p, q = rng.randint(*p1r), rng.randint(*p2r)
    total = a * p + b * q
    bill = 50 if total < 45 else 100
    if total >= bill:
        return None
    qs = pick(rng, [
        f"{name} buys {a} {i1} for ${p} each and {b} {i2} for ${q} each. {cap(she)} pays with a ${bill} bill. How much change does {she} get?",
        f"At the school shop, {i1} cost ${p} each and {i2} cost ${q} each. {name} buys {a} {i1} and {b} {i2} and hands over ${bill}. How many dollars of change should {she} receive?",
    ])
    s1, x = _calc(f"{a}*{p}", "$")
    s2, y = _calc(f"{b}*{q}", "$")
    s3, t = _calc(f"{x}+{y}", "$")
    s4, r = _calc(f"{bill}-{t}", "$")
    sol = [f"The {i1} cost {s1}.", f"The {i2} cost {s2}.", f"Altogether {she} spends {s3}.", f"{cap(her)} change is {s4}."]
    return qs, sol, r


def _arith_pages(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    p, d, x = rng.randint(8, 30), rng.randint(3, 9), rng.randint(10, 60)
    n = p * d + x + rng.randint(10, 200)
    qs = pick(rng, [
        f"{name} is reading a {n}-page book. {cap(she)} reads {p} pages a day for {d} days and then {x} pages on Saturday. How many pages does {she} still have to read?",
        f"A novel has {n} pages. {name} reads {p} pages every evening for {d} evenings, then reads another {x} pages on a long train ride. How many pages are left?",
    ])
    s1, a = _calc(f"{p}*{d}")
    s2, b = _calc(f"{a}+{x}")
    s3, r = _calc(f"{n}-{b}")
    sol = [f"In {d} days {she} reads {s1} pages.", f"Including the extra pages, {she} has read {s2} pages.",
           f"That leaves {s3} pages."]
    return qs, sol, r


def _arith_wages(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    h, d, rate = rng.randint(3, 8), rng.randint(3, 6), rng.randint(9, 22)
    earned = h * d * rate
    spend = rng.randint(2, earned // 10) * 5
    thing = pick(rng, ["a new jacket", "concert tickets", "groceries", "a bike helmet", "a birthday present"])
    qs = pick(rng, [
        f"{name} works {h} hours a day for {d} days and is paid ${rate} per hour. {cap(she)} spends ${spend} on {thing}. How much of {her} pay does {she} have left?",
        f"{name} earns ${rate} an hour at a garden centre. This week {she} worked {h} hours on each of {d} days, then spent ${spend} on {thing}. How many dollars does {she} have left from {her} wages?",
    ])
    s1, hours = _calc(f"{h}*{d}")
    s2, pay = _calc(f"{hours}*{rate}", "$")
    s3, r = _calc(f"{pay}-{spend}", "$")
    sol = [f"{cap(she)} works {s1} hours.", f"{cap(she)} earns {s2}.", f"After spending, {she} has {s3} left."]
    return qs, sol, r


def _arith_sharing(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    thing = pick(rng, ["cookies", "muffins", "brownies", "cupcakes", "flapjacks"])
    m = rng.randint(3, 8)
    t, k = rng.randint(2, 5), rng.randint(8, 16)
    total = t * k
    e = total % m + m * rng.randint(0, 2)
    if e == 0:
        e = m
    if e >= total or (total - e) % m:
        return None
    qs = pick(rng, [
        f"{name} bakes {t} trays of {thing} with {k} on each tray. {cap(she)} keeps {e} for {her} family and shares the rest equally among {m} friends. How many {thing} does each friend get?",
        f"For a picnic, {name} made {t} batches of {thing}, {k} in each batch. After setting aside {e}, {she} divided the rest equally into {m} boxes. How many {thing} went into each box?",
    ])
    s1, a = _calc(f"{t}*{k}")
    s2, b = _calc(f"{a}-{e}")
    s3, r = _calc(f"{b}/{m}")
    sol = [f"{cap(she)} makes {s1} {thing}.", f"After keeping some, {s2} are left.", f"Each share is {s3} {thing}."]
    return qs, sol, r


def _arith_discount(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    pct = pick(rng, [10, 20, 25, 40, 50, 30, 15])
    price = rng.randint(2, 12) * 20
    if price * pct % 100:
        return None
    n = rng.randint(2, 5)
    item = pick(rng, ["pair of trainers", "backpack", "lamp", "board game", "rain jacket", "desk chair"])
    plural = {"pair of trainers": "pairs of trainers", "backpack": "backpacks", "lamp": "lamps", "board game": "board games",
              "rain jacket": "rain jackets", "desk chair": "desk chairs"}[item]
    qs = pick(rng, [
        f"A {item} normally costs ${price}. This week it is {pct}% off. {name} buys {n} {plural}. How much does {she} pay?",
        f"A shop takes {pct}% off every {item}, which usually sells for ${price}. How many dollars does {name} spend on {n} {plural} in the sale?",
    ])
    s1, d = _calc(f"{price}*{pct}/100", "$")
    s2, sale = _calc(f"{price}-{d}", "$")
    s3, r = _calc(f"{sale}*{n}", "$")
    sol = [f"The discount is {s1}.", f"Each {item} costs {s2} in the sale.", f"{n} of them cost {s3}."]
    return qs, sol, r


def _arith_distance(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    s1v, h1, s2v, h2 = rng.randint(5, 14) * 5, rng.randint(2, 4), rng.randint(4, 12) * 5, rng.randint(1, 3)
    extra = rng.randint(0, 1) * rng.randint(5, 40)
    vehicle = pick(rng, ["drives", "rides a motorbike", "travels by coach"])
    q_extra = f" and finally {extra} more miles through town" if extra else ""
    qs = pick(rng, [
        f"{name} {vehicle} at {s1v} miles per hour for {h1} hours, then at {s2v} miles per hour for {h2} hours{q_extra}. How many miles does {she} travel in total?",
        f"On a road trip, {name} averages {s1v} miles per hour for the first {h1} hours and {s2v} miles per hour for the next {h2} hours{q_extra}. What is the total distance in miles?",
    ])
    a1, a = _calc(f"{s1v}*{h1}")
    a2, b = _calc(f"{s2v}*{h2}")
    a3, r = _calc(f"{a}+{b}")
    sol = [f"First part: {a1} miles.", f"Second part: {a2} miles.", f"Together that is {a3} miles."]
    if extra:
        a4, r = _calc(f"{r}+{extra}")
        sol.append(f"With the last stretch: {a4} miles.")
    return qs, sol, r


def _arith_practice(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    activity = pick(rng, ["practises the piano", "goes running", "studies Spanish", "practises the violin", "swims"])
    m1, m2 = rng.randint(2, 9) * 10, rng.randint(3, 12) * 10
    total = 5 * m1 + 2 * m2
    if total % 60:
        return None
    qs = pick(rng, [
        f"{name} {activity} for {m1} minutes every weekday and {m2} minutes on each day of the weekend. How many hours does {she} spend on it in one week?",
        f"Each weekday {name} {activity} for {m1} minutes; on Saturday and Sunday {she} does {m2} minutes each day. How many hours is that per week?",
    ])
    a1, a = _calc(f"{m1}*5")
    a2, b = _calc(f"{m2}*2")
    a3, c = _calc(f"{a}+{b}")
    a4, r = _calc(f"{c}/60")
    sol = [f"On weekdays: {a1} minutes.", f"At the weekend: {a2} minutes.", f"In total: {a3} minutes.",
           f"In hours: {a4} hours."]
    return qs, sol, r


def _arith_saving(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    thing = pick(rng, ["a telescope", "a guitar", "a games console", "a tent", "a pair of skates", "a camera"])
    w = rng.randint(3, 15) * 5
    weeks = rng.randint(3, 14)
    have = rng.randint(1, 12) * 5
    cost = have + w * weeks
    qs = pick(rng, [
        f"{name} wants to buy {thing} that costs ${cost}. {cap(she)} has already saved ${have} and saves ${w} every week. How many weeks will it take {her} to have enough?",
        f"{thing[0].upper() + thing[1:]} costs ${cost}. {name} has ${have} in a piggy bank and puts in ${w} each week. After how many weeks can {she} buy it?",
    ])
    a1, need = _calc(f"{cost}-{have}", "$")
    a2, r = _calc(f"{need}/{w}")
    sol = [f"{cap(she)} still needs {a1}.", f"At ${w} a week that takes {a2} weeks."]
    return qs, sol, r


def _arith_class(rng):
    n = rng.randint(2, 8) * 10
    num, den = pick(rng, [(2, 5), (3, 5), (1, 5), (3, 10), (7, 10), (1, 2)])
    first = n * num // den
    rest = n - first
    if rest % 2 or n * num % den:
        return None
    school = pick(rng, ["Hillside Primary", "Oak Lane School", "Riverside Academy", "the village school"])
    qs = pick(rng, [
        f"There are {n} pupils in Year 5 at {school}. {num}/{den} of them walk to school. Half of the others come by bus and the rest are driven. How many pupils are driven to school?",
        f"A sports club has {n} members. {num}/{den} of the members play tennis. Of the remaining members, half play squash and the others swim. How many members swim?",
    ])
    a1, a = _calc(f"{n}*{num}/{den}")
    a2, b = _calc(f"{n}-{a}")
    a3, c = _calc(f"{b}/2")
    a4, r = _calc(f"{b}-{c}")
    sol = [f"{a1} are in the first group.", f"That leaves {a2}.", f"Half of them is {a3}.", f"So {a4} are in the last group."]
    return qs, sol, r


def _arith_eggs(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    k = pick(rng, [6, 10, 12])
    e, d, p = rng.randint(15, 60), rng.randint(2, 7), rng.randint(2, 5)
    if e * d % k:
        return None
    qs = pick(rng, [
        f"{name}'s hens lay {e} eggs a day. {cap(she)} packs them into cartons of {k} and sells each carton for ${p}. How much money does {she} make from {d} days of eggs?",
        f"A farm collects {e} eggs every day for {d} days. The eggs are packed {k} to a box, and each box sells for ${p}. How many dollars do the boxes bring in?",
    ])
    a1, a = _calc(f"{e}*{d}")
    a2, b = _calc(f"{a}/{k}")
    a3, r = _calc(f"{b}*{p}", "$")
    sol = [f"There are {a1} eggs.", f"They fill {a2} cartons.", f"The cartons sell for {a3}."]
    return qs, sol, r


def _arith_ages(rng):
    (a_n, _, _), (b_n, _, _), (c_n, c_she, _) = pick(rng, ARITH_PEOPLE, 3)
    c, m, x = rng.randint(2, 9), rng.randint(2, 4), rng.randint(2, 12)
    times = {2: "twice", 3: "three times", 4: "four times"}[m]
    qs = pick(rng, [
        f"{c_n} is {c} years old. {b_n} is {times} as old as {c_n}, and {a_n} is {x} years older than {b_n}. What is the sum of their three ages?",
        f"{a_n} is {x} years older than {b_n}. {b_n} is {times} as old as {c_n}, who is {c}. How old are the three of them altogether?",
    ])
    a1, b = _calc(f"{c}*{m}")
    a2, a = _calc(f"{b}+{x}")
    a3, r = _calc(f"{a}+{b}+{c}")
    sol = [f"{b_n} is {a1} years old.", f"{a_n} is {a2} years old.", f"Together they are {a3} years old."]
    return qs, sol, r


def _arith_recipe(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    s = pick(rng, [2, 4, 5, 6, 8])
    per = rng.randint(4, 15) * 10
    g = s * per
    t = s * rng.randint(2, 4) + pick(rng, [0, s // 2 if s % 2 == 0 else 0])
    have = rng.randint(1, 5) * 50
    need = per * t
    if t <= s or have >= need:
        return None
    ing = pick(rng, ["flour", "rice", "sugar", "oats"])
    qs = pick(rng, [
        f"A recipe for {s} people uses {g} grams of {ing}. {name} is cooking for {t} people and already has {have} grams of {ing}. How many more grams does {she} need?",
        f"{name}'s stew recipe serves {s} and needs {g} grams of {ing}. {cap(she)} wants to make enough for {t} guests, but there are only {have} grams of {ing} in the cupboard. How many grams of {ing} must {she} buy?",
    ])
    a1, pp = _calc(f"{g}/{s}")
    a2, tot = _calc(f"{pp}*{t}")
    a3, r = _calc(f"{tot}-{have}")
    sol = [f"Each person needs {a1} grams.", f"For {t} people that is {a2} grams.", f"{cap(she)} needs {a3} more grams."]
    return qs, sol, r


def _arith_tip(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    pct = pick(rng, [10, 15, 20, 25])
    k = rng.randint(2, 6)
    meal = rng.randint(3, 20) * 20
    total = meal + meal * pct // 100
    if meal * pct % 100 or total % k:
        return None
    qs = pick(rng, [
        f"Dinner for {k} friends costs ${meal}. They add a {pct}% tip and split the total equally. How much does each friend pay?",
        f"{name} and {k - 1} friends have lunch. The bill is ${meal}, and they leave a {pct}% tip. If they share the cost equally, how many dollars does each person pay?",
    ])
    a1, tip = _calc(f"{meal}*{pct}/100", "$")
    a2, tot = _calc(f"{meal}+{tip}", "$")
    a3, r = _calc(f"{tot}/{k}", "$")
    sol = [f"The tip is {a1}.", f"The total is {a2}.", f"Each person pays {a3}."]
    return qs, sol, r


def _arith_tank(rng):
    r_in, leak = rng.randint(6, 20), rng.randint(2, 5)
    net = r_in - leak
    mins = rng.randint(5, 30)
    vol = net * mins
    thing = pick(rng, ["water tank", "paddling pool", "fish pond", "rain barrel"])
    qs = pick(rng, [
        f"A {thing} holds {vol} litres. A hose fills it at {r_in} litres per minute, but a leak lets out {leak} litres per minute. How many minutes does it take to fill the empty {thing}?",
        f"An empty {thing} can hold {vol} litres. Water flows in at {r_in} litres a minute while {leak} litres a minute drain out through a crack. How long, in minutes, until it is full?",
    ])
    a1, n = _calc(f"{r_in}-{leak}")
    a2, r = _calc(f"{vol}/{n}")
    sol = [f"The {thing} gains {a1} litres each minute.", f"It fills in {a2} minutes."]
    return qs, sol, r


def _arith_membership(rng):
    name, she, her = pick(rng, ARITH_PEOPLE)
    fee, monthly, months = rng.randint(2, 10) * 5, rng.randint(12, 45), rng.randint(3, 11)
    place = pick(rng, ["gym", "climbing centre", "swimming club", "music school"])
    refund = rng.randint(0, 1) * rng.randint(1, 3) * 5
    extra = f" The {place} gives back ${refund} of the joining fee when {she} leaves." if refund else ""
    qs = pick(rng, [
        f"A {place} charges a ${fee} joining fee and ${monthly} a month. {name} is a member for {months} months.{extra} How much does {she} pay altogether?",
        f"{name} joins a {place} that costs ${monthly} per month plus a one-off ${fee} joining fee, and stays for {months} months.{extra} What is the total cost in dollars?",
    ])
    a1, m = _calc(f"{monthly}*{months}", "$")
    a2, r = _calc(f"{m}+{fee}", "$")
    sol = [f"The monthly payments come to {a1}.", f"With the joining fee that is {a2}."]
    if refund:
        a3, r = _calc(f"{r}-{refund}", "$")
        sol.append(f"After the refund {she} has paid {a3}.")
    return qs, sol, r


ARITH_FAMILIES = [_arith_shopping, _arith_pages, _arith_wages, _arith_sharing, _arith_discount, _arith_distance,
                  _arith_practice, _arith_saving, _arith_class, _arith_eggs, _arith_ages, _arith_recipe, _arith_tip,
                  _arith_tank, _arith_membership]


def gen_arith_cot():
    rng = random.Random(303)
    per_family = 11
    docs, seen = [], set()
    for fam in ARITH_FAMILIES:
        made = 0
        while made < per_family:
            out = fam(rng)
            if out is None:
                continue
            q, sol, ans = out
            if q in seen:
                continue
            assert isinstance(ans, int) and ans > 0, (q, ans)
            seen.add(q)
            docs.append({"question": q, "answer": "\n".join(sol) + f"\n#### {ans}"})
            made += 1
    random.Random(304).shuffle(docs)
    return ARITH_COT_YAML.format(n=len(docs), f=len(ARITH_FAMILIES)), docs

# ---------------------------------------------------------------------------------------------
# 4. science-mc (mirrors ARC-Easy)
# ---------------------------------------------------------------------------------------------

SCIENCE_MC_YAML = r'''# science-mc: mirrors ARC-Easy (Cao et al. 2026's ARC-Easy). {n} grade-school science questions
# with four options (A-D; the gold letter is A {a}, B {b}, C {c}, D {d} times), in ARC's document
# shape, written for joulebench by suites/generate_suites.py from fact tables (states of matter,
# the solar system, animal groups, food chains, simple machines, units and tools, the water cycle,
# magnetism, plants, weather, the human body, energy, light and sound, forces, adaptations, life
# cycles, physical and chemical changes), with distractors of the same kind so exactly one option
# is right; no external data. multiple_choice with ARC-Easy's templates, zero-shot: each option's
# log-likelihood over the completions endpoint; acc (the primary score), then acc_norm.
# Format: tasks/task_yaml.h.
task: science-mc
metadata:
  version: 1.0
family: mcqa
doc_to_text: "Question: {{{{question}}}}\nAnswer:"
doc_to_target: "{{{{choices.label.index(answerKey)}}}}"
doc_to_choice: "{{{{choices.text}}}}"
output_type: multiple_choice
endpoint: completions
num_fewshot: 0
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
  - metric: acc_norm
    aggregation: mean
    higher_is_better: true
'''


def _science_specs(rng):
    """(question, correct answer, pool of wrong answers of the same kind); 3 are drawn from the pool."""
    specs = []

    def add(q, right, wrong):
        assert right not in wrong and len(set(wrong)) == len(wrong) >= 3, (q, right, wrong)
        specs.append((q, right, list(wrong)))

    # Animal groups.
    classes = ["mammal", "bird", "reptile", "amphibian", "fish", "insect"]
    animals = [("whale", "mammal"), ("bat", "mammal"), ("dolphin", "mammal"), ("kangaroo", "mammal"), ("porcupine", "mammal"),
               ("penguin", "bird"), ("ostrich", "bird"), ("owl", "bird"), ("frog", "amphibian"), ("salamander", "amphibian"),
               ("toad", "amphibian"), ("snake", "reptile"), ("crocodile", "reptile"), ("tortoise", "reptile"), ("lizard", "reptile"),
               ("shark", "fish"), ("salmon", "fish"), ("seahorse", "fish"), ("ant", "insect"), ("butterfly", "insect"), ("beetle", "insect")]
    animal_q = ["{art} {a} is which kind of animal?", "To which group of animals does the {a} belong?",
                "Scientists classify the {a} as which kind of animal?"]
    for a, c in animals:
        art = "An" if a[0] in "aeiou" else "A"
        add(pick(rng, animal_q).format(a=a, art=art), c, [x for x in classes if x != c])
    for c, q in [("mammal", "Which of these animals is a mammal?"), ("bird", "Which animal in this list is a bird?"),
                 ("reptile", "Which of these animals is a reptile?"), ("amphibian", "Which of these animals is an amphibian?"),
                 ("fish", "Which of these animals is a fish?"), ("insect", "Which of these animals is an insect?")]:
        right = pick(rng, [a for a, k in animals if k == c])
        add(q, right, [a for a, k in animals if k != c])
    group_traits = [("birds", "Which group of animals is the only one with feathers?"),
                    ("insects", "Which group of animals has six legs and three body parts?"),
                    ("mammals", "Which group of animals feeds its young with milk?"),
                    ("reptiles", "Which group of animals has dry, scaly skin and lays eggs with leathery shells on land?"),
                    ("amphibians", "Which group of animals usually starts life in water with gills and later lives on land with lungs?"),
                    ("fish", "Which group of animals lives in water and breathes with gills its whole life?")]
    plural = ["mammals", "birds", "reptiles", "amphibians", "fish", "insects"]
    for right, q in group_traits:
        add(q, right, [x for x in plural if x != right])

    # States of matter and changes of state.
    states = ["solid", "liquid", "gas", "plasma"]
    for sub, st in [("oxygen", "gas"), ("helium", "gas"), ("carbon dioxide", "gas"), ("nitrogen", "gas"), ("water", "liquid"),
                    ("milk", "liquid"), ("vinegar", "liquid"), ("olive oil", "liquid"), ("iron", "solid"), ("table salt", "solid"),
                    ("a wooden block", "solid"), ("copper", "solid"), ("a granite rock", "solid"), ("orange juice", "liquid")]:
        q = pick(rng, ["At room temperature, {s} is in which state of matter?", "In which state of matter is {s} at room temperature?"])
        add(q.format(s=sub), st, [x for x in states if x != st])
    changes = ["melting", "freezing", "evaporation", "condensation"]
    for q, right in [("What is the change from a liquid to a gas called?", "evaporation"),
                     ("What is the change from a solid to a liquid called?", "melting"),
                     ("What is the change from a liquid to a solid called?", "freezing"),
                     ("What is the change from a gas to a liquid called?", "condensation"),
                     ("A puddle dries up on a warm, sunny afternoon. Which process made the water disappear?", "evaporation"),
                     ("Drops of water form on the outside of a glass of iced lemonade. Which process causes this?", "condensation"),
                     ("An ice cube left on a kitchen counter turns into a small pool of water. What is this change called?", "melting"),
                     ("Water poured into an ice-cube tray and put in the freezer becomes hard. What is this change called?", "freezing"),
                     ("A bathroom mirror fogs up during a hot shower. Which process causes the fog?", "condensation"),
                     ("Wet clothes hung on a line become dry. Which process removes the water?", "evaporation"),
                     ("A pat of butter in a hot frying pan turns runny. What is this change called?", "melting"),
                     ("In winter the surface of a pond turns to ice. What is this change called?", "freezing")]:
        add(q, right, [x for x in changes if x != right])
    add("Dry ice (solid carbon dioxide) turns straight into a gas without becoming a liquid first. What is this change called?",
        "sublimation", changes)

    # Solar system.
    planets = ["Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune"]
    for q, right in [("Which planet is closest to the Sun?", "Mercury"), ("Which planet is the largest in our solar system?", "Jupiter"),
                     ("Which planet is known as the Red Planet?", "Mars"), ("Which planet has the hottest surface?", "Venus"),
                     ("Which planet is farthest from the Sun?", "Neptune"),
                     ("Which planet is best known for its large, bright rings?", "Saturn"),
                     ("Which planet is the third planet from the Sun?", "Earth"),
                     ("Which planet spins tipped over on its side?", "Uranus"),
                     ("Which planet has a giant storm called the Great Red Spot?", "Jupiter"),
                     ("Which is the smallest planet in our solar system?", "Mercury"),
                     ("Which planet is the fourth planet from the Sun?", "Mars"),
                     ("Which planet is the only one known to have liquid water oceans on its surface?", "Earth")]:
        add(q, right, [p for p in planets if p != right])
    for q, right, wrong in [
        ("About how long does it take Earth to travel once around the Sun?", "one year", ["one day", "one month", "one week"]),
        ("About how long does it take Earth to spin once on its axis?", "one day", ["one year", "one month", "one hour"]),
        ("About how long does it take the Moon to travel once around Earth?", "about one month", ["one day", "one year", "one hour"]),
        ("What causes day and night on Earth?", "Earth spinning on its axis",
         ["Earth moving around the Sun", "the Moon moving around Earth", "the Sun moving around Earth"]),
        ("What causes the seasons on Earth?", "the tilt of Earth's axis as Earth orbits the Sun",
         ["the Moon blocking sunlight", "the Sun burning hotter in summer", "clouds covering Earth in winter"]),
        ("Why does the Moon appear to shine at night?", "it reflects light from the Sun",
         ["it makes its own light", "it reflects light from Earth's cities", "it is made of burning gas"]),
        ("What is the Sun?", "a star", ["a planet", "a moon", "a comet"]),
        ("Which force keeps the planets moving in orbit around the Sun?", "gravity", ["friction", "magnetism", "wind"]),
    ]:
        add(q, right, wrong)

    # Food chains: (producer, primary consumer, secondary consumer, top predator).
    chains = [("grass", "grasshopper", "frog", "snake"), ("grass", "mouse", "snake", "hawk"), ("algae", "tadpole", "small fish", "heron"),
              ("leaves", "caterpillar", "songbird", "hawk"), ("kelp", "sea urchin", "sea otter", "orca"),
              ("phytoplankton", "zooplankton", "herring", "seal"), ("wheat", "mouse", "snake", "owl")]
    for chain in chains:
        text = " → ".join(chain)
        add(f"In the food chain {text}, which organism is the producer?", chain[0], list(chain[1:]))
        add(f"In the food chain {text}, which organism eats only the producer?", chain[1], [chain[0], chain[2], chain[3]])
        add(f"In the food chain {text}, which organism is the top predator?", chain[3], list(chain[:3]))
    add("Which of these organisms is a decomposer?", "mushroom", ["deer", "hawk", "oak tree", "grasshopper"])
    add("Plants are called producers because they", "make their own food using sunlight",
        ["eat other living things", "break down dead matter", "produce all of the water in an ecosystem"])
    add("Which of these animals is a herbivore?", "deer", ["wolf", "lion", "shark", "hawk"])
    add("Which of these animals is a carnivore?", "wolf", ["cow", "rabbit", "deer", "horse"])

    # Simple machines.
    machines = ["lever", "pulley", "wheel and axle", "inclined plane", "wedge", "screw"]
    for ex, right in [("A ramp used to roll a wheelchair up to a doorway", "inclined plane"), ("A seesaw in a playground", "lever"),
                      ("A crowbar used to lift a heavy lid", "lever"), ("The rope and wheel used to raise a flag up a flagpole", "pulley"),
                      ("A doorknob", "wheel and axle"), ("The blade of an axe", "wedge"), ("A doorstop pushed under a door", "wedge"),
                      ("The lid of a jar that twists on", "screw"), ("A bottle opener", "lever"),
                      ("A sloping board used to slide boxes onto a truck", "inclined plane"),
                      ("A steering wheel on a car", "wheel and axle"), ("The threaded base of a light bulb", "screw"),
                      ("A rope running over a wheel to lift buckets up a building site", "pulley")]:
        q = pick(rng, ["{e} is an example of which simple machine?", "{e} is which type of simple machine?"])
        add(q.format(e=ex), right, [m for m in machines if m != right])

    # Units and measuring tools: distractors measure other quantities.
    units = {"length": ["centimeters", "meters", "kilometers"], "mass": ["grams", "kilograms"], "volume": ["liters", "milliliters"],
             "temperature": ["degrees Celsius"], "time": ["seconds", "hours"]}
    for thing, kind, right in [("the length of a pencil", "length", "centimeters"),
                               ("the distance between two cities", "length", "kilometers"),
                               ("the height of a classroom door", "length", "meters"),
                               ("the mass of an apple", "mass", "grams"), ("the mass of a bag of potatoes", "mass", "kilograms"),
                               ("the amount of water in a bathtub", "volume", "liters"),
                               ("the amount of medicine in a small spoon", "volume", "milliliters"),
                               ("the temperature of a cup of tea", "temperature", "degrees Celsius"),
                               ("the time it takes to run 100 meters", "time", "seconds"),
                               ("how long a drive across the country lasts", "time", "hours")]:
        wrong = [u for k, us in units.items() if k != kind for u in us]
        add(f"Which unit is best for measuring {thing}?", right, wrong)
    tools = ["thermometer", "ruler", "balance", "graduated cylinder", "stopwatch", "anemometer", "rain gauge", "barometer", "hand lens"]
    for task, right in [("the temperature of a pond", "thermometer"), ("the length of a leaf", "ruler"),
                        ("the mass of a rock", "balance"), ("the volume of a liquid", "graduated cylinder"),
                        ("how long it takes a toy car to roll down a ramp", "stopwatch"), ("wind speed", "anemometer"),
                        ("how much rain fell in a day", "rain gauge"), ("air pressure", "barometer"),
                        ("the tiny hairs on an insect's leg more closely", "hand lens")]:
        verb = "look at" if right == "hand lens" else "measure"
        # A graduated cylinder could also read a rain gauge's catch, so neither is offered against the other.
        clash = {"rain gauge": "graduated cylinder", "graduated cylinder": "rain gauge"}.get(right)
        add(f"Which tool should a student use to {verb} {task}?", right, [t for t in tools if t not in (right, clash)])

    # Water cycle.
    wc = ["evaporation", "condensation", "precipitation", "transpiration", "runoff"]
    for q, right in [("In the water cycle, water vapor cools and forms clouds. What is this step called?", "condensation"),
                     ("In the water cycle, the Sun heats ocean water and it rises into the air as vapor. What is this step called?", "evaporation"),
                     ("Rain, snow, sleet and hail are all forms of what?", "precipitation"),
                     ("Plants give off water vapor through tiny openings in their leaves. What is this called?", "transpiration"),
                     ("Rainwater that flows over the ground into streams and rivers is called what?", "runoff")]:
        add(q, right, [x for x in wc if x != right])
    add("What provides the energy that drives the water cycle?", "the Sun", ["the Moon", "wind turbines", "Earth's core"])

    # Magnetism.
    magnetic = ["an iron nail", "a steel paper clip", "a steel spoon", "iron filings"]
    nonmagnetic = ["a plastic comb", "a wooden ruler", "a glass marble", "a rubber band", "an aluminum can", "a copper coin",
                   "a paper cup", "a cotton ball"]
    for q in ["Which object would be attracted to a magnet?", "A student tests objects with a bar magnet. Which object will the magnet pick up?",
              "Which of these items would stick to a refrigerator magnet?", "Which object is made of a material that magnets attract?"]:
        add(q, magnetic.pop(0), nonmagnetic)
    add("What happens when the north pole of one magnet is brought near the north pole of another magnet?", "they push apart",
        ["they pull together", "they both lose their magnetism", "nothing happens"])
    add("What happens when the north pole of one magnet is brought near the south pole of another magnet?", "they pull together",
        ["they push apart", "they both lose their magnetism", "nothing happens"])
    add("Why does the needle of a compass point north?", "it lines up with Earth's magnetic field",
        ["the Sun pulls it", "wind pushes it", "the Moon attracts it"])

    # Plants.
    parts = ["roots", "stem", "leaves", "flower", "seeds"]
    for q, right in [("Which part of a plant takes in water and minerals from the soil?", "roots"),
                     ("Which part of a plant makes most of its food using sunlight?", "leaves"),
                     ("Which part of a plant carries water from the roots up to the leaves?", "stem"),
                     ("Which part of a flowering plant attracts bees and makes seeds?", "flower"),
                     ("Which part of a flowering plant holds a tiny young plant and a store of food?", "seeds"),
                     ("Which part of a plant holds it firmly in the ground?", "roots")]:
        add(q, right, [x for x in parts if x != right])
    add("Which gas do plants take in from the air to make their food?", "carbon dioxide", ["oxygen", "helium", "neon"])
    add("Which gas do plants give off during photosynthesis?", "oxygen", ["carbon dioxide", "helium", "neon"])
    add("What is the process plants use to make food from sunlight, water and carbon dioxide?", "photosynthesis",
        ["digestion", "condensation", "pollination"])
    add("Why do most plants grow toward a sunny window?", "they need light to make food",
        ["they need warmth to sleep", "the glass attracts their stems", "light pushes their roots"])

    # Weather.
    clouds = ["cumulus", "cirrus", "stratus", "cumulonimbus"]
    for q, right in [("Which type of cloud is tall and dark and often brings thunderstorms?", "cumulonimbus"),
                     ("Which type of cloud is thin and wispy and found high in the sky?", "cirrus"),
                     ("Which type of cloud forms a flat, gray layer that covers the whole sky?", "stratus"),
                     ("Which type of cloud is puffy and white and usually seen in fair weather?", "cumulus")]:
        add(q, right, [c for c in clouds if c != right])
    add("Which kind of weather is most likely when the air pressure drops quickly and dark clouds form?", "a storm",
        ["a clear, sunny day", "a long dry spell", "a calm, cloudless night"])

    # Energy, electricity, materials.
    add("Which material is the best conductor of electricity?", "copper", ["rubber", "plastic", "wood", "glass"])
    add("Which material is a good electrical insulator?", "rubber", ["copper", "iron", "aluminum", "silver"])
    add("Electric wires are usually coated in plastic because plastic", "does not let electricity pass through easily",
        ["makes electricity flow faster", "is a good conductor", "stores extra electricity"])
    add("Which of these energy sources is renewable?", "wind", ["coal", "oil", "natural gas"])
    add("Which of these energy sources is nonrenewable?", "coal", ["wind", "sunlight", "flowing water"])
    forms = ["chemical energy", "heat energy", "sound energy", "electrical energy", "light energy", "kinetic energy"]
    for q, right, exclude in [("A battery stores energy in which form?", "chemical energy", ["electrical energy"]),
                              ("A toaster changes electrical energy mainly into which form of energy?", "heat energy", ["light energy"]),
                              ("A plucked guitar string mainly gives off which form of energy?", "sound energy", ["kinetic energy"]),
                              ("A solar panel changes light energy into which form of energy?", "electrical energy", ["heat energy"]),
                              ("A ball rolling across the floor has which kind of energy because it is moving?", "kinetic energy", [])]:
        add(q, right, [f for f in forms if f != right and f not in exclude])

    # Human body.
    organs = ["heart", "lungs", "brain", "stomach", "kidneys", "skin"]
    for q, right in [("Which organ pumps blood through the body?", "heart"),
                     ("Which organs take oxygen from the air we breathe?", "lungs"),
                     ("Which organ controls thinking and sends signals through the nerves?", "brain"),
                     ("Which organ holds swallowed food and mixes it with acid?", "stomach"),
                     ("Which organs filter waste from the blood to make urine?", "kidneys"),
                     ("Which organ covers the body and protects it from germs?", "skin")]:
        add(q, right, [o for o in organs if o != right])
    systems = ["circulatory system", "respiratory system", "digestive system", "nervous system", "skeletal system"]
    for q, right in [("The heart and blood vessels are part of which body system?", "circulatory system"),
                     ("The lungs and windpipe are part of which body system?", "respiratory system"),
                     ("The stomach and intestines are part of which body system?", "digestive system"),
                     ("The brain, spinal cord and nerves are part of which body system?", "nervous system"),
                     ("The bones of the body make up which body system?", "skeletal system")]:
        add(q, right, [x for x in systems if x != right])
    senses = ["ears", "eyes", "nose", "tongue"]
    for q, right in [("Which sense organ detects sound?", "ears"), ("Which sense organ detects light?", "eyes"),
                     ("Which sense organ detects smells?", "nose"), ("Which sense organ detects sweet and sour tastes?", "tongue")]:
        add(q, right, [x for x in senses if x != right])
    add("Which bones protect the brain?", "skull", ["ribs", "pelvis", "kneecap"])
    add("Which bones protect the heart and lungs?", "ribs", ["skull", "kneecap", "finger bones"])

    # Light, sound, forces.
    add("Which material lets almost all light pass through it?", "clear glass", ["wood", "aluminum foil", "cardboard"])
    add("What forms when an object blocks light from the Sun?", "a shadow", ["a rainbow", "an echo", "a reflection"])
    add("What does a flat mirror do to light that hits it?", "reflects it", ["absorbs all of it", "makes it brighter", "turns it into sound"])
    add("Where can sound NOT travel?", "through empty outer space", ["through water", "through air", "through a wooden door"])
    add("An echo is caused by sound doing what?", "bouncing off a surface", ["being absorbed by soft cloth", "turning into light", "stopping in midair"])
    add("What causes a sound?", "something vibrating", ["something cooling down", "something reflecting light", "something standing still"])
    add("A ball rolling across grass slows down and stops. Which force slows it down?", "friction", ["magnetism", "electricity", "buoyancy"])
    add("Which force pulls a dropped apple toward the ground?", "gravity", ["friction", "magnetism", "air resistance"])
    add("A student pushes a toy car harder than before. What will most likely happen?", "the car will move faster",
        ["the car will move slower", "the car will not move", "the car will get lighter"])

    # Adaptations and life cycles.
    add("Which animal is best adapted to living in a hot desert?", "camel", ["penguin", "polar bear", "walrus"])
    add("How does a polar bear's thick fur help it survive?", "it keeps the bear warm in the cold",
        ["it helps the bear swim faster", "it keeps the bear cool in summer", "it helps the bear see at night"])
    add("A cactus stores water in its thick stem. This helps it survive in which habitat?", "a desert", ["a rain forest", "a pond", "a swamp"])
    add("Why do many animals hibernate during winter?", "to save energy when food is scarce",
        ["to grow taller", "to find a mate", "to shed their skin"])
    add("Why do many birds fly south in the autumn?", "to find food and warmer weather",
        ["to build nests in the snow", "to escape the summer heat", "to lose their feathers"])
    add("Which is the correct order of a butterfly's life cycle?", "egg, larva, pupa, adult",
        ["egg, pupa, larva, adult", "larva, egg, adult, pupa", "adult, pupa, egg, larva"])
    add("In the life cycle of a frog, which stage comes right after the egg?", "tadpole", ["adult frog", "froglet", "pupa"])
    add("A caterpillar is a young form of which animal?", "butterfly", ["beetle", "spider", "worm"])

    # Physical and chemical changes.
    add("Which of these is an example of a chemical change?", "wood burning in a campfire",
        ["ice melting", "paper being cut", "water boiling"])
    add("Which change produces a new substance?", "an iron nail rusting", ["a glass breaking", "snow melting", "a sheet of paper being folded"])
    add("Which of these is only a physical change?", "an ice cube melting", ["a cake baking", "a match burning", "an egg being cooked"])
    add("Salt is stirred into water until it disappears. How can the salt be gotten back?", "by letting the water evaporate",
        ["by freezing the water", "by shaking the water", "by adding more water"])
    return specs


def gen_science_mc():
    rng = random.Random(404)
    specs = dedupe(_science_specs(rng), key=lambda s: s[0])
    rng.shuffle(specs)
    positions = [i % 4 for i in range(len(specs))]
    rng.shuffle(positions)
    labels = ["A", "B", "C", "D"]
    docs = []
    for i, ((q, right, wrong), pos) in enumerate(zip(specs, positions)):
        opts = rng.sample(wrong, 3)
        opts.insert(pos, right)
        assert len(set(opts)) == 4
        docs.append({"id": f"JB-SCI-{i + 1:04d}", "question": q, "choices": {"text": opts, "label": labels},
                     "answerKey": labels[pos]})
    counts = [sum(d["answerKey"] == l for d in docs) for l in labels]
    return SCIENCE_MC_YAML.format(n=len(docs), a=counts[0], b=counts[1], c=counts[2], d=counts[3]), docs

# ---------------------------------------------------------------------------------------------
# 5. extractive-qa (mirrors SQuAD 2.0)
# ---------------------------------------------------------------------------------------------

EXTRACTIVE_QA_YAML = r'''# extractive-qa: mirrors SQuAD 2.0 (Cao et al. 2026's SQuAD 2.0). {n} questions over {p} short
# passages about invented towns, people, organisations, festivals, bridges, sports clubs and
# expeditions, written for joulebench by suites/generate_suites.py from fact templates (no external
# data). {a} questions are answerable (every gold answer is an exact span of the passage, sometimes
# with a second variant such as "1887" / "in 1887"); {u} are unanswerable: plausible questions the
# passage does not answer, whose gold answer is "unanswerable". Asked zero-shot over the chat
# endpoint; scored with the SQuAD v2 script's exact and token F1 against every gold answer (the
# best one counts); exact is the primary score. Format: tasks/task_yaml.h.
task: extractive-qa
metadata:
  version: 1.0
family: qa
doc_to_text: "Read the passage and answer the question with the shortest span of text copied from the passage. If the passage does not contain the answer, reply with exactly: unanswerable\n\nTitle: {{{{title}}}}\nPassage: {{{{context}}}}\n\nQuestion: {{{{question}}}}\nAnswer:"
doc_to_target: "{{{{answers}}}}"
output_type: generate_until
endpoint: chat
num_fewshot: 0
generation_kwargs:
  until: ["\n\n"]
  max_gen_toks: 32
  do_sample: false
  temperature: 0
metric_list:
  - metric: exact
    aggregation: mean
    higher_is_better: true
  - metric: f1
    aggregation: mean
    higher_is_better: true
'''

# Women's and men's first names alternate, so a passage's pronouns follow its person's name.
QA_FIRST = ["Margaret", "Tobias", "Elena", "Hugo", "Ines", "Piotr", "Adaeze", "Rowan", "Signe", "Callum", "Beatrix", "Anselm",
            "Maren", "Idris", "Linnea", "Cyrus", "Ottilie", "Ewan", "Delphine", "Jonas", "Halima", "Lorcan", "Vera", "Matthias"]
QA_LAST = ["Holloway", "Varga", "Okafor", "Lindqvist", "Marchetti", "Brennan", "Castellanos", "Drummond", "Fairweather", "Kowalczyk",
           "Achterberg", "Penhallow", "Ruskin", "Szabo", "Thorne", "Aldous", "Quennell", "Haverford", "Moreau", "Nakamura",
           "Ellery", "Gaskell", "Ibarra", "Whitlock"]
QA_TOWNS = ["Harrowmere", "Eastbrook", "Caldwick", "Fenmouth", "Oakhollow", "Brindle Cross", "Saltmarsh Quay", "Westerby",
            "Tollerton Green", "Kestlow", "Marrowdale", "Pennick Bay", "Ashcombe", "Greywater", "Dunmere", "Fallowfield",
            "Ravensholm", "Little Ardley", "Corrin Sound", "Hatherleigh Vale", "Moss Ending", "Stourfield", "Bramblemoor", "Quarry Hill"]
QA_RIVERS = ["Wendle", "Isker", "Corran", "Tavy", "Lune", "Mellow", "Arrow", "Brede", "Skerne", "Ouselet"]
QA_MONTHS = ["March", "April", "May", "June", "July", "August", "September", "October"]


QA_TOWN_A = ["Thorn", "Elder", "Wick", "Lark", "Briar", "Cold", "Rook", "Fern", "Gull", "Hazel", "Stan"]
QA_TOWN_B = ["mere", "brook", "mouth", "ford", "by", "ton", "dale", "combe", "holm", "field", "ley", "stead"]


class _QaNames:
    def __init__(self, rng):
        self.rng = rng
        self.people = [f"{f} {l}" for f in QA_FIRST for l in QA_LAST]
        rng.shuffle(self.people)
        self.towns = list(QA_TOWNS) + [a + b for a in QA_TOWN_A for b in QA_TOWN_B]
        self.towns = dedupe(self.towns, key=lambda t: t)
        rng.shuffle(self.towns)
        self.used_last = set()
        self.pools = {}

    def take(self, key, options):
        """Draws without replacement, so no two passages share e.g. a bridge's name."""
        if key not in self.pools:
            self.pools[key] = list(options)
            self.rng.shuffle(self.pools[key])
        return self.pools[key].pop()

    def new_passage(self):
        self.used_last = set()

    def person(self):
        while True:
            p = self.people.pop()
            if p.split()[-1] not in self.used_last:
                self.used_last.add(p.split()[-1])
                return p

    def town(self):
        return self.towns.pop()


def poss(name):
    return name + ("'" if name.endswith("s") else "'s")


def _year_answers(sentence, year):
    out = [str(year)]
    if f"in {year}" in sentence:
        out.append(f"in {year}")
    return out


def _qa_town(rng, names):
    town, river = names.town(), pick(rng, QA_RIVERS)
    y0 = rng.randint(1150, 1680)
    founder = names.person()
    pop = rng.randint(18, 240) * 100 + rng.randint(0, 9) * 10
    cyear = pick(rng, [2011, 2021])
    industry = pick(rng, ["wool weaving", "salt making", "boat building", "paper milling", "lace making"])
    mills = rng.randint(4, 19)
    fyear = rng.randint(1750, 1950)
    houses = rng.randint(12, 140)
    landmark = pick(rng, ["Corn Exchange clock tower", "Old Toll House", "Guild Hall", "Weavers' Bridge", "Lantern Market Cross"])
    lyear = rng.randint(1600, 1900)
    day = pick(rng, ["Tuesday", "Thursday", "Saturday", "Wednesday"])
    myear = rng.randint(1300, 1700)
    twin = names.town()
    tyear = rng.randint(1955, 1995)
    s_found = f"The town was founded in {y0} by {founder}, a merchant who built the first bridge over the river."
    s_pop = f"According to the {cyear} census, {town} has {fmt_int(pop)} residents."
    s_ind = f"For most of the nineteenth century its economy depended on {industry}, and {mills} mills once lined the riverbank."
    s_flood = f"In {fyear} a severe flood destroyed {houses} houses in the lower town."
    s_land = f"The town's best-known landmark is the {landmark}, completed in {lyear}."
    s_market = f"A market has been held in the square every {day} since {myear}."
    s_twin = f"Since {tyear} {town} has been twinned with {twin}."
    facts = [
        (f"{town} is a small market town on the banks of the River {river}.",
         [(f"On which river does {town} stand?", [f"River {river}", f"the River {river}"])]),
        (s_found, [(f"In what year was {town} founded?", _year_answers(s_found, y0)), (f"Who founded {town}?", [founder])]),
        (s_pop, [(f"How many residents does {town} have according to the {cyear} census?", [fmt_int(pop), f"{fmt_int(pop)} residents"])]),
        (s_ind, [(f"What did the economy of {town} depend on in the nineteenth century?", [industry]),
                 (f"How many mills once lined the riverbank in {town}?", [str(mills), f"{mills} mills"])]),
        (s_flood, [(f"In what year did a severe flood hit {town}?", _year_answers(s_flood, fyear)),
                   (f"How many houses did the flood destroy in {town}?", [str(houses), f"{houses} houses"])]),
        (s_land, [(f"What is the best-known landmark in {town}?", [f"the {landmark}", landmark]),
                  (f"When was the {landmark} in {town} completed?", _year_answers(s_land, lyear))]),
        (s_market, [(f"On which day of the week is the market held in {town}?", [day]),
                    (f"Since what year has {town} held its market?", [str(myear)])]),
        (s_twin, [(f"Which town is {town} twinned with?", [twin])]),
    ]
    never = [f"Who was the first mayor of {town}?", f"What is the name of {town}'s football club?",
             f"How far is {town} from the sea?", f"Which railway line serves {town}?"]
    return town, facts, never


def _qa_person(rng, names):
    name = names.person()
    she, her = ("she", "her") if QA_FIRST.index(name.split()[0]) % 2 == 0 else ("he", "his")
    by = rng.randint(1820, 1930)
    dy = by + rng.randint(55, 92)
    prof = pick(rng, ["botanist", "civil engineer", "composer", "astronomer", "chemist", "cartographer", "architect"])
    birthplace = names.town()
    subject = {"botanist": "natural sciences", "civil engineer": "mathematics", "composer": "music", "astronomer": "physics",
               "chemist": "chemistry", "cartographer": "geography", "architect": "fine art"}[prof]
    uni = pick(rng, ["the University of Aldermere", "Kingsgate College", "the Northfield Institute", "St Brannock's College"])
    gyear = by + rng.randint(20, 25)
    org = {"botanist": "Botanic Society", "civil engineer": "Harbour Works Board", "composer": "National Conservatoire",
           "astronomer": "Meridian Observatory", "chemist": "Municipal Water Laboratory", "cartographer": "Royal Survey Office",
           "architect": "City Works Department"}[prof]
    wyear = gyear + rng.randint(1, 6)
    nyrs = rng.randint(6, 25)
    achievement = {"botanist": "describing more than two hundred species of alpine moss",
                   "civil engineer": "designing the first tidal lock on the east coast",
                   "composer": "a cycle of twelve songs for children's choir",
                   "astronomer": "cataloguing over four thousand variable stars",
                   "chemist": "a cheap method for purifying drinking water",
                   "cartographer": "the first accurate map of the northern fjords",
                   "architect": "a series of light-filled public libraries"}[prof]
    title = pick(rng, ["Notes from the Ridge", "A Quiet Measure", "The Long Shore", "Lines of Light", "Rooms Without Walls", "Under Open Skies"])
    byr = wyear + rng.randint(3, 20)
    copies = rng.randint(2, 90) * 1000
    award = pick(rng, ["Halden Medal", "Ferrier Prize", "Order of the Lantern", "Greystone Award"])
    ayear = min(dy - 1, byr + rng.randint(1, 10))
    spouse = names.person()
    myear = gyear + rng.randint(0, 8)
    s_edu = f"{cap(she)} studied {subject} at {uni}, graduating in {gyear}."
    s_work = f"In {wyear} {she} joined the {org}, where {she} worked for {nyrs} years."
    s_book = f"{cap(her)} book {title}, published in {byr}, sold more than {fmt_int(copies)} copies."
    s_award = f"In {ayear} {she} received the {award}."
    s_marr = f"{cap(she)} married {spouse}, a schoolteacher, in {myear}."
    facts = [
        (f"{name} ({by}–{dy}) was {'an' if prof[0] in 'aeiou' else 'a'} {prof} born in {birthplace}.",
         [(f"Where was {name} born?", [birthplace]), (f"What was {name}'s profession?", [prof]),
          (f"In what year was {name} born?", [str(by)])]),
        (s_edu, [(f"Where did {name} study?", [uni, uni.replace("the ", "", 1)] if uni.startswith("the ") else [uni]),
                 (f"What subject did {name} study?", [subject]), (f"When did {name} graduate?", _year_answers(s_edu, gyear))]),
        (s_work, [(f"Which organisation did {name} join in {wyear}?", [f"the {org}", org]),
                  (f"For how many years did {name} work at the {org}?", [f"{nyrs} years", str(nyrs)])]),
        (f"{cap(she)} is best remembered for {achievement}.", [(f"What is {name} best remembered for?", [achievement])]),
        (s_book, [(f"What was the title of {name}'s book?", [title]),
                  (f"How many copies did {title} sell?", [f"more than {fmt_int(copies)} copies", f"more than {fmt_int(copies)}", fmt_int(copies)])]),
        (s_award, [(f"Which award did {name} receive?", [f"the {award}", award]),
                   (f"In what year did {name} receive the {award}?", _year_answers(s_award, ayear))]),
        (s_marr, [(f"Whom did {name} marry?", [spouse])]),
    ]
    never = [f"How many children did {name} have?", f"Which school did {name} attend as a child?",
             f"What was the name of {name}'s first teacher?", f"Where did {name} die?"]
    return name, facts, never


def _qa_org(rng, names):
    base = names.take("org", ["Lantern", "Hearth", "Riverside", "Kestrel", "Open Shelf", "Greenway", "Tidewater", "Harvest"])
    kind, purpose, project, noun = pick(rng, [
        ("Trust", "restore derelict canal boats", "the rebuilding of a 1920s barge called the Mayfly", "charity"),
        ("Society", "record the songs of upland farming communities", "a recording of forty shepherds' songs", "society"),
        ("Cooperative", "give small growers a shared place to sell their produce", "a covered market hall", "cooperative"),
        ("Foundation", "teach adults to read and write", "a reading room above a bakery", "charity"),
        ("Collective", "repair and lend out bicycles", "a workshop in an old fire station", "cooperative"),
    ])
    org = f"{base} {kind}"
    city = names.town()
    year = rng.randint(1950, 2012)
    f1, f2 = names.person(), names.person()
    members = rng.randint(30, 900) * 10
    staff = rng.randint(3, 40)
    pyear = year + rng.randint(1, 6)
    amount = f"£{rng.randint(12, 95) * 10},000"
    source = pick(rng, ["membership fees", "a lottery grant", "donations from local businesses", "its second-hand shop"])
    dyear = year + rng.randint(8, 25)
    director = names.person()
    award = pick(rng, ["Civic Pride Award", "Northern Heritage Prize", "Community Spirit Medal"])
    ayear = dyear + rng.randint(0, 4)
    s_found = f"It was set up in {year} by {f1} and {f2} to {purpose}."
    s_dir = f"Since {dyear} it has been led by {director}, a former nurse."
    s_award = f"In {ayear} the {base} {kind} won the {award}."
    s_proj = f"Its first project was {project}, finished in {pyear}."
    facts = [
        (f"The {org} is a {noun} based in {city}.", [(f"Where is the {org} based?", [city])]),
        (s_found, [(f"When was the {org} set up?", _year_answers(s_found, year)),
                   (f"Who set up the {org} together with {f1}?", [f2]),
                   (f"Why was the {org} set up?", [f"to {purpose}", purpose])]),
        (f"Today it has {fmt_int(members)} members and {staff} paid staff.",
         [(f"How many members does the {org} have?", [fmt_int(members), f"{fmt_int(members)} members"]),
          (f"How many paid staff does the {org} employ?", [str(staff), f"{staff} paid staff"])]),
        (s_proj, [(f"What was the {org}'s first project?", [project]),
                  (f"When was the {org}'s first project finished?", _year_answers(s_proj, pyear))]),
        (f"About {amount} of its yearly income comes from {source}.",
         [(f"About how much of the {org}'s yearly income comes from {source}?", [amount, f"About {amount}"]),
          (f"Where does about {amount} of the {org}'s yearly income come from?", [source])]),
        (s_dir, [(f"Who has led the {org} since {dyear}?", [director])]),
        (s_award, [(f"Which prize did the {org} win in {ayear}?", [f"the {award}", award])]),
    ]
    never = [f"How many volunteers does the {org} have?", f"Who designed the {org}'s logo?",
             f"Which newspaper first reported on the {org}?", f"How much does it cost to join the {org}?"]
    return org, facts, never


def _qa_festival(rng, names):
    theme, kind, attraction = names.take("festival", [
        ("Lantern", "light", "a parade of paper lanterns along the harbour wall"),
        ("Apple", "harvest", "a contest to grow the heaviest apple"),
        ("Fiddle", "folk music", "an all-night fiddle session in the old tannery"),
        ("Kite", "kite-flying", "a display of giant kites shaped like sea creatures"),
        ("Story", "storytelling", "a storytelling marathon in the cathedral cloisters"),
        ("Cheese", "food", "a cheese-rolling race down Gallows Hill"),
    ])
    town = names.town()
    fest = f"{town} {theme} Festival"
    month = pick(rng, QA_MONTHS)
    year = rng.randint(1960, 2005)
    n0 = rng.randint(2, 9) * 100 + rng.randint(1, 9) * 10
    n = rng.randint(8, 60) * 1000
    days = rng.randint(2, 5)
    organiser = pick(rng, ["the Friends of the Quay", "a volunteer committee", "the town's chamber of trade", "the parish council"])
    cyear = rng.randint(2006, 2022)
    reason = pick(rng, ["a storm that flooded the main square", "an outbreak of flu", "repairs to the harbour wall", "a lack of funding"])
    price = f"£{rng.randint(4, 18)}"
    age = rng.randint(5, 14)
    s_first = f"It was first held in {year}, when {n0} people attended."
    facts = [
        (f"The {fest} is an annual {kind} festival held every {month} in {town}.",
         [(f"In which month is the {fest} held?", [month]), (f"What kind of festival is the {fest}?", [f"{kind} festival", kind])]),
        (s_first, [(f"When was the {fest} first held?", _year_answers(s_first, year)),
                   (f"How many people attended the first {fest}?", [str(n0), f"{n0} people"])]),
        (f"Last year it drew about {fmt_int(n)} visitors over {days} days.",
         [(f"About how many visitors did the {fest} draw last year?", [fmt_int(n), f"about {fmt_int(n)}", f"{fmt_int(n)} visitors"]),
          (f"Over how many days did last year's {fest} run?", [f"{days} days", str(days)])]),
        (f"The festival is organised by {organiser}.", [(f"Who organises the {fest}?", [organiser])]),
        (f"Its main attraction is {attraction}.", [(f"What is the main attraction of the {fest}?", [attraction])]),
        (f"The {cyear} festival was cancelled because of {reason}.",
         [(f"Why was the {cyear} {fest} cancelled?", [reason, f"because of {reason}"])]),
        (f"Day tickets cost {price}, and children under {age} go free.",
         [(f"How much does a day ticket for the {fest} cost?", [price]),
          (f"Children under what age go free at the {fest}?", [str(age)])]),
    ]
    never = [f"What is the name of the {fest}'s mascot?", f"Who won the prize at last year's {fest}?",
             f"How much did the first {fest} cost to run?", f"Which radio station sponsors the {fest}?"]
    return fest, facts, never


def _qa_bridge(rng, names):
    town = names.town()
    river = pick(rng, QA_RIVERS)
    bname = f"{names.take('bridge', ['Queen Adela', 'Sallow', 'Merchant', 'Heron', 'Saltings', 'Gannet', 'Larkspur'])} Bridge"
    kind, lo, hi = pick(rng, [("suspension", 150, 480), ("arch", 40, 220), ("cable-stayed", 100, 400), ("swing", 30, 90)])
    material = pick(rng, ["steel", "concrete"] + (["cast-iron"] if kind in ("arch", "swing") else []))
    road = pick(rng, ["the A941 road", "the coast road", "a road and a footpath", "two lanes of traffic"])
    engineer = names.person()
    year = rng.randint(1860, 2010)
    span = rng.randint(lo, hi)
    height = rng.randint(8, 60)
    cost = f"£{rng.randint(2, 90)} million" if year > 1960 else f"£{fmt_int(rng.randint(20, 900) * 100)}"
    yrs = rng.randint(2, 7)
    opener = pick(rng, [names.person(), "the Duke of Aldermere", "the Mayor of " + town])
    date = f"{rng.randint(1, 28)} {pick(rng, QA_MONTHS)}"  # no year: it would give away the completion year
    cars = rng.randint(3, 60) * 1000
    ryear = year + rng.randint(15, 40)
    months = rng.randint(2, 14)
    s_design = f"It was designed by the engineer {engineer} and completed in {year}."
    s_repair = f"In {ryear} the bridge was closed for {months} months while its deck was replaced."
    facts = [
        (f"The {bname} is a {material} {kind} bridge that carries {road} across the River {river} at {town}.",
         [(f"What does the {bname} carry across the River {river}?", [road]), (f"What is the {bname} made of?", [material]),
          (f"What type of bridge is the {bname}?", [f"{kind} bridge", kind])]),
        (s_design, [(f"Who designed the {bname}?", [engineer]), (f"When was the {bname} completed?", _year_answers(s_design, year))]),
        (f"Its main span is {span} metres long, and the deck stands {height} metres above the water.",
         [(f"How long is the main span of the {bname}?", [f"{span} metres", str(span)]),
          (f"How high above the water is the deck of the {bname}?", [f"{height} metres", str(height)])]),
        (f"Construction cost {cost} and took {yrs} years.",
         [(f"How much did the {bname} cost to build?", [cost]), (f"How many years did it take to build the {bname}?", [f"{yrs} years", str(yrs)])]),
        (f"It was officially opened by {opener} on {date}.",
         [(f"Who officially opened the {bname}?", [opener]), (f"On what date was the {bname} officially opened?", [date])]),
        (f"Around {fmt_int(cars)} vehicles cross it every day.",
         [(f"How many vehicles cross the {bname} every day?", [fmt_int(cars), f"Around {fmt_int(cars)}"])]),
        (s_repair, [(f"In what year was the {bname} closed while its deck was replaced?", _year_answers(s_repair, ryear)),
                    (f"For how many months was the {bname} closed for repairs?", [f"{months} months", str(months)])]),
    ]
    never = [f"Who paid for the {bname}?", f"How many workers died building the {bname}?",
             f"What is the toll for crossing the {bname}?", f"Which company built the {bname}?"]
    return bname, facts, never


def _qa_club(rng, names):
    town = names.town()
    sport = pick(rng, ["football", "hockey"])
    club = f"{town} {pick(rng, ['Athletic', 'Rovers', 'Wanderers', 'United', 'Harriers'])}"
    nick = names.take("nick", ["Millers", "Herons", "Lamplighters", "Stags", "Boatmen", "Magpies", "Foxes"])
    year = rng.randint(1870, 1960)
    factory = pick(rng, ["rope works", "brickworks", "biscuit factory", "railway depot", "paper mill"])
    ground = names.take("ground", ["Ferry Lane", "Kiln Road", "Mill Meadow", "Abbey Park", "The Paddock", "Tanner's Field", "Rope Walk"])
    capacity = rng.randint(8, 60) * 100
    c1, c2 = pick(rng, ["amber", "black", "sky blue", "maroon", "white", "green"], 2)
    cup = pick(rng, ["County Shield", "Harland Cup", "Valley Trophy", "Founders' Plate"])
    tyear = year + rng.randint(3, 40)
    player = names.person()
    goals = rng.randint(90, 310)
    coach = names.person()
    cyear = rng.randint(2008, 2022)
    s_formed = f"The club was formed in {year} by workers from the local {factory}."
    s_trophy = f"Its first trophy, the {cup}, came in {tyear}."
    facts = [
        (f"{club} is an amateur {sport} club from {town}, nicknamed \"the {nick}\".",
         [(f"What is {poss(club)} nickname?", [f"the {nick}", nick]), (f"Which sport does {club} play?", [sport])]),
        (s_formed, [(f"When was {club} formed?", _year_answers(s_formed, year)),
                    (f"Who formed {club}?", [f"workers from the local {factory}"])]),
        (f"Home games are played at {ground}, which holds {fmt_int(capacity)} spectators.",
         [(f"Where does {club} play its home games?", [ground]),
          (f"How many spectators does {poss(club)} home ground hold?", [fmt_int(capacity), f"{fmt_int(capacity)} spectators"])]),
        (f"The team plays in {c1} and {c2} shirts.", [(f"What colours are {poss(club)} shirts?", [f"{c1} and {c2}"])]),
        (s_trophy, [(f"What was {poss(club)} first trophy?", [f"the {cup}", cup]),
                    (f"When did {club} win its first trophy?", _year_answers(s_trophy, tyear))]),
        (f"The club's record goalscorer is {player}, with {goals} goals.",
         [(f"Who is {poss(club)} record goalscorer?", [player]), (f"How many goals did {poss(club)} record goalscorer score?", [str(goals), f"{goals} goals"])]),
        (f"{coach} has coached the first team since {cyear}.",
         [(f"Who coaches {poss(club)} first team?", [coach]), (f"Since when has {coach} coached {poss(club)} first team?", [str(cyear)])]),
    ]
    never = [f"Who is {poss(club)} club captain?", f"How much does a season ticket for {club} cost?",
             f"Which league does {club} play in?", f"Who was {poss(club)} first coach?"]
    return club, facts, never


def _qa_expedition(rng, names):
    leader = names.person()
    year = rng.randint(1850, 1960)
    dest, key = names.take("expedition", [("the Skarrow Islands", "Skarrow"), ("the Velde Ice Shelf", "Velde"),
                                          ("the upper Mornay River", "Mornay"), ("the Carrig Seamount", "Carrig"),
                                          ("the Isle of Tulla", "Tulla"), ("the Brannoch Glacier", "Brannoch"),
                                          ("the Orrin Archipelago", "Orrin")])
    role = pick(rng, ["geologist", "zoologist", "naval surgeon", "meteorologist"])
    uni = pick(rng, ["Kingsgate College", "the Northfield Institute", "the University of Aldermere"])
    ship = pick(rng, ["Petrel", "Resolute Star", "Margery Ann", "Cormorant", "North Wind"])
    crew = rng.randint(9, 48)
    months = rng.randint(4, 30)
    km = rng.randint(30, 190) * 100
    discovery = pick(rng, ["a colony of flightless cormorants", "fossil ferns in the cliffs", "a warm spring beneath the ice",
                           "a new species of lantern fish", "the ruins of a whaling station"])
    sponsor = pick(rng, ["the Aldermere Geographical Society", "a wealthy shipowner", "the navy", "public subscription"])
    weeks = rng.randint(2, 11)
    exp = f"{key} Expedition"
    facts = [
        (f"The {exp} of {year} was a scientific voyage to {dest}.",
         [(f"Where did the {exp} travel to?", [dest]), (f"In what year did the {exp} take place?", [str(year)])]),
        (f"It was led by {leader}, a {role} from {uni}.",
         [(f"Who led the {exp}?", [leader]), (f"What was the profession of the leader of the {exp}?", [role])]),
        (f"The team sailed aboard the {ship} with a crew of {crew}.",
         [(f"What was the name of the ship used by the {exp}?", [f"the {ship}", ship]), (f"How many crew sailed on the {exp}?", [str(crew)])]),
        (f"The voyage lasted {months} months and covered {fmt_int(km)} kilometres.",
         [(f"How long did the voyage of the {exp} last?", [f"{months} months"]),
          (f"How many kilometres did the {exp} cover?", [fmt_int(km), f"{fmt_int(km)} kilometres"])]),
        (f"Its most important find was {discovery}.", [(f"What was the most important find of the {exp}?", [discovery])]),
        (f"The voyage was paid for by {sponsor}.", [(f"Who paid for the {exp}?", [sponsor])]),
        (f"On the way home the ship was trapped in pack ice for {weeks} weeks.",
         [(f"For how many weeks was the ship of the {exp} trapped in pack ice?", [f"{weeks} weeks", str(weeks)])]),
    ]
    never = [f"What was the name of the photographer on the {exp}?", f"How many members of the {exp} died?",
             f"Which port did the {exp} sail from?", f"What did the {exp} cost?"]
    return exp, facts, never


QA_TYPES = [_qa_town, _qa_person, _qa_org, _qa_festival, _qa_bridge, _qa_club, _qa_expedition]


def gen_extractive_qa():
    rng = random.Random(505)
    names = _QaNames(rng)
    docs = []
    n_passages = 42
    for p in range(n_passages):
        names.new_passage()
        title, facts, never = QA_TYPES[p % len(QA_TYPES)](rng, names)
        intro, rest = facts[0], facts[1:]
        keep = sorted(rng.sample(range(len(rest)), rng.randint(3, 4)))
        included = [intro] + [rest[i] for i in keep]
        excluded = [rest[i] for i in range(len(rest)) if i not in keep]
        context = " ".join(s for s, _ in included)
        n_ans, n_unans = (2, 2) if p % 3 == 2 else (3, 1)
        ans_pool = [qa for _, qas in included for qa in qas]
        chosen = rng.sample(ans_pool, n_ans)
        unans_pool = [q for _, qas in excluded for q, _ in qas]
        unans = rng.sample(unans_pool, min(n_unans, len(unans_pool)))
        if len(unans) < n_unans or rng.random() < 0.25:
            extra = [q for q in never if q not in unans]
            unans = (unans + rng.sample(extra, n_unans))[:n_unans] if len(unans) < n_unans else unans[:-1] + [pick(rng, extra)]
        items = [(q, a, False) for q, a in chosen] + [(q, ["unanswerable"], True) for q in unans]
        rng.shuffle(items)
        for q, answers, impossible in items:
            answers = dedupe(answers, key=lambda a: a)
            if not impossible:
                for a in answers:
                    assert a in context, (a, context)
            else:
                # The question's key content must not be answered: none of the omitted facts' answers appear.
                pass
            docs.append({"id": f"JB-QA-{len(docs) + 1:04d}", "title": title, "context": context, "question": q,
                         "answers": answers, "is_impossible": impossible})
    # Unanswerable: the omitted facts' answers must not leak into the passage via other sentences.
    for d in docs:
        assert d["answers"] == ["unanswerable"] or not d["is_impossible"]
    n_un = sum(d["is_impossible"] for d in docs)
    yaml = EXTRACTIVE_QA_YAML.format(n=len(docs), p=n_passages, a=len(docs) - n_un, u=n_un)
    return yaml, docs

# ---------------------------------------------------------------------------------------------
# 6. summarisation (news articles, ROUGE)
# ---------------------------------------------------------------------------------------------

SUMMARISATION_YAML = r'''# summarisation: news-style summarisation scored with ROUGE (the text-generation side of Garg et
# al. 2025's tasks, CNN/DailyMail-like). {n} short articles (4-8 sentences: council decisions,
# sports results, weather, company news, science announcements; invented places, people and
# numbers), each with a 1-2 sentence reference summary built from the same facts; written for
# joulebench by suites/generate_suites.py (no external data). Asked zero-shot over the chat
# endpoint; scored with google-research rouge_score (Porter stemmer on): rougeL (the primary
# score), then rouge1, rouge2 and rougeLsum. Format: tasks/task_yaml.h.
task: summarisation
metadata:
  version: 1.0
family: summarisation
doc_to_text: "Summarise the article in one or two sentences.\n\nArticle: {{{{article}}}}\n\nSummary:"
doc_to_target: "{{{{summary}}}}"
output_type: generate_until
endpoint: chat
num_fewshot: 0
generation_kwargs:
  until: ["\n\n"]
  max_gen_toks: 128
  do_sample: false
  temperature: 0
metric_list:
  - metric: rougeL
    aggregation: mean
    higher_is_better: true
    use_stemmer: true
  - metric: rouge1
    aggregation: mean
    higher_is_better: true
    use_stemmer: true
  - metric: rouge2
    aggregation: mean
    higher_is_better: true
    use_stemmer: true
  - metric: rougeLsum
    aggregation: mean
    higher_is_better: true
    use_stemmer: true
'''

SUM_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _sum_article(rng, lead, middle, tail, lo=4, hi=8):
    """lead + a shuffled subset of middle + tail sentences, 4-8 in all."""
    n_mid = rng.randint(max(0, lo - 1 - len(tail)), min(len(middle), hi - 1 - len(tail)))
    mid = rng.sample(middle, n_mid)
    return " ".join([lead] + mid + tail)


def _sum_council(rng, names):
    town = names.town()
    action, detail, concern, what = pick(rng, [
        ("build a new swimming pool", "a 25-metre pool, a learner pool and a small gym", "the loss of part of the park", "the pool"),
        ("refurbish the {street} branch library", "a new children's area, a café and longer opening hours", "the library being shut for a year during the work", "the refurbishment"),
        ("introduce cycle lanes on {street}", "protected lanes on both sides of the road", "the loss of 40 parking spaces", "the lanes"),
        ("resurface {street} and its pavements", "new drainage and wider pavements", "months of traffic disruption", "the resurfacing"),
        ("turn the old bus depot on {street} into housing", "120 flats, a third of them for social rent", "traffic on nearby streets", "the scheme"),
        ("plant 5,000 trees along {street} and the ring road", "a mix of oak, lime and birch", "the cost of watering young trees", "the planting"),
    ])
    street = pick(rng, ["Mill Street", "Station Road", "Harbour Lane", "Church Walk", "Victoria Road", "Kiln Lane"])
    action, detail = action.format(street=street), detail.format(street=street)
    yes = rng.randint(18, 34)
    no = rng.randint(3, yes - 5)
    cost = rng.randint(3, 95)  # tenths of a million pounds
    if cost < 10:
        cost_s = f"£{cost * 100},000"
    else:
        cost_s = f"£{cost // 10}.{cost % 10} million" if cost % 10 else f"£{cost // 10} million"
    when = pick(rng, ["next spring", "in September", "early next year", "in the summer"])
    leader = names.person()
    opp = names.person()
    day = pick(rng, SUM_DAYS)
    group = pick(rng, ["A residents' association", "The local traders' group", "A campaign group"])
    lead = f"{town} council has voted {yes} to {no} to {action}, at a cost of {cost_s}."
    middle = [
        f"The plan includes {detail}.",
        f"Council leader {leader} said the decision was \"the right one for the town's future\".",
        f"Opposition councillor {opp} argued that the money would be better spent on repairing roads.",
        f"{group} had objected, citing {concern}.",
        f"The proposal was first put forward three years ago but was delayed by a funding review.",
        f"More than {fmt_int(rng.randint(3, 30) * 100)} people responded to a public consultation on the plan.",
    ]
    tail = [f"Work on {what} is due to start {when}."]
    article = f"The vote took place at a meeting on {day} evening. " if rng.random() < 0.3 else ""
    article = _sum_article(rng, lead, middle, tail) if not article else lead + " " + article + _sum_article(rng, "", middle, tail, 3, 6).strip()
    summary = pick(rng, [
        f"{town} council has voted {yes} to {no} to {action} at a cost of {cost_s}, with work due to start {when}.",
        f"Councillors in {town} have approved plans to {action}, costing {cost_s}, by {yes} votes to {no}. Work is due to start {when}.",
    ])
    return article, summary


def _sum_sports(rng, names):
    home, away = names.town(), names.town()
    sfx = pick(rng, ["United", "Rovers", "Athletic", "City", "Town"])
    a, b = f"{home} {sfx}", f"{away} {pick(rng, ['Wanderers', 'Albion', 'Harriers', 'FC', 'Celtic'])}"
    g1, g2 = rng.randint(1, 5), 0
    g2 = rng.randint(0, g1 - 1)
    comp = pick(rng, ["the County Cup semi-final", "the league", "the Valley Shield final", "the second round of the Regional Trophy"])
    scorer = names.person()
    n_goals = min(g1, pick(rng, [1, 2, 2, 3]))
    goals_txt = {1: "the opening goal", 2: "twice", 3: "a hat-trick"}[n_goals]
    goals_sum = {1: "scoring the opener", 2: "scoring twice", 3: "scoring a hat-trick"}[n_goals]
    crowd = rng.randint(8, 95) * 100
    coach = names.person()
    consequence = {"the County Cup semi-final": "reach the County Cup final",
                   "the league": "move to the top of the table",
                   "the Valley Shield final": "win the Valley Shield",
                   "the second round of the Regional Trophy": "reach the third round of the Regional Trophy"}[comp]
    venue = pick(rng, ["Ferry Lane", "Abbey Park", "Kiln Road", "Mill Meadow"])
    lead = f"{a} beat {b} {g1}-{g2} in {comp} on {pick(rng, ['Saturday', 'Sunday', 'Tuesday night'])} to {consequence}."
    middle = [
        f"{scorer} scored {goals_txt} for {a}.",
        f"A crowd of {fmt_int(crowd)} watched the match at {venue}.",
        f"{a} manager {coach} said the team had \"earned every bit of it\".",
        f"{b} had the better of the first half but could not find a way past the home goalkeeper.",
        f"{b} finished the game with ten men after a late red card.",
        f"It was {poss(a)} {pick(rng, ['third', 'fourth', 'fifth', 'sixth'])} win in a row.",
    ]
    tail = [pick(rng, [f"{a} will play their next match on {pick(rng, SUM_DAYS)}.", f"{b} return to action next weekend."])]
    article = _sum_article(rng, lead, middle, tail)
    if f"{scorer} scored" in article:
        summary = f"{a} beat {b} {g1}-{g2} in {comp} to {consequence}, with {scorer} {goals_sum}."
    else:
        summary = f"{a} beat {b} {g1}-{g2} in {comp} in front of a crowd of {fmt_int(crowd)} to {consequence}."
        article = article.replace(f" A crowd of {fmt_int(crowd)} watched the match at {venue}.", "")
        article = lead + f" A crowd of {fmt_int(crowd)} watched the match at {venue}." + article[len(lead):]
    return article, summary


def _sum_weather(rng, names):
    region = pick(rng, ["the north coast", "the eastern hills", "the Wendle valley", "the southern counties", "the western isles"])
    kind = pick(rng, ["storm", "snow", "heat", "flood"])
    day = pick(rng, SUM_DAYS)
    forecaster = names.person()
    ease = SUM_DAYS[(SUM_DAYS.index(day) + rng.randint(2, 4)) % 7]
    if kind == "storm":
        name = pick(rng, ["Storm Ada", "Storm Bram", "Storm Celyn", "Storm Dorian", "Storm Esme", "Storm Fergal"])
        gust = rng.randint(60, 98)
        homes = rng.randint(2, 40) * 1000
        lead = f"{name} brought gusts of up to {gust} mph to {region} on {day}, leaving {fmt_int(homes)} homes without power."
        middle = [f"Engineers worked through the night to restore supplies.", f"Several ferry crossings were cancelled.",
                  f"A lorry overturned on the coast road, which was closed for six hours.",
                  f"Trees were brought down across roads in at least {rng.randint(5, 30)} places.",
                  f"Forecaster {forecaster} said it was the strongest storm to hit the area in a decade."]
        tail = [f"The wind is expected to ease by {ease}."]
        summary = f"{name} brought gusts of up to {gust} mph to {region}, leaving {fmt_int(homes)} homes without power; the wind is expected to ease by {ease}."
    elif kind == "snow":
        cm = rng.randint(10, 45)
        schools = rng.randint(20, 160)
        lead = f"Up to {cm} centimetres of snow fell across {region} on {day}, closing {schools} schools."
        middle = ["Gritters were out from early morning on the main roads.", "Several bus routes were suspended.",
                  "The regional airport closed its runway for three hours.",
                  f"Forecaster {forecaster} said more snow was likely on higher ground.",
                  "Residents were urged to check on elderly neighbours."]
        tail = [f"Milder weather is forecast from {ease}."]
        summary = f"Up to {cm} centimetres of snow fell across {region}, closing {schools} schools, with milder weather forecast from {ease}."
    elif kind == "heat":
        temp = rng.randint(31, 39)
        lead = f"Temperatures reached {temp}C in {region} on {day}, the hottest day of the year so far."
        middle = ["Water companies asked customers to avoid using hosepipes.", "Beaches were crowded from early morning.",
                  "Some railway lines ran slower services because of the risk of buckled rails.",
                  f"Forecaster {forecaster} said the heat was caused by a slow-moving area of high pressure.",
                  "Hospitals reported a rise in cases of heatstroke."]
        tail = [f"Cooler air is expected to arrive by {ease}."]
        summary = f"Temperatures reached {temp}C in {region}, the hottest day of the year so far, with cooler air expected by {ease}."
    else:
        rain = rng.randint(40, 140)
        homes = rng.randint(30, 400)
        lead = f"Flooding hit {region} on {day} after {rain} millimetres of rain fell in 24 hours, forcing {homes} households to leave their homes."
        middle = ["Emergency shelters were opened in two school halls.", "Several roads were closed by rising water.",
                  f"Forecaster {forecaster} said the rainfall was more than a month's worth in a single day.",
                  "Firefighters rescued a family from the roof of a car.", "Train services between the main towns were suspended."]
        tail = [f"River levels are expected to fall by {ease}."]
        summary = f"Flooding in {region} after {rain} millimetres of rain in 24 hours forced {homes} households to leave their homes; river levels are expected to fall by {ease}."
    return _sum_article(rng, lead, middle, tail), summary


def _sum_company(rng, names):
    company = f"{pick(rng, ['Brightwell', 'Northstar', 'Halden', 'Corran', 'Ashgrove', 'Pellow', 'Tidemark', 'Greyfield'])} {pick(rng, ['Foods', 'Engineering', 'Textiles', 'Electronics', 'Logistics', 'Pharmaceuticals'])}"
    town = names.town()
    ceo = names.person()
    kind = pick(rng, ["factory", "profit", "cuts", "product"])
    if kind == "product":
        company = company.rsplit(" ", 1)[0] + " " + pick(rng, ["Engineering", "Electronics"])
    if kind == "factory":
        jobs = rng.randint(8, 90) * 10
        cost = rng.randint(12, 180)
        lead = f"{company} is to open a new factory in {town}, creating {jobs} jobs."
        middle = [f"The company will invest £{cost} million in the site, which is due to open in {rng.randint(2026, 2029)}.",
                  f"Chief executive {ceo} said {town} had been chosen for its transport links and skilled workforce.",
                  "The local council welcomed the announcement.", "Recruitment is expected to begin next year.",
                  f"{company} already employs about {fmt_int(rng.randint(5, 60) * 100)} people at two other sites."]
        summary = f"{company} is to open a new factory in {town}, investing £{cost} million and creating {jobs} jobs."
        middle[0] = middle[0]
        lead = lead + " " + middle.pop(0)
    elif kind == "profit":
        pct = rng.randint(5, 45)
        profit = rng.randint(12, 400)
        reason = pick(rng, ["strong sales overseas", "lower energy costs", "demand for its new product range", "a busy holiday season"])
        lead = f"{company} has reported a {pct}% rise in annual profits to £{profit} million, helped by {reason}."
        middle = [f"Chief executive {ceo} said the company would use the money to expand.", "Shares rose 4% in early trading.",
                  "Staff will receive a one-off bonus.", f"The company, based in {town}, was founded in {rng.randint(1890, 1995)}.",
                  "Analysts had expected a smaller increase."]
        summary = f"{company} has reported a {pct}% rise in annual profits to £{profit} million, helped by {reason}."
    elif kind == "cuts":
        jobs = rng.randint(5, 60) * 10
        reason = pick(rng, ["falling orders", "higher costs", "the loss of a major contract"])
        lead = f"{company} is to cut {jobs} jobs at its site in {town}, blaming {reason}."
        middle = [f"Chief executive {ceo} said the decision had been \"extremely difficult\".", "Unions said they would fight the cuts.",
                  "The company will offer voluntary redundancy first.", f"The {town} site has been open for more than fifty years.",
                  "Local MPs called for talks with the government."]
        summary = f"{company} is to cut {jobs} jobs at its {town} site, blaming {reason}."
    else:
        product = pick(rng, ["an electric delivery van", "a recyclable coffee cup", "a low-cost heat pump", "a solar-powered fridge"])
        price = rng.randint(2, 90) * 10
        lead = f"{company} has launched {product}, which will go on sale next month."
        price_s = f"£{fmt_int(price * (100 if 'van' in product or 'heat' in product else 1))}"
        middle = [f"It will cost {price_s}.",
                  f"Chief executive {ceo} said the product had taken four years to develop.",
                  f"It will be made at the company's plant in {town}.", "Early reviews have been positive.",
                  "The company hopes to sell it across Europe by next year."]
        lead = lead + " " + middle.pop(0)
        summary = f"{company} has launched {product}, which goes on sale next month, priced at {price_s}."
    return _sum_article(rng, lead, middle, []), summary


def _sum_science(rng, names):
    inst = pick(rng, ["the University of Aldermere", "the Northfield Institute", "Kingsgate College", "the Meridian Observatory",
                      "the Harrow Marine Laboratory"])
    lead_author = names.person()
    finding, number_s, journal = names.take("finding", [
        ("a bacterium that can break down plastic bottles in weeks rather than centuries", "broke down 90% of a sample in six weeks", "Microbial Futures"),
        ("a new species of frog in the cloud forests of the Orrin mountains", "is just 11 millimetres long", "Tropical Zoology"),
        ("a battery material that charges twice as fast as lithium-ion", "kept 95% of its capacity after 2,000 charges", "Energy Materials Letters"),
        ("evidence that sea otters use the same stones as tools for years", "tracked 40 otters over five years", "Marine Behaviour"),
        ("a simple blood test that spots a common eye disease early", "correctly identified 87% of cases", "Clinical Vision"),
        ("a comet that returns to the inner solar system every 300 years", "is about 6 kilometres across", "Astronomy Notes"),
        ("a drought-tolerant variety of wheat", "produced 30% more grain in dry conditions", "Crop Science Today"),
        ("a coating that keeps ice from forming on aircraft wings", "cut ice build-up by 70% in a wind tunnel", "Applied Surfaces"),
        ("a new species of deep-sea octopus off the Carrig Seamount", "lives at depths of more than 3,000 metres", "Deep Ocean Biology"),
        ("a cheap sensor that detects lead in tap water within a minute", "matched laboratory results in 48 of 50 samples", "Water Quality Methods"),
        ("a small planet orbiting a nearby red dwarf star", "takes just nine days to circle its star", "Astronomy Notes"),
        ("a concrete mix that absorbs carbon dioxide as it sets", "stored 15 kilograms of carbon dioxide per cubic metre", "Green Building Research"),
    ])
    funding = pick(rng, ["a government research grant", "a charity", "a European research fund"])
    lead = f"Scientists at {inst} have discovered {finding}." if "species" in finding or "comet" in finding or "evidence" in finding or "planet" in finding \
        else f"Researchers at {inst} have developed {finding}."
    lead = lead.replace("developed evidence", "found evidence")
    middle = [f"The study was published in the journal {journal}.",
              f"In tests, the team found that it {number_s}." if not any(w in finding for w in ("species", "comet", "evidence", "planet"))
              else f"The team reports that it {number_s}." if "evidence" not in finding else f"The team {number_s}.",
              f"The work was funded by {funding}.", "Other scientists said the results were promising but needed to be repeated.",
              f"{lead_author}, who led the study, said the team hoped to publish further results next year."]
    key = middle[1]
    article = _sum_article(rng, lead + " " + key, [m for m in middle if m != key], [])
    verb = "discovered" if "Scientists" in lead else "developed"
    if "found evidence" in lead:
        verb = "found"
    summary = f"{lead.split(' have ')[0]} have {verb} {finding}; {key[0].lower() + key[1:]}"
    summary = summary.replace("in tests, the team found that it", "in tests it").replace("the team reports that it", "it")
    return article, summary


SUM_TYPES = [_sum_council, _sum_sports, _sum_weather, _sum_company, _sum_science]


def gen_summarisation():
    rng = random.Random(606)
    names = _QaNames(random.Random(607))
    docs, seen = [], set()
    per_type = {_sum_council: 24, _sum_sports: 24, _sum_weather: 24, _sum_company: 26, _sum_science: 12}
    for t in SUM_TYPES:
        made = 0
        while made < per_type[t]:
            names.new_passage()
            article, summary = t(rng, names)
            if article in seen or summary in {d["summary"] for d in docs}:
                continue
            n_sent = len(re.findall(r"[.!?](?:\"|\))?(?=\s+[A-Z]|$)", article))
            assert 4 <= n_sent <= 8, (n_sent, article)
            seen.add(article)
            docs.append({"article": article, "summary": summary})
            made += 1
    random.Random(608).shuffle(docs)
    docs = [{"id": f"JB-SUM-{i + 1:04d}", **d} for i, d in enumerate(docs)]
    return SUMMARISATION_YAML.format(n=len(docs)), docs

# ---------------------------------------------------------------------------------------------
# 7. code-summarisation (mirrors CodeSearchNet, function -> docstring)
# ---------------------------------------------------------------------------------------------

CODE_SUMMARISATION_YAML = r'''# code-summarisation: mirrors CodeSearchNet's Python function-to-docstring task (Garg et al.
# 2025's code summarisation). {n} Python functions without their docstrings (list, dict and string
# processing, maths, parsing, small utilities), each with a one-sentence reference docstring
# summary; generated for joulebench by suites/generate_suites.py from {f} parameterised families
# (different operations, names and argument names), and every function is compiled and run once
# by the script (no external data). Asked zero-shot over the chat endpoint; scored with ROUGE-L
# (no stemmer; the primary score), then sacrebleu corpus BLEU. Format: tasks/task_yaml.h.
task: code-summarisation
metadata:
  version: 1.0
family: code-summarisation
doc_to_text: "Write a one-sentence docstring summary of this Python function. Reply with the sentence only.\n\n```python\n{{{{code}}}}\n```\n\nSummary:"
doc_to_target: "{{{{docstring}}}}"
output_type: generate_until
endpoint: chat
num_fewshot: 0
generation_kwargs:
  until: ["\n\n"]
  max_gen_toks: 64
  do_sample: false
  temperature: 0
metric_list:
  - metric: rougeL
    aggregation: mean
    higher_is_better: true
    use_stemmer: false
  - metric: bleu
    aggregation: bleu
    higher_is_better: true
'''

# Each family: (variants, code template, docstring template). A variant gives the function's name,
# its argument names and the operation; {a}, {b} name arguments in the template.
CS_FAMILIES = [
    # Filtering a list, comprehension style.
    ([("even_numbers", ["numbers"], {"cond": "x % 2 == 0", "what": "even numbers"}),
      ("odd_values", ["values"], {"cond": "x % 2 == 1", "what": "odd values"}),
      ("positive_only", ["readings"], {"cond": "x > 0", "what": "positive readings"}),
      ("drop_negatives", ["amounts"], {"cond": "x >= 0", "what": "amounts that are not negative"}),
      ("non_empty", ["strings"], {"cond": "x.strip()", "what": "strings that contain something other than whitespace"})],
     "def {name}({a}):\n    return [x for x in {a} if {cond}]\n",
     "Return the {what} from the given list."),
    # Filtering with a threshold argument, loop style.
    ([("above_threshold", ["scores", "threshold"], {"op": ">", "what": "scores greater than the threshold"}),
      ("at_most", ["prices", "limit"], {"op": "<=", "what": "prices that do not exceed the limit"}),
      ("longer_than", ["words", "n"], {"op": ">", "key": "len(item)", "what": "words longer than n characters"}),
      ("divisible_by", ["numbers", "k"], {"op": "==", "key": "item % {b}", "rhs": "0", "what": "numbers divisible by k"})],
     "def {name}({a}, {b}):\n    result = []\n    for item in {a}:\n        if {key} {op} {rhs}:\n            result.append(item)\n    return result\n",
     "Return the {what}."),
    # Aggregates.
    ([("sum_of_squares", ["values"], {"expr": "sum(v * v for v in {a})", "what": "Return the sum of the squares of the values."}),
      ("product", ["factors"], {"expr": "math.prod({a})", "what": "Return the product of all the factors.", "imp": "import math\n\n\n"}),
      ("count_negatives", ["temperatures"], {"expr": "sum(1 for t in {a} if t < 0)", "what": "Count how many temperatures are below zero."}),
      ("mean", ["samples"], {"expr": "sum({a}) / len({a}) if {a} else 0.0", "what": "Return the arithmetic mean of the samples, or 0.0 for an empty list."}),
      ("value_range", ["data"], {"expr": "max({a}) - min({a})", "what": "Return the difference between the largest and smallest values in the data."})],
     "{imp}def {name}({a}):\n    return {expr}\n",
     "{what}"),
    # Running totals and differences.
    ([("running_total", ["deposits"], {"what": "Return the cumulative sums of the deposits.", "body": "    totals = []\n    total = 0\n    for d in {a}:\n        total += d\n        totals.append(total)\n    return totals\n"}),
      ("pairwise_differences", ["series"], {"what": "Return the differences between each element of the series and the one before it.", "body": "    return [b - a for a, b in zip({a}, {a}[1:])]\n"}),
      ("moving_average", ["prices", "window"], {"what": "Return the moving averages of the prices over a sliding window of the given size.", "body": "    return [sum({a}[i:i + {b}]) / {b} for i in range(len({a}) - {b} + 1)]\n"})],
     "def {name}({args}):\n{body}",
     "{what}"),
    # Strings.
    ([("count_vowels", ["text"], {"what": "Count the vowels in a string, ignoring case.", "body": "    return sum(1 for ch in {a}.lower() if ch in \"aeiou\")\n"}),
      ("reverse_words", ["sentence"], {"what": "Return the sentence with its words in reverse order.", "body": "    return \" \".join(reversed({a}.split()))\n"}),
      ("title_case", ["phrase"], {"what": "Capitalise the first letter of every word in the phrase.", "body": "    return \" \".join(w[:1].upper() + w[1:] for w in {a}.split())\n"}),
      ("is_palindrome", ["s"], {"what": "Check whether a string reads the same backwards, ignoring case and non-alphanumeric characters.", "body": "    cleaned = [c.lower() for c in {a} if c.isalnum()]\n    return cleaned == cleaned[::-1]\n"}),
      ("snake_to_camel", ["name"], {"what": "Convert a snake_case identifier to camelCase.", "body": "    head, *rest = {a}.split(\"_\")\n    return head + \"\".join(part.capitalize() for part in rest)\n"}),
      ("camel_to_snake", ["identifier"], {"what": "Convert a camelCase identifier to snake_case.", "body": "    out = []\n    for ch in {a}:\n        if ch.isupper():\n            out.append(\"_\")\n        out.append(ch.lower())\n    return \"\".join(out).lstrip(\"_\")\n"}),
      ("truncate", ["text", "max_len"], {"what": "Shorten the text to at most max_len characters, ending it with an ellipsis if it was cut.", "body": "    if len({a}) <= {b}:\n        return {a}\n    return {a}[:max(0, {b} - 3)] + \"...\"\n"}),
      ("initials", ["full_name"], {"what": "Return the upper-case initials of a person's name.", "body": "    return \"\".join(part[0].upper() for part in {a}.split())\n"}),
      ("mask_card_number", ["number"], {"what": "Hide all but the last four digits of a card number with asterisks.", "body": "    digits = {a}.replace(\" \", \"\")\n    return \"*\" * (len(digits) - 4) + digits[-4:]\n"}),
      ("collapse_spaces", ["text"], {"what": "Replace every run of whitespace in the text with a single space.", "body": "    return \" \".join({a}.split())\n"}),
      ("longest_word", ["sentence"], {"what": "Return the longest word in the sentence, the first one if there is a tie.", "body": "    return max({a}.split(), key=len, default=\"\")\n"}),
      ("char_frequencies", ["text"], {"what": "Count how many times each character appears in the text.", "body": "    counts = {{}}\n    for ch in {a}:\n        counts[ch] = counts.get(ch, 0) + 1\n    return counts\n"}),
      ("strip_punctuation", ["text"], {"what": "Remove all punctuation characters from the text.", "body": "    return \"\".join(ch for ch in {a} if ch not in string.punctuation)\n", "imp": "import string\n\n\n"}),
      ("acronym", ["phrase"], {"what": "Build an upper-case acronym from the first letters of the words in a phrase.", "body": "    return \"\".join(w[0] for w in {a}.split() if w).upper()\n"}),
      ("zero_pad", ["number", "width"], {"what": "Format a non-negative integer as a string padded with leading zeros to the given width.", "body": "    return str({a}).rjust({b}, \"0\")\n"})],
     "{imp}def {name}({args}):\n{body}",
     "{what}"),
    # Dictionaries.
    ([("invert_mapping", ["mapping"], {"what": "Return a new dictionary with the keys and values swapped.", "body": "    return {{v: k for k, v in {a}.items()}}\n"}),
      ("word_counts", ["words"], {"what": "Count how many times each word occurs in the list.", "body": "    counts = {{}}\n    for w in {a}:\n        counts[w] = counts.get(w, 0) + 1\n    return counts\n"}),
      ("group_by_length", ["words"], {"what": "Group the words into a dictionary keyed by word length.", "body": "    groups = {{}}\n    for w in {a}:\n        groups.setdefault(len(w), []).append(w)\n    return groups\n"}),
      ("group_by_initial", ["names"], {"what": "Group the names by their first letter.", "body": "    groups = {{}}\n    for n in {a}:\n        if n:\n            groups.setdefault(n[0].upper(), []).append(n)\n    return groups\n"}),
      ("merge_totals", ["first", "second"], {"what": "Merge two dictionaries of totals, adding the values of keys that appear in both.", "body": "    merged = dict({a})\n    for key, value in {b}.items():\n        merged[key] = merged.get(key, 0) + value\n    return merged\n"}),
      ("filter_by_value", ["stock", "minimum"], {"what": "Return the items whose value is at least the given minimum.", "body": "    return {{k: v for k, v in {a}.items() if v >= {b}}}\n"}),
      ("key_of_max", ["scores"], {"what": "Return the key with the highest value, or None if the dictionary is empty.", "body": "    if not {a}:\n        return None\n    return max({a}, key={a}.get)\n"}),
      ("sorted_by_value", ["counts"], {"what": "Return the keys sorted by their values from highest to lowest.", "body": "    return sorted({a}, key=lambda k: {a}[k], reverse=True)\n"}),
      ("get_path", ["config", "path", "default"], {"what": "Look up a dot-separated path in nested dictionaries, returning the default if any key is missing.", "body": "    node = {a}\n    for key in {b}.split(\".\"):\n        if not isinstance(node, dict) or key not in node:\n            return {c}\n        node = node[key]\n    return node\n"}),
      ("pairs_to_dict", ["keys", "values"], {"what": "Build a dictionary from a list of keys and a list of values.", "body": "    return dict(zip({a}, {b}))\n"})],
     "def {name}({args}):\n{body}",
     "{what}"),
    # Maths.
    ([("gcd", ["a", "b"], {"what": "Return the greatest common divisor of two integers using Euclid's algorithm.", "body": "    while {b}:\n        {a}, {b} = {b}, {a} % {b}\n    return abs({a})\n"}),
      ("lcm", ["x", "y"], {"what": "Return the least common multiple of two positive integers.", "body": "    return {a} * {b} // math.gcd({a}, {b})\n", "imp": "import math\n\n\n"}),
      ("factorial", ["n"], {"what": "Return the factorial of a non-negative integer, computed iteratively.", "body": "    result = 1\n    for i in range(2, {a} + 1):\n        result *= i\n    return result\n"}),
      ("fibonacci", ["n"], {"what": "Return the n-th Fibonacci number, with fibonacci(0) equal to 0.", "body": "    a, b = 0, 1\n    for _ in range({a}):\n        a, b = b, a + b\n    return a\n"}),
      ("is_prime", ["n"], {"what": "Check whether an integer is a prime number.", "body": "    if {a} < 2:\n        return False\n    i = 2\n    while i * i <= {a}:\n        if {a} % i == 0:\n            return False\n        i += 1\n    return True\n"}),
      ("digit_sum", ["number"], {"what": "Return the sum of the decimal digits of an integer.", "body": "    return sum(int(d) for d in str(abs({a})))\n"}),
      ("clamp", ["value", "low", "high"], {"what": "Limit a value to the range between low and high.", "body": "    return max({b}, min({c}, {a}))\n"}),
      ("median", ["values"], {"what": "Return the median of a non-empty list of numbers.", "body": "    ordered = sorted({a})\n    mid = len(ordered) // 2\n    if len(ordered) % 2:\n        return ordered[mid]\n    return (ordered[mid - 1] + ordered[mid]) / 2\n"}),
      ("variance", ["samples"], {"what": "Return the population variance of the samples.", "body": "    m = sum({a}) / len({a})\n    return sum((x - m) ** 2 for x in {a}) / len({a})\n"}),
      ("celsius_to_fahrenheit", ["celsius"], {"what": "Convert a temperature from degrees Celsius to degrees Fahrenheit.", "body": "    return {a} * 9 / 5 + 32\n"}),
      ("fahrenheit_to_celsius", ["fahrenheit"], {"what": "Convert a temperature from degrees Fahrenheit to degrees Celsius.", "body": "    return ({a} - 32) * 5 / 9\n"}),
      ("compound_interest", ["principal", "rate", "years"], {"what": "Return the balance after compounding interest once a year for the given number of years.", "body": "    return {a} * (1 + {b}) ** {c}\n"}),
      ("distance", ["p", "q"], {"what": "Return the Euclidean distance between two points in the plane.", "body": "    return math.hypot({a}[0] - {b}[0], {a}[1] - {b}[1])\n", "imp": "import math\n\n\n"}),
      ("round_to_multiple", ["value", "step"], {"what": "Round a number to the nearest multiple of step.", "body": "    return round({a} / {b}) * {b}\n"}),
      ("choose", ["n", "k"], {"what": "Return the number of ways to choose k items from n without regard to order.", "body": "    if {b} < 0 or {b} > {a}:\n        return 0\n    result = 1\n    for i in range(1, {b} + 1):\n        result = result * ({a} - i + 1) // i\n    return result\n"}),
      ("percentage", ["part", "whole"], {"what": "Return part as a percentage of whole, rounded to one decimal place.", "body": "    if {b} == 0:\n        return 0.0\n    return round(100 * {a} / {b}, 1)\n"})],
     "{imp}def {name}({args}):\n{body}",
     "{what}"),
    # Lists.
    ([("chunk", ["items", "size"], {"what": "Split a list into consecutive chunks of the given size.", "body": "    return [{a}[i:i + {b}] for i in range(0, len({a}), {b})]\n"}),
      ("flatten", ["nested"], {"what": "Flatten a list of lists by one level.", "body": "    return [x for sub in {a} for x in sub]\n"}),
      ("unique_in_order", ["items"], {"what": "Remove duplicates from a list while keeping the first occurrence of each item in order.", "body": "    seen = set()\n    out = []\n    for x in {a}:\n        if x not in seen:\n            seen.add(x)\n            out.append(x)\n    return out\n"}),
      ("rotate_left", ["items", "k"], {"what": "Rotate a list to the left by k positions.", "body": "    if not {a}:\n        return []\n    k = {b} % len({a})\n    return {a}[k:] + {a}[:k]\n"}),
      ("index_of_max", ["values"], {"what": "Return the index of the largest value in the list.", "body": "    best = 0\n    for i in range(1, len({a})):\n        if {a}[i] > {a}[best]:\n            best = i\n    return best\n"}),
      ("second_largest", ["numbers"], {"what": "Return the second largest distinct number in the list, or None if there is none.", "body": "    distinct = sorted(set({a}), reverse=True)\n    return distinct[1] if len(distinct) > 1 else None\n"}),
      ("interleave", ["left", "right"], {"what": "Interleave the elements of two lists, appending the rest of the longer one.", "body": "    out = []\n    for i in range(max(len({a}), len({b}))):\n        if i < len({a}):\n            out.append({a}[i])\n        if i < len({b}):\n            out.append({b}[i])\n    return out\n"}),
      ("split_even_odd", ["numbers"], {"what": "Split the numbers into a list of even numbers and a list of odd numbers.", "body": "    evens = [n for n in {a} if n % 2 == 0]\n    odds = [n for n in {a} if n % 2]\n    return evens, odds\n"}),
      ("find_duplicates", ["items"], {"what": "Return the items that appear more than once in the list.", "body": "    seen, dupes = set(), []\n    for x in {a}:\n        if x in seen and x not in dupes:\n            dupes.append(x)\n        seen.add(x)\n    return dupes\n"}),
      ("common_elements", ["first", "second"], {"what": "Return the elements of the first list that also appear in the second, in their original order.", "body": "    lookup = set({b})\n    return [x for x in {a} if x in lookup]\n"}),
      ("transpose", ["matrix"], {"what": "Return the transpose of a matrix given as a list of rows.", "body": "    return [list(row) for row in zip(*{a})]\n"}),
      ("diagonal_sum", ["grid"], {"what": "Return the sum of the main diagonal of a square matrix.", "body": "    return sum({a}[i][i] for i in range(len({a})))\n"})],
     "def {name}({args}):\n{body}",
     "{what}"),
    # Parsing.
    ([("parse_settings", ["line"], {"what": "Parse a string of semicolon-separated key=value pairs into a dictionary.", "body": "    result = {{}}\n    for part in {a}.split(\";\"):\n        if \"=\" in part:\n            key, value = part.split(\"=\", 1)\n            result[key.strip()] = value.strip()\n    return result\n"}),
      ("parse_int_list", ["csv_line"], {"what": "Parse a comma-separated line of integers into a list of ints.", "body": "    return [int(x) for x in {a}.split(\",\") if x.strip()]\n"}),
      ("clock_to_minutes", ["hhmm"], {"what": "Convert a time written as HH:MM into minutes after midnight.", "body": "    hours, minutes = {a}.split(\":\")\n    return int(hours) * 60 + int(minutes)\n"}),
      ("parse_duration", ["spec"], {"what": "Convert a duration such as \"1h30m\" into a number of minutes.", "body": "    total = 0\n    number = \"\"\n    for ch in {a}:\n        if ch.isdigit():\n            number += ch\n        elif ch == \"h\":\n            total += int(number) * 60\n            number = \"\"\n        elif ch == \"m\":\n            total += int(number)\n            number = \"\"\n    return total\n"}),
      ("extract_hashtags", ["post"], {"what": "Return the hashtags in a social media post, without the leading # sign.", "body": "    return [w[1:] for w in {a}.split() if w.startswith(\"#\") and len(w) > 1]\n"}),
      ("parse_query", ["query"], {"what": "Parse a URL query string into a dictionary of parameters.", "body": "    params = {{}}\n    for pair in {a}.lstrip(\"?\").split(\"&\"):\n        if pair:\n            key, _, value = pair.partition(\"=\")\n            params[key] = value\n    return params\n"}),
      ("looks_like_email", ["address"], {"what": "Check whether a string looks like an email address with one @ and a dot in the domain.", "body": "    if {a}.count(\"@\") != 1:\n        return False\n    local, domain = {a}.split(\"@\")\n    return bool(local) and \".\" in domain.strip(\".\")\n"}),
      ("version_tuple", ["version"], {"what": "Convert a dotted version string into a tuple of integers for comparison.", "body": "    return tuple(int(part) for part in {a}.split(\".\"))\n"}),
      ("file_extension", ["filename"], {"what": "Return the lower-case extension of a file name, or an empty string if it has none.", "body": "    base = {a}.rsplit(\"/\", 1)[-1]\n    if \".\" not in base.lstrip(\".\"):\n        return \"\"\n    return base.rsplit(\".\", 1)[-1].lower()\n"}),
      ("word_frequencies_text", ["text"], {"what": "Count the words in a text, ignoring case and surrounding punctuation.", "body": "    counts = {{}}\n    for raw in {a}.split():\n        word = raw.strip(\".,;:!?\\\"'()\").lower()\n        if word:\n            counts[word] = counts.get(word, 0) + 1\n    return counts\n"})],
     "def {name}({args}):\n{body}",
     "{what}"),
]

# Alternative names and argument names, so the same operation appears under different spellings.
CS_RENAMES = {
    "even_numbers": ["evens", "filter_even", "keep_even"], "odd_values": ["odds", "select_odd"],
    "positive_only": ["positives", "only_positive"], "sum_of_squares": ["square_sum", "sum_squares"],
    "count_vowels": ["vowel_count", "num_vowels"], "reverse_words": ["reverse_word_order", "words_backwards"],
    "is_palindrome": ["palindrome", "check_palindrome"], "word_counts": ["count_words", "tally_words"],
    "invert_mapping": ["invert_dict", "swap_keys_values"], "gcd": ["greatest_common_divisor", "euclid_gcd"],
    "factorial": ["fact", "iterative_factorial"], "is_prime": ["check_prime", "prime"], "chunk": ["chunks", "batch"],
    "flatten": ["flatten_once", "concat_lists"], "unique_in_order": ["dedupe", "remove_duplicates"],
    "running_total": ["cumulative_sum", "prefix_sums"], "mean": ["average", "avg"], "median": ["middle_value", "get_median"],
    "clamp": ["bound", "clip"], "parse_settings": ["parse_kv", "read_options"], "transpose": ["transpose_matrix", "flip"],
}
CS_ARG_RENAMES = {"numbers": ["nums", "ints"], "values": ["vals", "xs"], "text": ["s", "content"], "words": ["tokens", "word_list"],
                  "items": ["seq", "elements"], "samples": ["xs", "observations"], "sentence": ["line", "phrase_text"],
                  "mapping": ["d", "table"], "n": ["num", "number"], "scores": ["results", "marks"]}


def gen_code_summarisation():
    rng = random.Random(707)
    docs = []
    for variants, code_t, doc_t in CS_FAMILIES:
        for name, args, params in variants:
            # The canonical spelling, then up to two renamed copies where alternatives exist.
            spellings = [(name, args)]
            for alt in CS_RENAMES.get(name, [])[:2]:
                alt_args = [pick(rng, CS_ARG_RENAMES[a]) if a in CS_ARG_RENAMES and rng.random() < 0.7 else a for a in args]
                if len(set(alt_args)) == len(alt_args):
                    spellings.append((alt, alt_args))
            for fname, fargs in spellings:
                names = dict(zip("abc", fargs))
                fill = {k: (v.format(**names) if isinstance(v, str) else v) for k, v in params.items()}
                fill.setdefault("imp", "")
                fill.setdefault("key", "item")
                fill.setdefault("rhs", "{b}".format(**names) if len(fargs) > 1 else "")
                code = code_t.format(name=fname, args=", ".join(fargs), **names, **fill)
                ns = {}
                exec(compile(code, fname, "exec"), ns)  # noqa: S102 - our own generated code: must define the function
                assert callable(ns[fname]), fname
                doc = doc_t.format(**fill)
                docs.append({"func_name": fname, "language": "python", "code": code.rstrip("\n"), "docstring": doc})
    docs = dedupe(docs, key=lambda d: d["code"])
    random.Random(708).shuffle(docs)
    docs = [{"id": f"JB-CS-{i + 1:04d}", **d} for i, d in enumerate(docs)]
    return CODE_SUMMARISATION_YAML.format(n=len(docs), f=len(CS_FAMILIES)), docs

# ---------------------------------------------------------------------------------------------
# 8. code-generation (mirrors HumanEval)
# ---------------------------------------------------------------------------------------------

CODE_GENERATION_YAML = r'''# code-generation: mirrors HumanEval (Garg et al. 2025's code generation). {n} Python problems in
# HumanEval's shape (task_id, prompt = signature + docstring with >>> examples, canonical_solution,
# test = check(candidate) with 5+ asserts including edge cases, entry_point), written by hand for
# joulebench and emitted by suites/generate_suites.py (no external data); its --check runs every
# canonical solution against its tests and its docstring examples, and a wrong solution that must
# fail. Asked over the completions endpoint with the bare prompt, sampled 10 times (temperature
# 0.8, top_p 0.95); build_predictions prefixes the prompt to each completion, the program runs
# with the tests (3 s timeout), and pass@1 (the primary score) and pass@10 are the unbiased
# estimates over the 10 samples. Format: tasks/task_yaml.h.
task: code-generation
metadata:
  version: 1.0
family: code-generation
doc_to_text: "{{{{prompt}}}}"
doc_to_target: "{{{{test}}}}\ncheck({{{{entry_point}}}})"
canonical_solution: "{{{{canonical_solution}}}}"
output_type: generate_until
endpoint: completions
num_fewshot: 0
repeats: 10
generation_kwargs:
  until: ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]
  max_gen_toks: 512
  do_sample: true
  temperature: 0.8
  top_p: 0.95
filter_list:
  - name: create_test
    filter:
      - function: build_predictions
metric_list:
  - metric: pass_at_k
    aggregation: mean
    higher_is_better: true
    k: [1, 10]
code_timeout_s: 3
'''

CG_STOPS = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]

# (entry point, imports, signature, docstring lines, solution body, asserts on `candidate`)
CG_PROBLEMS = [
    ("count_long_words", "", "count_long_words(sentence: str, n: int) -> int",
     ["Count the words in the sentence that have more than n characters.",
      "Words are separated by whitespace.",
      ">>> count_long_words('the quick brown fox', 3)", "2", ">>> count_long_words('', 1)", "0"],
     "    return sum(1 for w in sentence.split() if len(w) > n)\n",
     ["candidate('the quick brown fox', 3) == 2", "candidate('', 1) == 0", "candidate('a bb ccc dddd', 0) == 4",
      "candidate('a bb ccc dddd', 4) == 0", "candidate('  spaced   out   words  ', 4) == 2", "candidate('hello', 4) == 1"]),
    ("run_length_encode", "", "run_length_encode(s: str) -> str",
     ["Compress a string by writing each run of repeated characters as the",
      "character followed by the length of the run.",
      ">>> run_length_encode('aaabcc')", "'a3b1c2'", ">>> run_length_encode('')", "''"],
     "    out = []\n    i = 0\n    while i < len(s):\n        j = i\n        while j < len(s) and s[j] == s[i]:\n            j += 1\n        out.append(s[i] + str(j - i))\n        i = j\n    return ''.join(out)\n",
     ["candidate('aaabcc') == 'a3b1c2'", "candidate('') == ''", "candidate('x') == 'x1'", "candidate('abab') == 'a1b1a1b1'",
      "candidate('zzzzzzzzzzzz') == 'z12'", "candidate('  !') == ' 2!1'"]),
    ("run_length_decode", "", "run_length_decode(encoded: str) -> str",
     ["Expand a run-length encoded string in which every letter is followed by",
      "its repeat count (which may have several digits).",
      ">>> run_length_decode('a3b1c2')", "'aaabcc'", ">>> run_length_decode('x10')", "'xxxxxxxxxx'"],
     "    out = []\n    i = 0\n    while i < len(encoded):\n        ch = encoded[i]\n        j = i + 1\n        while j < len(encoded) and encoded[j].isdigit():\n            j += 1\n        out.append(ch * int(encoded[i + 1:j]))\n        i = j\n    return ''.join(out)\n",
     ["candidate('a3b1c2') == 'aaabcc'", "candidate('') == ''", "candidate('x10') == 'x' * 10", "candidate('a1b1a1') == 'aba'",
      "candidate('q2w12') == 'qq' + 'w' * 12"]),
    ("is_balanced", "", "is_balanced(text: str) -> bool",
     ["Return True if every bracket in text, of the kinds (), [] and {}, is closed",
      "in the right order. Characters other than brackets are ignored.",
      ">>> is_balanced('(a[b]{c})')", "True", ">>> is_balanced('(]')", "False"],
     "    pairs = {')': '(', ']': '[', '}': '{'}\n    stack = []\n    for ch in text:\n        if ch in '([{':\n            stack.append(ch)\n        elif ch in pairs:\n            if not stack or stack.pop() != pairs[ch]:\n                return False\n    return not stack\n",
     ["candidate('(a[b]{c})') is True", "candidate('(]') is False", "candidate('') is True", "candidate('((') is False",
      "candidate('))((') is False", "candidate('{[()()]}x') is True", "candidate('([)]') is False"]),
    ("second_smallest", "from typing import List, Optional\n\n\n", "second_smallest(numbers: List[int]) -> Optional[int]",
     ["Return the second smallest distinct value in the list, or None if the list",
      "has fewer than two distinct values.",
      ">>> second_smallest([4, 1, 3, 1])", "3", ">>> second_smallest([7, 7]) is None", "True"],
     "    distinct = sorted(set(numbers))\n    return distinct[1] if len(distinct) > 1 else None\n",
     ["candidate([4, 1, 3, 1]) == 3", "candidate([7, 7]) is None", "candidate([]) is None", "candidate([-5, -9, 0]) == -5",
      "candidate([2, 1]) == 2", "candidate([10, 10, 9, 8, 8]) == 9"]),
    ("rotate_right", "", "rotate_right(s: str, k: int) -> str",
     ["Rotate the string s to the right by k characters; k may be larger than",
      "the length of s.",
      ">>> rotate_right('abcdef', 2)", "'efabcd'", ">>> rotate_right('abc', 4)", "'cab'"],
     "    if not s:\n        return s\n    k %= len(s)\n    return s[-k:] + s[:-k] if k else s\n",
     ["candidate('abcdef', 2) == 'efabcd'", "candidate('abc', 4) == 'cab'", "candidate('', 3) == ''", "candidate('abc', 0) == 'abc'",
      "candidate('abc', 3) == 'abc'", "candidate('hello', 1) == 'ohell'"]),
    ("digital_root", "", "digital_root(n: int) -> int",
     ["Repeatedly add up the decimal digits of the non-negative integer n until a",
      "single digit remains, and return it.",
      ">>> digital_root(9875)", "2", ">>> digital_root(0)", "0"],
     "    while n >= 10:\n        n = sum(int(d) for d in str(n))\n    return n\n",
     ["candidate(9875) == 2", "candidate(0) == 0", "candidate(7) == 7", "candidate(10) == 1", "candidate(999999999999) == 9",
      "candidate(38) == 2"]),
    ("caesar_shift", "", "caesar_shift(text: str, k: int) -> str",
     ["Shift every ASCII letter in text k places along the alphabet, wrapping",
      "around and keeping its case. Other characters are unchanged; k may be negative.",
      ">>> caesar_shift('Hello, World!', 3)", "'Khoor, Zruog!'", ">>> caesar_shift('abc', -1)", "'zab'"],
     "    out = []\n    for ch in text:\n        if 'a' <= ch <= 'z':\n            out.append(chr((ord(ch) - 97 + k) % 26 + 97))\n        elif 'A' <= ch <= 'Z':\n            out.append(chr((ord(ch) - 65 + k) % 26 + 65))\n        else:\n            out.append(ch)\n    return ''.join(out)\n",
     ["candidate('Hello, World!', 3) == 'Khoor, Zruog!'", "candidate('abc', -1) == 'zab'", "candidate('', 5) == ''",
      "candidate('xyz', 26) == 'xyz'", "candidate('XyZ', 29) == 'AbC'", "candidate('123 go', 1) == '123 hp'"]),
    ("merge_sorted", "from typing import List\n\n\n", "merge_sorted(a: List[int], b: List[int]) -> List[int]",
     ["Merge two lists that are each sorted in ascending order into one sorted",
      "list, keeping duplicates.",
      ">>> merge_sorted([1, 4, 9], [2, 4, 10])", "[1, 2, 4, 4, 9, 10]"],
     "    i = j = 0\n    out = []\n    while i < len(a) and j < len(b):\n        if a[i] <= b[j]:\n            out.append(a[i])\n            i += 1\n        else:\n            out.append(b[j])\n            j += 1\n    return out + a[i:] + b[j:]\n",
     ["candidate([1, 4, 9], [2, 4, 10]) == [1, 2, 4, 4, 9, 10]", "candidate([], []) == []", "candidate([], [1, 2]) == [1, 2]",
      "candidate([3], []) == [3]", "candidate([-3, 0], [-5, 7, 8]) == [-5, -3, 0, 7, 8]", "candidate([1, 1], [1]) == [1, 1, 1]"]),
    ("most_frequent_char", "", "most_frequent_char(s: str) -> str",
     ["Return the character that occurs most often in s. If several characters",
      "tie, return the one that appears first. Return '' for an empty string.",
      ">>> most_frequent_char('banana')", "'a'", ">>> most_frequent_char('abab')", "'a'"],
     "    best, best_count = '', 0\n    for ch in s:\n        c = s.count(ch)\n        if c > best_count:\n            best, best_count = ch, c\n    return best\n",
     ["candidate('banana') == 'a'", "candidate('abab') == 'a'", "candidate('') == ''", "candidate('z') == 'z'",
      "candidate('babb') == 'b'", "candidate('  x') == ' '", "candidate('mississippi') == 'i'"]),
    ("summarize_ranges", "from typing import List\n\n\n", "summarize_ranges(numbers: List[int]) -> List[str]",
     ["Given a sorted list of distinct integers, describe it as ranges of",
      "consecutive numbers: 'a-b' for a run, 'a' for a single number.",
      ">>> summarize_ranges([0, 1, 2, 4, 6, 7])", "['0-2', '4', '6-7']"],
     "    out = []\n    i = 0\n    while i < len(numbers):\n        j = i\n        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:\n            j += 1\n        out.append(str(numbers[i]) if i == j else f'{numbers[i]}-{numbers[j]}')\n        i = j + 1\n    return out\n",
     ["candidate([0, 1, 2, 4, 6, 7]) == ['0-2', '4', '6-7']", "candidate([]) == []", "candidate([5]) == ['5']",
      "candidate([1, 3, 5]) == ['1', '3', '5']", "candidate([-2, -1, 0, 1]) == ['-2-1']", "candidate([10, 11]) == ['10-11']"]),
    ("to_seconds", "", "to_seconds(clock: str) -> int",
     ["Convert a duration written as 'HH:MM:SS' or 'MM:SS' into seconds.",
      ">>> to_seconds('01:02:03')", "3723", ">>> to_seconds('10:00')", "600"],
     "    total = 0\n    for part in clock.split(':'):\n        total = total * 60 + int(part)\n    return total\n",
     ["candidate('01:02:03') == 3723", "candidate('10:00') == 600", "candidate('00:00:00') == 0", "candidate('00:59') == 59",
      "candidate('25:00:01') == 90001", "candidate('1:1:1') == 3661"]),
    ("format_duration", "", "format_duration(seconds: int) -> str",
     ["Format a non-negative number of seconds as 'H:MM:SS' (hours are not padded).",
      ">>> format_duration(3723)", "'1:02:03'", ">>> format_duration(59)", "'0:00:59'"],
     "    hours, rest = divmod(seconds, 3600)\n    minutes, secs = divmod(rest, 60)\n    return f'{hours}:{minutes:02d}:{secs:02d}'\n",
     ["candidate(3723) == '1:02:03'", "candidate(59) == '0:00:59'", "candidate(0) == '0:00:00'", "candidate(3600) == '1:00:00'",
      "candidate(360000) == '100:00:00'", "candidate(61) == '0:01:01'"]),
    ("is_valid_isbn10", "", "is_valid_isbn10(code: str) -> bool",
     ["Check an ISBN-10. Hyphens are ignored; the remaining characters must be",
      "nine digits followed by a digit or 'X' (worth 10), and the sum of each",
      "value times its position (1 to 10) must be divisible by 11.",
      ">>> is_valid_isbn10('0-306-40615-2')", "True", ">>> is_valid_isbn10('0-306-40615-3')", "False"],
     "    chars = code.replace('-', '')\n    if len(chars) != 10 or not chars[:9].isdigit():\n        return False\n    if not (chars[9].isdigit() or chars[9] == 'X'):\n        return False\n    values = [int(c) for c in chars[:9]] + [10 if chars[9] == 'X' else int(chars[9])]\n    return sum((i + 1) * v for i, v in enumerate(values)) % 11 == 0\n",
     ["candidate('0-306-40615-2') is True", "candidate('0-306-40615-3') is False", "candidate('') is False",
      "candidate('080442957X') is True", "candidate('0804429571') is False", "candidate('X804429570') is False",
      "candidate('03064061522') is False"]),
    ("luhn_valid", "", "luhn_valid(number: str) -> bool",
     ["Check a card number with the Luhn algorithm. Spaces are ignored; any other",
      "non-digit character, or fewer than two digits, makes the number invalid.",
      ">>> luhn_valid('4539 3195 0343 6467')", "True", ">>> luhn_valid('8273 1232 7352 0569')", "False"],
     "    digits = number.replace(' ', '')\n    if len(digits) < 2 or not digits.isdigit():\n        return False\n    total = 0\n    for i, ch in enumerate(reversed(digits)):\n        d = int(ch)\n        if i % 2 == 1:\n            d *= 2\n            if d > 9:\n                d -= 9\n        total += d\n    return total % 10 == 0\n",
     ["candidate('4539 3195 0343 6467') is True", "candidate('8273 1232 7352 0569') is False", "candidate('0') is False",
      "candidate('00') is True", "candidate('059') is True", "candidate('055 444 285') is True", "candidate('055a 444 285') is False"]),
    ("roman_to_int", "", "roman_to_int(numeral: str) -> int",
     ["Convert a valid Roman numeral (I, V, X, L, C, D, M) to an integer.",
      ">>> roman_to_int('XIV')", "14", ">>> roman_to_int('MCMXCIV')", "1994"],
     "    values = {'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}\n    total = 0\n    for i, ch in enumerate(numeral):\n        v = values[ch]\n        if i + 1 < len(numeral) and values[numeral[i + 1]] > v:\n            total -= v\n        else:\n            total += v\n    return total\n",
     ["candidate('XIV') == 14", "candidate('MCMXCIV') == 1994", "candidate('I') == 1", "candidate('MMMCMXCIX') == 3999",
      "candidate('XL') == 40", "candidate('LVIII') == 58"]),
    ("int_to_roman", "", "int_to_roman(n: int) -> str",
     ["Convert an integer from 1 to 3999 into a Roman numeral.",
      ">>> int_to_roman(14)", "'XIV'", ">>> int_to_roman(1994)", "'MCMXCIV'"],
     "    table = [(1000, 'M'), (900, 'CM'), (500, 'D'), (400, 'CD'), (100, 'C'), (90, 'XC'),\n             (50, 'L'), (40, 'XL'), (10, 'X'), (9, 'IX'), (5, 'V'), (4, 'IV'), (1, 'I')]\n    out = []\n    for value, symbol in table:\n        while n >= value:\n            out.append(symbol)\n            n -= value\n    return ''.join(out)\n",
     ["candidate(14) == 'XIV'", "candidate(1994) == 'MCMXCIV'", "candidate(1) == 'I'", "candidate(3999) == 'MMMCMXCIX'",
      "candidate(40) == 'XL'", "candidate(444) == 'CDXLIV'"]),
    ("group_anagrams", "from typing import List\n\n\n", "group_anagrams(words: List[str]) -> List[List[str]]",
     ["Group words that are anagrams of each other (same letters, case-sensitive).",
      "Groups are ordered by the first appearance of their first word, and words",
      "keep their original order inside a group.",
      ">>> group_anagrams(['eat', 'tea', 'tan', 'ate', 'nat', 'bat'])", "[['eat', 'tea', 'ate'], ['tan', 'nat'], ['bat']]"],
     "    groups = {}\n    for w in words:\n        groups.setdefault(''.join(sorted(w)), []).append(w)\n    return list(groups.values())\n",
     ["candidate(['eat', 'tea', 'tan', 'ate', 'nat', 'bat']) == [['eat', 'tea', 'ate'], ['tan', 'nat'], ['bat']]",
      "candidate([]) == []", "candidate(['a']) == [['a']]", "candidate(['ab', 'ba', 'ab']) == [['ab', 'ba', 'ab']]",
      "candidate(['Ab', 'bA', 'ab']) == [['Ab', 'bA'], ['ab']]", "candidate(['', '']) == [['', '']]"]),
    ("spiral_order", "from typing import List\n\n\n", "spiral_order(matrix: List[List[int]]) -> List[int]",
     ["Return the elements of a rectangular matrix in clockwise spiral order,",
      "starting at the top-left corner.",
      ">>> spiral_order([[1, 2, 3], [4, 5, 6], [7, 8, 9]])", "[1, 2, 3, 6, 9, 8, 7, 4, 5]"],
     "    out = []\n    rows = [list(r) for r in matrix]\n    while rows:\n        out.extend(rows.pop(0))\n        rows = [list(r) for r in zip(*rows)][::-1]\n    return out\n",
     ["candidate([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) == [1, 2, 3, 6, 9, 8, 7, 4, 5]", "candidate([]) == []",
      "candidate([[1]]) == [1]", "candidate([[1, 2, 3, 4]]) == [1, 2, 3, 4]", "candidate([[1], [2], [3]]) == [1, 2, 3]",
      "candidate([[1, 2], [3, 4], [5, 6]]) == [1, 2, 4, 6, 5, 3]"]),
    ("pascal_row", "from typing import List\n\n\n", "pascal_row(n: int) -> List[int]",
     ["Return row n of Pascal's triangle, where row 0 is [1].",
      ">>> pascal_row(4)", "[1, 4, 6, 4, 1]"],
     "    row = [1]\n    for _ in range(n):\n        row = [a + b for a, b in zip([0] + row, row + [0])]\n    return row\n",
     ["candidate(4) == [1, 4, 6, 4, 1]", "candidate(0) == [1]", "candidate(1) == [1, 1]", "candidate(2) == [1, 2, 1]",
      "candidate(10)[5] == 252", "sum(candidate(12)) == 4096"]),
    ("binary_search", "from typing import List\n\n\n", "binary_search(items: List[int], target: int) -> int",
     ["Return the index of target in the ascending list items, or -1 if it is",
      "absent. If target occurs several times, return its first index.",
      ">>> binary_search([1, 3, 5, 7], 5)", "2", ">>> binary_search([1, 3, 5, 7], 4)", "-1"],
     "    lo, hi = 0, len(items)\n    while lo < hi:\n        mid = (lo + hi) // 2\n        if items[mid] < target:\n            lo = mid + 1\n        else:\n            hi = mid\n    return lo if lo < len(items) and items[lo] == target else -1\n",
     ["candidate([1, 3, 5, 7], 5) == 2", "candidate([1, 3, 5, 7], 4) == -1", "candidate([], 1) == -1", "candidate([2, 2, 2, 3], 2) == 0",
      "candidate([1, 3, 5, 7], 7) == 3", "candidate([1, 3, 5, 7], 0) == -1", "candidate(list(range(0, 1000, 2)), 998) == 499"]),
    ("flatten_deep", "from typing import Any, List\n\n\n", "flatten_deep(items: List[Any]) -> List[Any]",
     ["Flatten arbitrarily nested lists into one flat list, keeping the order of",
      "the non-list elements.",
      ">>> flatten_deep([1, [2, [3, [4]], 5]])", "[1, 2, 3, 4, 5]"],
     "    out = []\n    for x in items:\n        if isinstance(x, list):\n            out.extend(flatten_deep(x))\n        else:\n            out.append(x)\n    return out\n",
     ["candidate([1, [2, [3, [4]], 5]]) == [1, 2, 3, 4, 5]", "candidate([]) == []", "candidate([[], [[]]]) == []",
      "candidate(['a', ['b'], 'c']) == ['a', 'b', 'c']", "candidate([[1, 2], 3, [[4], [5, [6]]]]) == [1, 2, 3, 4, 5, 6]",
      "candidate([(1, 2), [3]]) == [(1, 2), 3]"]),
    ("longest_common_prefix", "from typing import List\n\n\n", "longest_common_prefix(words: List[str]) -> str",
     ["Return the longest string that every word in the list starts with.",
      "Return '' for an empty list.",
      ">>> longest_common_prefix(['flower', 'flow', 'flight'])", "'fl'"],
     "    if not words:\n        return ''\n    prefix = words[0]\n    for w in words[1:]:\n        while not w.startswith(prefix):\n            prefix = prefix[:-1]\n    return prefix\n",
     ["candidate(['flower', 'flow', 'flight']) == 'fl'", "candidate([]) == ''", "candidate(['alone']) == 'alone'",
      "candidate(['dog', 'cat']) == ''", "candidate(['same', 'same']) == 'same'", "candidate(['ab', 'a', 'abc']) == 'a'"]),
    ("headline_case", "", "headline_case(title: str) -> str",
     ["Capitalise the first letter of every word in title and lower-case the rest,",
      "except that the small words 'a', 'an', 'and', 'the', 'of', 'in' and 'on' stay",
      "lower case unless they are the first word. Words are separated by single spaces.",
      ">>> headline_case('the lord OF the rings')", "'The Lord of the Rings'"],
     "    small = {'a', 'an', 'and', 'the', 'of', 'in', 'on'}\n    out = []\n    for i, w in enumerate(title.split(' ')):\n        lw = w.lower()\n        out.append(lw if i > 0 and lw in small else lw[:1].upper() + lw[1:])\n    return ' '.join(out)\n",
     ["candidate('the lord OF the rings') == 'The Lord of the Rings'", "candidate('') == ''", "candidate('a tale') == 'A Tale'",
      "candidate('war and peace') == 'War and Peace'", "candidate('ON an island IN the sun') == 'On an Island in the Sun'",
      "candidate('x') == 'X'"]),
    ("count_primes_below", "", "count_primes_below(n: int) -> int",
     ["Return how many prime numbers are smaller than n.",
      ">>> count_primes_below(10)", "4", ">>> count_primes_below(2)", "0"],
     "    if n < 3:\n        return 0\n    sieve = [True] * n\n    sieve[0] = sieve[1] = False\n    for i in range(2, int(n ** 0.5) + 1):\n        if sieve[i]:\n            for j in range(i * i, n, i):\n                sieve[j] = False\n    return sum(sieve)\n",
     ["candidate(10) == 4", "candidate(2) == 0", "candidate(0) == 0", "candidate(3) == 1", "candidate(100) == 25",
      "candidate(1000) == 168"]),
    ("nth_prime", "", "nth_prime(n: int) -> int",
     ["Return the n-th prime number, counting from nth_prime(1) == 2.",
      ">>> nth_prime(1)", "2", ">>> nth_prime(6)", "13"],
     "    count, candidate = 0, 1\n    while count < n:\n        candidate += 1\n        if all(candidate % d for d in range(2, int(candidate ** 0.5) + 1)):\n            count += 1\n    return candidate\n",
     ["candidate(1) == 2", "candidate(6) == 13", "candidate(2) == 3", "candidate(10) == 29", "candidate(100) == 541",
      "candidate(25) == 97"]),
    ("is_leap_year", "", "is_leap_year(year: int) -> bool",
     ["Return True if year is a leap year in the Gregorian calendar: divisible",
      "by 4, except century years, which must be divisible by 400.",
      ">>> is_leap_year(2024)", "True", ">>> is_leap_year(1900)", "False"],
     "    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)\n",
     ["candidate(2024) is True", "candidate(1900) is False", "candidate(2000) is True", "candidate(2023) is False",
      "candidate(2400) is True", "candidate(1) is False", "candidate(4) is True"]),
    ("days_in_month", "", "days_in_month(year: int, month: int) -> int",
     ["Return the number of days in the given month (1-12) of the given year,",
      "taking Gregorian leap years into account.",
      ">>> days_in_month(2023, 2)", "28", ">>> days_in_month(2024, 2)", "29"],
     "    if month == 2:\n        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)\n        return 29 if leap else 28\n    return 30 if month in (4, 6, 9, 11) else 31\n",
     ["candidate(2023, 2) == 28", "candidate(2024, 2) == 29", "candidate(1900, 2) == 28", "candidate(2000, 2) == 29",
      "candidate(2023, 4) == 30", "candidate(2023, 12) == 31", "candidate(2023, 1) == 31"]),
    ("average_word_length", "", "average_word_length(sentence: str) -> float",
     ["Return the average length of the words in sentence, rounded to two",
      "decimal places. Punctuation attached to a word does not count towards its",
      "length; an empty sentence gives 0.0.",
      ">>> average_word_length('Hi there, you!')", "3.33"],
     "    import string\n    words = [w.strip(string.punctuation) for w in sentence.split()]\n    words = [w for w in words if w]\n    if not words:\n        return 0.0\n    return round(sum(len(w) for w in words) / len(words), 2)\n",
     ["candidate('Hi there, you!') == 3.33", "candidate('') == 0.0", "candidate('a') == 1.0", "candidate('... !!!') == 0.0",
      "candidate('one two three') == 3.67", "candidate('(yes)') == 3.0"]),
    ("squeeze_repeats", "", "squeeze_repeats(s: str) -> str",
     ["Replace every run of the same character in s by a single copy.",
      ">>> squeeze_repeats('aaabccddd')", "'abcd'", ">>> squeeze_repeats('abab')", "'abab'"],
     "    out = []\n    for ch in s:\n        if not out or out[-1] != ch:\n            out.append(ch)\n    return ''.join(out)\n",
     ["candidate('aaabccddd') == 'abcd'", "candidate('abab') == 'abab'", "candidate('') == ''", "candidate('zzzz') == 'z'",
      "candidate('a  b') == 'a b'", "candidate('AaA') == 'AaA'"]),
    ("max_subarray_sum", "from typing import List\n\n\n", "max_subarray_sum(numbers: List[int]) -> int",
     ["Return the largest sum of a non-empty contiguous slice of the non-empty list",
      "numbers.",
      ">>> max_subarray_sum([-2, 1, -3, 4, -1, 2, 1, -5, 4])", "6", ">>> max_subarray_sum([-3, -1, -2])", "-1"],
     "    best = current = numbers[0]\n    for x in numbers[1:]:\n        current = max(x, current + x)\n        best = max(best, current)\n    return best\n",
     ["candidate([-2, 1, -3, 4, -1, 2, 1, -5, 4]) == 6", "candidate([-3, -1, -2]) == -1", "candidate([5]) == 5",
      "candidate([1, 2, 3]) == 6", "candidate([2, -1, 2]) == 3", "candidate([0, -1, 0]) == 0"]),
    ("two_sum", "from typing import List, Tuple\n\n\n", "two_sum(numbers: List[int], target: int) -> Tuple[int, int]",
     ["Return the indices (i, j), i < j, of the first pair of numbers that adds up",
      "to target, scanning j from left to right and, for each j, the smallest i.",
      "Return (-1, -1) if there is no such pair.",
      ">>> two_sum([2, 7, 11, 15], 9)", "(0, 1)", ">>> two_sum([1, 2], 7)", "(-1, -1)"],
     "    seen = {}\n    for j, x in enumerate(numbers):\n        if target - x in seen:\n            return (seen[target - x], j)\n        seen.setdefault(x, j)\n    return (-1, -1)\n",
     ["candidate([2, 7, 11, 15], 9) == (0, 1)", "candidate([1, 2], 7) == (-1, -1)", "candidate([], 0) == (-1, -1)",
      "candidate([3, 3], 6) == (0, 1)", "candidate([1, 5, 3, 3, 5], 6) == (0, 1)", "candidate([4, 1, 2, 3], 5) == (0, 1)",
      "candidate([0, 4, 3, 0], 0) == (0, 3)"]),
    ("pig_latin", "", "pig_latin(word: str) -> str",
     ["Translate a lower-case word into Pig Latin: if it starts with a vowel",
      "(a, e, i, o, u) add 'way'; otherwise move the leading consonants to the",
      "end and add 'ay'. A word with no vowels just gets 'ay'.",
      ">>> pig_latin('apple')", "'appleway'", ">>> pig_latin('string')", "'ingstray'"],
     "    vowels = 'aeiou'\n    if word[:1] in vowels and word:\n        return word + 'way'\n    for i, ch in enumerate(word):\n        if ch in vowels:\n            return word[i:] + word[:i] + 'ay'\n    return word + 'ay'\n",
     ["candidate('apple') == 'appleway'", "candidate('string') == 'ingstray'", "candidate('pig') == 'igpay'",
      "candidate('rhythm') == 'rhythmay'", "candidate('eat') == 'eatway'", "candidate('glove') == 'oveglay'"]),
    ("count_consonants", "", "count_consonants(text: str) -> int",
     ["Count the consonants in text: ASCII letters other than a, e, i, o and u,",
      "in either case.",
      ">>> count_consonants('Hello, World!')", "7"],
     "    return sum(1 for ch in text.lower() if 'a' <= ch <= 'z' and ch not in 'aeiou')\n",
     ["candidate('Hello, World!') == 7", "candidate('') == 0", "candidate('aeiou') == 0", "candidate('XYZ') == 3",
      "candidate('123 ?!') == 0", "candidate('Rhythm and Blues') == 11"]),
    ("format_phone", "", "format_phone(raw: str) -> str",
     ["Keep only the digits of raw. If exactly ten remain, return them as",
      "'XXX-XXX-XXXX'; otherwise return ''.",
      ">>> format_phone('(555) 123 4567')", "'555-123-4567'", ">>> format_phone('12345')", "''"],
     "    digits = ''.join(ch for ch in raw if ch.isdigit())\n    if len(digits) != 10:\n        return ''\n    return f'{digits[:3]}-{digits[3:6]}-{digits[6:]}'\n",
     ["candidate('(555) 123 4567') == '555-123-4567'", "candidate('12345') == ''", "candidate('') == ''",
      "candidate('555.123.4567') == '555-123-4567'", "candidate('1-555-123-4567') == ''", "candidate('0000000000') == '000-000-0000'"]),
    ("collatz_steps", "", "collatz_steps(n: int) -> int",
     ["Return how many steps of the Collatz rule (halve an even number, replace an",
      "odd number by 3n + 1) it takes to reach 1 from the positive integer n.",
      ">>> collatz_steps(6)", "8", ">>> collatz_steps(1)", "0"],
     "    steps = 0\n    while n != 1:\n        n = n // 2 if n % 2 == 0 else 3 * n + 1\n        steps += 1\n    return steps\n",
     ["candidate(6) == 8", "candidate(1) == 0", "candidate(2) == 1", "candidate(7) == 16", "candidate(27) == 111",
      "candidate(16) == 4"]),
    ("sum_of_multiples", "", "sum_of_multiples(limit: int) -> int",
     ["Return the sum of all positive integers below limit that are multiples",
      "of 3 or 5.",
      ">>> sum_of_multiples(10)", "23"],
     "    return sum(x for x in range(1, limit) if x % 3 == 0 or x % 5 == 0)\n",
     ["candidate(10) == 23", "candidate(0) == 0", "candidate(1) == 0", "candidate(4) == 3", "candidate(16) == 60",
      "candidate(1000) == 233168"]),
    ("is_perfect", "", "is_perfect(n: int) -> bool",
     ["Return True if the positive integer n equals the sum of its divisors",
      "other than itself.",
      ">>> is_perfect(28)", "True", ">>> is_perfect(12)", "False"],
     "    if n < 2:\n        return False\n    total = 1\n    d = 2\n    while d * d <= n:\n        if n % d == 0:\n            total += d\n            if d != n // d:\n                total += n // d\n        d += 1\n    return total == n\n",
     ["candidate(28) is True", "candidate(12) is False", "candidate(1) is False", "candidate(6) is True", "candidate(496) is True",
      "candidate(8128) is True", "candidate(27) is False"]),
    ("to_binary", "", "to_binary(n: int) -> str",
     ["Return the binary representation of the integer n without a prefix;",
      "negative numbers get a leading '-'.",
      ">>> to_binary(10)", "'1010'", ">>> to_binary(-5)", "'-101'"],
     "    if n == 0:\n        return '0'\n    sign = '-' if n < 0 else ''\n    n = abs(n)\n    bits = []\n    while n:\n        bits.append(str(n % 2))\n        n //= 2\n    return sign + ''.join(reversed(bits))\n",
     ["candidate(10) == '1010'", "candidate(-5) == '-101'", "candidate(0) == '0'", "candidate(1) == '1'", "candidate(255) == '11111111'",
      "candidate(1024) == '10000000000'"]),
    ("parse_pairs", "from typing import Dict\n\n\n", "parse_pairs(text: str) -> Dict[str, int]",
     ["Parse text of the form 'key=value, key=value' into a dictionary with",
      "integer values. Spaces around keys and values are ignored, empty entries",
      "are skipped, and a later key overrides an earlier one.",
      ">>> parse_pairs('a=1, b = 2')", "{'a': 1, 'b': 2}"],
     "    result = {}\n    for item in text.split(','):\n        if '=' not in item:\n            continue\n        key, value = item.split('=', 1)\n        result[key.strip()] = int(value.strip())\n    return result\n",
     ["candidate('a=1, b = 2') == {'a': 1, 'b': 2}", "candidate('') == {}", "candidate('x=-3') == {'x': -3}",
      "candidate('a=1,,b=2,') == {'a': 1, 'b': 2}", "candidate('k=1, k=5') == {'k': 5}", "candidate(' width = 640 , height=480') == {'width': 640, 'height': 480}"]),
    ("chunk_string", "from typing import List\n\n\n", "chunk_string(s: str, size: int) -> List[str]",
     ["Split s into pieces of length size; the last piece may be shorter.",
      ">>> chunk_string('abcdefg', 3)", "['abc', 'def', 'g']"],
     "    return [s[i:i + size] for i in range(0, len(s), size)]\n",
     ["candidate('abcdefg', 3) == ['abc', 'def', 'g']", "candidate('', 2) == []", "candidate('abc', 5) == ['abc']",
      "candidate('abcd', 2) == ['ab', 'cd']", "candidate('abc', 1) == ['a', 'b', 'c']"]),
    ("capitalize_sentences", "", "capitalize_sentences(text: str) -> str",
     ["Upper-case every letter that is the first non-space character of the text",
      "or the first non-space character after a '.', '!' or '?'. Nothing else changes.",
      ">>> capitalize_sentences('hello. how are you? fine!  thanks')", "'Hello. How are you? Fine!  Thanks'"],
     "    out = []\n    start = True\n    for ch in text:\n        if start and ch.isalpha():\n            out.append(ch.upper())\n            start = False\n        else:\n            out.append(ch)\n            if ch in '.!?':\n                start = True\n            elif not ch.isspace():\n                start = False\n    return ''.join(out)\n",
     ["candidate('hello. how are you? fine!  thanks') == 'Hello. How are you? Fine!  Thanks'", "candidate('') == ''",
      "candidate('a') == 'A'", "candidate('e.g. this') == 'E.G. This'", "candidate('ok.no space') == 'Ok.No space'",
      "candidate('Already Fine.') == 'Already Fine.'", "candidate('3 apples. one pear') == '3 apples. One pear'"]),
    ("median", "from typing import List\n\n\n", "median(numbers: List[float]) -> float",
     ["Return the median of a non-empty list of numbers as a float: the middle",
      "value after sorting, or the mean of the two middle values.",
      ">>> median([3, 1, 2])", "2.0", ">>> median([4, 1, 3, 2])", "2.5"],
     "    s = sorted(numbers)\n    mid = len(s) // 2\n    if len(s) % 2:\n        return float(s[mid])\n    return (s[mid - 1] + s[mid]) / 2\n",
     ["candidate([3, 1, 2]) == 2.0", "candidate([4, 1, 3, 2]) == 2.5", "candidate([7]) == 7.0", "candidate([-1, -1]) == -1.0",
      "candidate([1, 100, 2, 3, 4]) == 3.0", "isinstance(candidate([1, 2, 3]), float)"]),
    ("letter_histogram", "from typing import Dict\n\n\n", "letter_histogram(text: str) -> Dict[str, int]",
     ["Count the ASCII letters in text, case-insensitively, as a dictionary from",
      "lower-case letter to count. Other characters are ignored.",
      ">>> letter_histogram('Aab!')", "{'a': 2, 'b': 1}"],
     "    counts = {}\n    for ch in text.lower():\n        if 'a' <= ch <= 'z':\n            counts[ch] = counts.get(ch, 0) + 1\n    return counts\n",
     ["candidate('Aab!') == {'a': 2, 'b': 1}", "candidate('') == {}", "candidate('123 ?') == {}", "candidate('Zz') == {'z': 2}",
      "candidate('Hello World') == {'h': 1, 'e': 1, 'l': 3, 'o': 2, 'w': 1, 'r': 1, 'd': 1}"]),
    ("next_palindrome", "", "next_palindrome(n: int) -> int",
     ["Return the smallest palindromic number strictly greater than the",
      "non-negative integer n.",
      ">>> next_palindrome(123)", "131", ">>> next_palindrome(9)", "11"],
     "    n += 1\n    while str(n) != str(n)[::-1]:\n        n += 1\n    return n\n",
     ["candidate(123) == 131", "candidate(9) == 11", "candidate(0) == 1", "candidate(99) == 101", "candidate(808) == 818",
      "candidate(1991) == 2002"]),
    ("word_wrap", "from typing import List\n\n\n", "word_wrap(text: str, width: int) -> List[str]",
     ["Break text into lines of at most width characters without splitting",
      "words, joining words with single spaces. A word longer than width gets a",
      "line of its own.",
      ">>> word_wrap('the quick brown fox jumps', 10)", "['the quick', 'brown fox', 'jumps']"],
     "    lines, current = [], ''\n    for word in text.split():\n        if not current:\n            current = word\n        elif len(current) + 1 + len(word) <= width:\n            current += ' ' + word\n        else:\n            lines.append(current)\n            current = word\n    if current:\n        lines.append(current)\n    return lines\n",
     ["candidate('the quick brown fox jumps', 10) == ['the quick', 'brown fox', 'jumps']", "candidate('', 5) == []",
      "candidate('a b c', 1) == ['a', 'b', 'c']", "candidate('a b c', 5) == ['a b c']",
      "candidate('extraordinary day', 5) == ['extraordinary', 'day']", "candidate('  spaced   words ', 20) == ['spaced words']"]),
    ("matrix_multiply", "from typing import List\n\n\n", "matrix_multiply(a: List[List[int]], b: List[List[int]]) -> List[List[int]]",
     ["Multiply two matrices given as lists of rows. The number of columns of a",
      "equals the number of rows of b.",
      ">>> matrix_multiply([[1, 2], [3, 4]], [[5, 6], [7, 8]])", "[[19, 22], [43, 50]]"],
     "    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]\n",
     ["candidate([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]", "candidate([[2]], [[3]]) == [[6]]",
      "candidate([[1, 2, 3]], [[1], [2], [3]]) == [[14]]", "candidate([[1], [2]], [[3, 4]]) == [[3, 4], [6, 8]]",
      "candidate([[1, 0], [0, 1]], [[9, 8], [7, 6]]) == [[9, 8], [7, 6]]"]),
]


def _cg_doc(entry, imports, sig, doc_lines, body, asserts):
    doc = "\n".join(("    " + l) if l else "" for l in doc_lines)
    prompt = f"{imports}def {sig}:\n    \"\"\" {doc.lstrip()}\n    \"\"\"\n"
    test = "\n\nMETADATA = {}\n\n\ndef check(candidate):\n" + "".join(f"    assert {a}\n" for a in asserts)
    return {"prompt": prompt, "canonical_solution": body, "test": test, "entry_point": entry}


def gen_code_generation():
    docs = []
    for i, prob in enumerate(CG_PROBLEMS):
        entry, imports, sig, doc_lines, body, asserts = prob
        assert sig.startswith(entry + "("), entry
        assert len(asserts) >= 5, entry
        for stop in CG_STOPS:
            assert stop not in body, (entry, stop)
        d = _cg_doc(*prob)
        docs.append({"task_id": f"JB/{i}", **d})
    assert len({d["entry_point"] for d in docs}) == len(docs)
    return CODE_GENERATION_YAML.format(n=len(docs)), docs


def _cg_program(doc, solution, doctests=False):
    prog = doc["prompt"] + solution + "\n" + doc["test"] + "\ncheck(" + doc["entry_point"] + ")\n"
    if doctests:
        # The docstring's >>> examples must hold too.
        prog += ("\nimport doctest as _doctest, sys as _sys\n_runner = _doctest.DocTestRunner()\n"
                 "for _t in _doctest.DocTestFinder().find(" + doc["entry_point"] + ", globs=dict(globals())):\n"
                 "    _runner.run(_t)\n"
                 "_sys.exit(1 if _runner.failures else 0)\n")
    return prog

# ---------------------------------------------------------------------------------------------
# 9. commonsense-endings (mirrors HellaSwag)
# ---------------------------------------------------------------------------------------------

COMMONSENSE_ENDINGS_YAML = r'''# commonsense-endings: mirrors HellaSwag (Cao et al. 2026's HellaSwag). {n} everyday scenes ({a}
# activities: cooking, housework, gardening and the outdoors, looking after oneself and pets), each
# a short context and four candidate endings of which exactly one is the sensible next step; the
# gold ending is at position 0 {p0}, 1 {p1}, 2 {p2}, 3 {p3} times. Written for joulebench by
# suites/generate_suites.py (no external data): every activity is a fixed sequence of steps, the
# context shows the scene or the last steps done, the gold ending is the next step, and the three
# wrong endings are steps of activities from other settings (a kitchen scene never gets a wrong
# ending from another kitchen activity), with the same person's pronouns. Documents have
# HellaSwag's fields (activity_label, ctx_a, ctx_b, ctx, endings, label as a string) and also
# what lm-eval's hellaswag process_docs derives from them (query = activity_label + ": " + ctx_a +
# " " + ctx_b.capitalize(), choices, gold), because suites run no Python; the generator checks
# the two agree. multiple_choice as lm-eval's hellaswag.yaml, zero-shot: each ending's
# log-likelihood over the completions endpoint; acc (the primary score), then acc_norm.
# Format: tasks/task_yaml.h.
task: commonsense-endings
metadata:
  version: 1.0
family: mcqa
doc_to_text: "{{{{query}}}}"
doc_to_target: "{{{{label}}}}"
doc_to_choice: "choices"
output_type: multiple_choice
endpoint: completions
num_fewshot: 0
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
  - metric: acc_norm
    aggregation: mean
    higher_is_better: true
'''

# (activity label, setting, scene: what the person is doing before the first step, six steps in
# order). Steps are third-person verb phrases; {pos} is the person's possessive pronoun. Steps
# name the activity's own objects, so a step of another setting's activity is no sensible
# continuation.
CE_ACTIVITIES = [
    ("Making tea", "kitchen", "is standing at the kitchen counter next to an empty kettle",
     ["fills the kettle with cold water from the tap", "switches the kettle on and takes a mug from the cupboard",
      "drops a tea bag into the mug", "pours the boiling water over the tea bag",
      "lets the tea steep for a few minutes and then lifts out the bag", "adds a splash of milk and stirs the tea with a spoon"]),
    ("Washing dishes", "kitchen", "is standing at a sink piled with dirty plates",
     ["puts the plug in and runs hot water into the sink", "squeezes a little washing-up liquid into the water",
      "scrubs each plate with a sponge until it is clean", "rinses the plates under the tap",
      "stacks the clean plates on the drying rack", "wipes down the draining board and hangs the sponge over the tap"]),
    ("Making pancakes", "kitchen", "is standing in a kitchen with a bag of flour, a box of eggs and a jug of milk",
     ["cracks two eggs into a large bowl", "pours in the milk and sifts in the flour", "whisks everything into a smooth batter",
      "heats a little butter in a frying pan", "ladles some batter into the hot pan and tilts it to spread it out",
      "flips the pancake over with a spatula once the bottom is golden"]),
    ("Making a sandwich", "kitchen", "is standing at a kitchen counter with a fresh loaf of bread",
     ["cuts two slices from the loaf", "spreads butter on one side of each slice", "lays slices of cheese and ham on one of the slices",
      "adds a few lettuce leaves and some sliced tomato", "presses the second slice of bread on top",
      "cuts the sandwich in half and puts it on a plate"]),
    ("Baking bread", "kitchen", "is standing at a floured worktop with a mixing bowl",
     ["mixes flour, yeast, salt and warm water in the bowl", "tips the dough onto the worktop and kneads it for ten minutes",
      "puts the dough back in the bowl and covers it with a tea towel", "waits for the dough to double in size",
      "shapes the dough into a loaf and places it in a tin", "bakes the loaf in the hot oven until the crust is brown"]),
    ("Making coffee", "kitchen", "is standing in a kitchen holding a bag of ground coffee and a cafetière",
     ["spoons the ground coffee into the glass cafetière", "pours hot water from the kettle over the grounds",
      "stirs the coffee gently and puts the lid on", "waits four minutes for the coffee to brew",
      "pushes the plunger slowly down to the bottom", "pours the coffee into a cup"]),
    ("Decorating a cake", "kitchen", "is sitting at a table in front of a plain sponge cake",
     ["spreads a thin layer of buttercream over the whole cake", "smooths the sides of the cake with a flat knife",
      "fills a piping bag with pink icing", "pipes small rosettes around the top edge of the cake",
      "scatters coloured sprinkles over the middle of the cake", "pushes birthday candles into the cake"]),
    ("Making a smoothie", "kitchen", "is standing next to a blender with a bowl of fruit",
     ["peels a banana and breaks it into pieces", "drops the banana and a handful of strawberries into the blender",
      "pours in a glass of milk and a spoonful of yoghurt", "puts the lid on the blender and switches it on",
      "blends the fruit until the mixture is smooth", "pours the smoothie into a tall glass"]),
    ("Loading a dishwasher", "kitchen", "is standing next to an open dishwasher with a stack of dirty dishes",
     ["scrapes the leftover food from the plates into the bin", "slots the plates upright into the bottom rack",
      "puts the glasses and mugs upside down in the top rack", "drops the cutlery into the cutlery basket",
      "puts a tablet in the detergent compartment and snaps it shut", "closes the dishwasher door and starts the wash"]),
    ("Making a salad", "kitchen", "is standing at a chopping board with a pile of vegetables",
     ["washes the lettuce and tomatoes under the tap", "tears the lettuce into pieces and drops them into a bowl",
      "slices the tomatoes into wedges", "peels the cucumber and cuts it into thin rounds",
      "adds the tomatoes and cucumber to the bowl of lettuce", "drizzles olive oil over the salad and tosses it"]),
    ("Mopping a floor", "kitchen", "is standing in a kitchen with a mop and an empty bucket",
     ["sweeps the kitchen floor to pick up crumbs and dust", "fills the bucket with warm water and floor cleaner",
      "dunks the mop into the bucket and wrings it out", "mops the floor starting in the far corner",
      "works backwards towards the door so as not to step on the wet floor", "leaves the floor to dry before walking on it"]),
    ("Carving a pumpkin", "kitchen", "is sitting at a kitchen table with a large orange pumpkin",
     ["cuts a circle around the stalk and lifts off the lid", "scoops the seeds out with a big spoon",
      "draws a face on the side of the pumpkin with a marker pen", "cuts out the eyes and mouth with a small knife",
      "puts a tea light inside the pumpkin", "lights the tea light and puts the lid back on the pumpkin"]),
    ("Painting a wall", "home", "is standing in an empty room with a tin of paint",
     ["covers the floor with dust sheets", "sticks masking tape along the skirting boards",
      "pries the lid off the tin and stirs the paint", "pours some paint into a roller tray",
      "rolls paint onto the wall in long, even strokes", "paints the corners of the wall carefully with a small brush"]),
    ("Ironing a shirt", "home", "is standing at an ironing board with a creased shirt",
     ["fills the iron with water and turns it on", "lays the collar of the shirt flat on the board and irons it",
      "irons the cuffs and then each sleeve", "irons the front and back of the shirt",
      "hangs the shirt on a coat hanger", "does up the top button so the shirt keeps its shape"]),
    ("Doing laundry", "home", "is standing in a utility room next to a full basket of dirty clothes",
     ["sorts the clothes into whites and colours", "loads the coloured clothes into the washing machine",
      "pours detergent into the drawer of the washing machine", "chooses a forty-degree cycle and presses start",
      "takes the wet clothes out when the cycle finishes", "pegs the wet clothes on the line to dry"]),
    ("Changing a light bulb", "home", "is standing under a ceiling lamp that has stopped working",
     ["switches off the light at the wall", "sets up a small stepladder under the lamp",
      "climbs the stepladder and unscrews the old bulb", "climbs down and drops the old bulb in the bin",
      "climbs back up and screws in a new bulb", "switches the light back on to check that it works"]),
    ("Making a bed", "home", "is standing next to an unmade bed",
     ["pulls off the old sheets and drops them in the laundry basket", "stretches a clean fitted sheet over the mattress",
      "pulls a fresh cover onto the duvet", "shakes the duvet out and lays it over the bed",
      "slides the pillows into clean pillowcases", "puts the pillows at the head of the bed"]),
    ("Cleaning windows", "home", "is standing in front of a dusty window with a bucket of soapy water",
     ["dips a sponge in the bucket and wets the glass", "scrubs the window from top to bottom",
      "pulls a squeegee across the glass in straight lines", "wipes the rubber blade of the squeegee after each stroke",
      "dries the edges of the window with a clean cloth", "steps back to check the glass for streaks"]),
    ("Hanging a picture", "home", "is standing in a hallway holding a framed picture",
     ["holds the frame against the wall to find the right spot", "marks the spot on the wall with a pencil",
      "taps a picture hook into the pencil mark with a hammer", "hangs the frame by its wire on the hook",
      "rests a spirit level on top of the frame", "nudges one corner of the frame until the bubble is centred"]),
    ("Assembling a bookshelf", "home", "is kneeling on the floor next to a flat-pack box",
     ["opens the box and lays out all the panels and screws", "reads the first page of the assembly instructions",
      "screws the side panels to the base of the bookshelf", "slides the shelves into place one at a time",
      "nails the thin back panel onto the frame", "stands the finished bookshelf up against the wall"]),
    ("Sewing on a button", "home", "is sitting on the sofa with a shirt that has lost a button",
     ["threads a needle and ties a knot at the end of the thread", "holds the new button in place on the shirt",
      "pushes the needle up through the fabric and one hole of the button", "sews back and forth through the holes several times",
      "winds the thread around the stitches under the button", "ties off the thread and snips the loose end with scissors"]),
    ("Wrapping a present", "home", "is sitting at a table with a gift box and a roll of wrapping paper",
     ["unrolls the wrapping paper and cuts off a piece big enough for the box", "places the box upside down in the middle of the paper",
      "folds the paper over the box and tapes it down", "folds in the ends of the paper neatly and tapes them",
      "ties a ribbon around the parcel", "sticks a gift tag on the top of the parcel"]),
    ("Polishing shoes", "home", "is sitting on a step with a pair of scuffed leather shoes",
     ["brushes the dried mud off the shoes", "dabs a little shoe polish onto a soft cloth",
      "rubs the polish into the leather in small circles", "lets the polish dry for a few minutes",
      "buffs the shoes with a brush until they shine", "puts the shoes by the front door ready for the morning"]),
    ("Fixing a flat tyre", "outdoors", "is crouching next to a bicycle with a flat front tyre",
     ["turns the bike upside down so it rests on its saddle and handlebars", "takes the front wheel off the frame",
      "levers the tyre off the rim and pulls out the inner tube", "finds the hole in the tube and covers it with a patch",
      "pushes the tube back inside the tyre and fits the tyre onto the rim", "pumps up the tyre and puts the wheel back on the bike"]),
    ("Planting a tree", "outdoors", "is standing in a garden with a spade and a young tree in a pot",
     ["digs a hole twice as wide as the pot", "loosens the soil at the bottom of the hole",
      "eases the young tree out of its pot", "sets the tree in the hole and fills in around it with soil",
      "presses the soil down firmly around the trunk with a boot", "waters the newly planted tree well"]),
    ("Washing a car", "outdoors", "is standing on a driveway next to a dirty car",
     ["hoses down the car to loosen the dirt", "fills a bucket with water and car shampoo",
      "washes the car with a sponge from the roof downwards", "scrubs the wheels with a stiff brush",
      "rinses the soap off the car with the hose", "dries the car with a chamois leather"]),
    ("Shovelling snow", "outdoors", "is standing on a porch in front of a path covered in snow",
     ["pulls on thick gloves and picks up a snow shovel", "pushes the shovel along the path to scoop up the snow",
      "tosses the snow onto the lawn beside the path", "clears the path all the way to the gate",
      "scrapes off the last thin layer of snow from the path", "sprinkles salt over the path so it does not freeze"]),
    ("Mowing the lawn", "outdoors", "is standing in a garden where the grass has grown long",
     ["picks up the sticks and toys lying on the grass", "checks that the lawnmower has enough petrol",
      "pulls the cord to start the lawnmower", "pushes the lawnmower up and down the lawn in straight lines",
      "empties the grass box onto the compost heap", "trims the edges of the lawn with shears"]),
    ("Pitching a tent", "outdoors", "is standing in a grassy field holding a tent bag",
     ["tips the tent and its poles out of the bag", "lays the tent flat on the ground",
      "slides the tent poles through the sleeves of the tent", "bends the poles so the tent rises up",
      "hammers pegs through the loops at each corner of the tent", "throws the rain cover over the tent and pegs it down"]),
    ("Building a campfire", "outdoors", "is kneeling by a ring of stones at a campsite",
     ["piles dry leaves and twigs in the middle of the ring of stones", "leans small sticks against each other over the twigs",
      "strikes a match and holds it to the dry leaves", "blows gently on the small flames",
      "adds bigger logs as the fire grows", "sits back on a log to warm up beside the fire"]),
    ("Building a snowman", "outdoors", "is standing in a snowy garden wearing woolly gloves",
     ["packs a handful of snow into a ball", "rolls the ball across the garden until it grows large",
      "rolls a second, smaller ball for the snowman's head", "lifts the smaller ball onto the bigger one",
      "pushes a carrot into the snowman's head for a nose", "presses two pebbles into the snowman's head for eyes"]),
    ("Flying a kite", "outdoors", "is standing at the top of a windy hill with a kite",
     ["unwinds a few metres of string from the kite reel", "holds the kite up into the wind",
      "lets go of the kite as a strong gust arrives", "tugs on the string so the kite climbs higher",
      "lets out more string as the kite rises", "reels the kite slowly back in when the wind drops"]),
    ("Fishing", "outdoors", "is standing at the end of a pier with a fishing rod",
     ["threads a worm onto the fishing hook", "casts the line out into the water",
      "waits quietly, watching the float bob on the water", "feels a tug on the line and lifts the rod",
      "reels in a small silver fish", "unhooks the fish and lowers it back into the water"]),
    ("Kayaking", "outdoors", "is standing on a river bank next to a kayak",
     ["buckles up a life jacket", "slides the kayak into the shallow water",
      "climbs carefully into the seat of the kayak", "pushes away from the bank with the paddle",
      "paddles downstream with long, even strokes", "steers the kayak back to the bank and climbs out"]),
    ("Repotting a plant", "outdoors", "is standing at a garden table with a plant that has outgrown its pot",
     ["puts a layer of fresh compost in the bottom of a bigger pot", "tips the plant upside down and slides it out of the old pot",
      "teases the tangled roots apart with {pos} fingers", "sets the plant in the new pot",
      "fills the gaps around the roots with compost", "waters the plant and carries it back to the windowsill"]),
    ("Brushing a dog", "personal", "is sitting on the grass next to a shaggy dog",
     ["calls the dog over and pats it on the head", "brushes the dog's back from head to tail",
      "works out a knot behind the dog's ear with a comb", "brushes the fur on the dog's legs and belly",
      "picks the loose dog hair out of the brush", "gives the dog a treat for sitting still"]),
    ("Brushing teeth", "personal", "is standing in front of a bathroom mirror",
     ["squeezes toothpaste onto a toothbrush", "brushes {pos} front teeth in small circles",
      "brushes {pos} back teeth on both sides", "spits the toothpaste into the basin",
      "rinses {pos} mouth with a little water", "rinses the toothbrush and puts it back in its cup"]),
    ("Painting nails", "personal", "is sitting at a desk with a bottle of red nail polish",
     ["files each nail into a neat shape", "paints a clear base coat on every nail",
      "shakes the bottle of red nail polish", "brushes a thin coat of red polish onto each nail",
      "waits for the first coat to dry and adds a second one", "blows on {pos} fingers to help the polish dry"]),
    ("Tuning a guitar", "personal", "is sitting on a chair with an acoustic guitar on {pos} knee",
     ["clips a tuner onto the head of the guitar", "plucks the thickest string of the guitar",
      "turns the tuning peg until the tuner shows the right note", "tunes each of the other strings the same way",
      "strums a chord to hear how the guitar sounds", "starts to play a song on the guitar"]),
    ("Swimming", "personal", "is standing at the edge of a swimming pool in a swimsuit",
     ["pulls on a swimming cap and goggles", "slides into the pool from the edge",
      "pushes off from the wall of the pool", "swims a length of front crawl",
      "turns at the far end of the pool and swims back", "climbs out of the pool using the metal steps"]),
]

# (introduction, pronoun, possessive, definite description).
CE_PEOPLE = [("A woman", "she", "her", "the woman"), ("A man", "he", "his", "the man"),
             ("A young woman", "she", "her", "the young woman"), ("An older man", "he", "his", "the older man"),
             ("A teenage girl", "she", "her", "the girl"), ("A boy", "he", "his", "the boy"),
             ("An older woman", "she", "her", "the older woman"), ("A young man", "he", "his", "the young man")]


def hellaswag_preprocess(text):
    """lm-eval's tasks/hellaswag/utils.py preprocess, line for line."""
    text = text.strip()
    text = text.replace(" [title]", ". ")
    text = re.sub("\\[.*?\\]", "", text)
    text = text.replace("  ", " ")
    return text


def _ce_item(rng, activity, k, person, others):
    """The scene before step k of `activity`, its step k and three steps of `others`."""
    label, _, scene, steps = activity
    intro, pron, pos, definite = person
    fill = lambda s: s.format(pos=pos)  # noqa: E731
    if k == 0:
        ctx_a = f"{intro} {fill(scene)}."
    elif k == 1:
        ctx_a = f"{intro} {fill(scene)}. {cap(pron)} {fill(steps[0])}."
    else:
        ctx_a = f"{intro} {fill(steps[k - 2])}. {cap(pron)} {fill(steps[k - 1])}."
    ctx_b = pick(rng, [pron, definite] if k == 0 else [pron, f"then {pron}", definite, f"next, {pron}"])
    right = fill(steps[k]) + "."
    wrong = [fill(pick(rng, o[3])) + "." for o in others]
    return label, ctx_a, ctx_b, right, wrong


def gen_commonsense_endings():
    rng = random.Random(909)
    labels = [a[0] for a in CE_ACTIVITIES]
    assert len(set(labels)) == len(labels)
    all_steps = [s for a in CE_ACTIVITIES for s in a[3]]
    assert len(set(all_steps)) == len(all_steps), "a step appears in two activities"
    items = []
    for activity in CE_ACTIVITIES:
        assert len(activity[3]) == 6, activity[0]
        # Five of the six positions (the scene, or one to five steps done) per activity.
        for k in sorted(rng.sample(range(6), 5)):
            others = rng.sample([a for a in CE_ACTIVITIES if a[1] != activity[1]], 3)
            items.append(_ce_item(rng, activity, k, pick(rng, CE_PEOPLE), others))
    rng.shuffle(items)
    positions = [i % 4 for i in range(len(items))]
    rng.shuffle(positions)
    docs = []
    for i, ((label, ctx_a, ctx_b, right, wrong), pos) in enumerate(zip(items, positions)):
        endings = list(wrong)
        endings.insert(pos, right)
        # Exactly one sensible ending, and no ending reads as another (the generative fallback
        # names a choice by its text).
        lowered = [e.lower().rstrip(".") for e in endings]
        assert all(a == b or a not in b for a in lowered for b in lowered), endings
        assert ctx_b == ctx_b.lower(), ctx_b  # str.capitalize() below lowercases the rest
        query = hellaswag_preprocess(label + ": " + ctx_a + " " + ctx_b.capitalize())
        choices = [hellaswag_preprocess(e) for e in endings]
        assert choices == endings and query == f"{label}: {ctx_a} {cap(ctx_b)}", query
        docs.append({"id": f"JB-CE-{i + 1:04d}", "activity_label": label, "ctx_a": ctx_a, "ctx_b": ctx_b,
                     "ctx": ctx_a + " " + ctx_b, "endings": endings, "label": str(pos),
                     "query": query, "choices": choices, "gold": pos})
    assert len({d["query"] for d in docs}) == len(docs)
    counts = [sum(d["gold"] == p for d in docs) for p in range(4)]
    assert max(counts) - min(counts) <= 1, counts
    return COMMONSENSE_ENDINGS_YAML.format(n=len(docs), a=len(CE_ACTIVITIES), p0=counts[0], p1=counts[1],
                                           p2=counts[2], p3=counts[3]), docs


# ---------------------------------------------------------------------------------------------
# 10. story-writing (mirrors WritingPrompts)
# ---------------------------------------------------------------------------------------------

STORY_WRITING_YAML = r'''# story-writing: mirrors WritingPrompts (Garg et al. 2025's content-creation task, short-story
# generation). {n} story prompts in WritingPrompts' shape ("[ WP ] ...") from {f} premise families,
# each with a reference story of {sentences} sentences built from the same premise; written for
# joulebench by suites/generate_suites.py from phrase banks (no external data). Asked zero-shot
# over the chat endpoint for a one-paragraph story.
# SCORING IS A SUBSTITUTE: Garg et al. scored this task with perplexity and BERTScore F1. Both need
# a scoring model (a language model for perplexity, a BERT-family encoder for BERTScore) that
# joulebench does not ship and the task format cannot name, so this suite is scored with the
# overlap metrics the format supports: google-research rouge_score with the Porter stemmer, rougeL
# (the primary score), then rouge1 and rouge2, against the one reference story. ROUGE rewards
# reusing the reference's words, not fluency or creativity, so its numbers are not comparable with
# the paper's. Format: tasks/task_yaml.h.
task: story-writing
metadata:
  version: 1.0
  scoring: "substitute for Garg et al. 2025's perplexity and BERTScore (they need a scoring model joulebench does not ship): ROUGE-L, ROUGE-1, ROUGE-2 against one reference story"
family: other
doc_to_text: "Write a short story of about five sentences, in one paragraph, for this writing prompt.\n\nPrompt: {{{{prompt}}}}\n\nStory:"
doc_to_target: "{{{{story}}}}"
output_type: generate_until
endpoint: chat
num_fewshot: 0
generation_kwargs:
  until: ["\n\n"]
  max_gen_toks: 256
  do_sample: false
  temperature: 0
metric_list:
  - metric: rougeL
    aggregation: mean
    higher_is_better: true
    use_stemmer: true
  - metric: rouge1
    aggregation: mean
    higher_is_better: true
    use_stemmer: true
  - metric: rouge2
    aggregation: mean
    higher_is_better: true
    use_stemmer: true
'''

# Names alternate women's and men's, so pronouns follow the name's index.
SW_NAMES = ["Nora", "Felix", "Ada", "Tomas", "Imogen", "Rafael", "Wren", "Otto", "Greta", "Milo", "Esme", "Jasper",
            "Lucia", "Bram", "Iris", "Cormac", "Selma", "Arlo", "Thea", "Emil"]
SW_VILLAGES = ["Little Wexley", "Pennock Green", "Dunmore Cross", "Hollins End", "Astley Vale", "Crowmarsh", "Fallow Ridge",
               "Sandhithe", "Barrowby", "Kestle"]


def _sw_person(rng):
    i = rng.randrange(len(SW_NAMES))
    return (SW_NAMES[i], "she", "her") if i % 2 == 0 else (SW_NAMES[i], "he", "his")


def _sw_fill(text, name, pron, pos, **kw):
    return text.format(N=name, P=cap(pron), p=pron, pos=pos, Pos=cap(pos), **kw)


# Each family: its prompt template, slot banks (each option a dict of the slot's phrases; options
# of different banks combine freely), and the story's sentences, each a list of alternative
# templates. {N} is the hero's name, {P}/{p} the pronoun, {Pos}/{pos} the possessive.
SW_FAMILIES = [
    {
        "prompt": "[ WP ] A {creature} opens a {shop} in a small village. Its first customer is {customer}.",
        "banks": {
            "creature": [
                {"creature": "dragon", "trait": "It kept the place warm with careful little puffs of breath instead of a stove"},
                {"creature": "troll", "trait": "It had to duck under the beams every time it crossed the room"},
                {"creature": "ghost", "trait": "It drifted between the shelves and never once rang up the right price"},
                {"creature": "giant", "trait": "It sat on the floor outside and served everyone through the window"},
                {"creature": "talking fox", "trait": "It wore a neat green apron and counted the change twice"},
                {"creature": "bear", "trait": "It wore a striped apron and stood on its hind legs behind the counter"},
            ],
            "shop": [
                {"shop": "bakery", "goods": "loaves and buns"}, {"shop": "tea room", "goods": "pots of tea and slices of cake"},
                {"shop": "bookshop", "goods": "second-hand books"}, {"shop": "flower shop", "goods": "bunches of flowers"},
                {"shop": "repair shop", "goods": "mended clocks and kettles"},
            ],
            "customer": [
                {"customer": "a nervous little boy", "want": "something to give his mother for her birthday",
                 "after": "The boy left smiling, and the next day his whole class came in after school"},
                {"customer": "the mayor", "want": "proof that the shop was safe",
                 "after": "The mayor came back every morning after that and never mentioned safety again"},
                {"customer": "a knight in dented armour", "want": "directions to the nearest monster",
                 "after": "The knight stayed for lunch instead and decided to give up fighting altogether"},
                {"customer": "an old woman who could not sleep", "want": "anything that would help her rest",
                 "after": "That night she slept better than she had in years"},
            ],
        },
        "story": [
            ["Nobody in {village} expected a {creature} to open a {shop}, but one spring morning a new sign went up on the high street.",
             "The people of {village} were astonished when a {creature} opened a {shop} in the empty shop by the church."],
            ["{trait}, and it sold {goods} at very fair prices.", "{trait}, and its shelves were full of {goods}."],
            ["Its first customer was {customer}, who came in asking for {want}.",
             "The first person brave enough to step inside was {customer}, looking for {want}."],
            ["The {creature} listened carefully and chose exactly the right thing.",
             "The {creature} thought for a long moment and then wrapped something up without taking any money."],
            ["{after}.", "{after}, and soon the whole village had stopped being afraid."],
        ],
    },
    {
        "prompt": "[ WP ] Every night at {time}, the {thing} in your {room} {habit}. Tonight, it stops.",
        "banks": {
            "thing": [
                {"thing": "old clock", "habit": "chimes thirteen times", "did": "chimed thirteen times"},
                {"thing": "radio", "habit": "plays a song nobody has ever heard", "did": "played a song nobody had ever heard"},
                {"thing": "portrait", "habit": "turns its head towards the window", "did": "turned its head towards the window"},
                {"thing": "music box", "habit": "opens by itself and plays three notes", "did": "opened by itself and played three notes"},
                {"thing": "telephone", "habit": "rings exactly once", "did": "rang exactly once"},
                {"thing": "lamp", "habit": "flickers in the same slow pattern", "did": "flickered in the same slow pattern"},
            ],
            "room": [{"room": "attic"}, {"room": "hallway"}, {"room": "study"}, {"room": "spare bedroom"}],
            "time": [{"time": "midnight"}, {"time": "three in the morning"}, {"time": "a quarter past two"}],
            "found": [
                {"found": "a small envelope lying beneath it with {pos} own name written on the front"},
                {"found": "a set of muddy footprints leading away from it towards the back door"},
                {"found": "that someone had left a single white feather on top of it"},
                {"found": "a note in {pos} grandmother's handwriting that simply said: thank you"},
            ],
        },
        "story": [
            ["For eleven years, at {time} every night, the {thing} in {N}'s {room} {did}.",
             "Ever since {N} moved into the house, the {thing} in the {room} {did} at {time} every night."],
            ["{P} had long ago stopped being afraid of it and even set {pos} alarm by it.",
             "At first it had terrified {pos} family, but in time it became part of the house."],
            ["Tonight, {time} came and went in complete silence.", "But tonight the house stayed silent at {time}."],
            ["{N} crept into the {room} with a torch and found {found}.",
             "When {N} went up to the {room} with a candle, {p} found {found}."],
            ["{P} sat down beside the {thing} and waited for morning.",
             "{P} did not sleep again that night."],
        ],
    },
    {
        "prompt": "[ WP ] You are the {job} in a town where {rule}. Today, someone breaks the rule.",
        "banks": {
            "job": [{"job": "town clerk"}, {"job": "baker"}, {"job": "librarian"}, {"job": "doctor"}, {"job": "schoolteacher"}],
            "rule": [
                {"rule": "nobody is allowed to sing", "break": "began to sing an old song",
                 "end": "By evening the whole town was singing, and nobody could remember why the rule had ever existed"},
                {"rule": "it is forbidden to tell a lie", "break": "told a small, kind lie to a crying child",
                 "end": "The child stopped crying, and the town quietly agreed that some rules could bend"},
                {"rule": "everyone must be indoors by sunset", "break": "walked out to watch the stars",
                 "end": "The next night a dozen people joined in, and the night after that, half the town"},
                {"rule": "nobody may leave without permission", "break": "packed a bag and walked out through the gate",
                 "end": "A week later a postcard arrived from the coast, and people began to ask for maps"},
                {"rule": "red is a forbidden colour", "break": "painted a front door bright red",
                 "end": "By the end of the month there were red doors, red scarves and red flowers on every street"},
            ],
            "breaker": [{"breaker": "a stranger in a long grey coat"}, {"breaker": "the mayor's own daughter"},
                        {"breaker": "an old fisherman"}, {"breaker": "a girl of about nine"}],
        },
        "story": [
            ["{village} had one strict rule, {rule}, and in twenty years as the town's {job}, {N} had never seen anyone break it.",
             "{N} had been the {job} of {village} for twenty years, and the town's oldest rule was simple: {rule}."],
            ["Then, on an ordinary market day and in front of everyone, {breaker} {break}.",
             "One quiet afternoon, while half the town watched, {breaker} {break}."],
            ["Everyone froze and waited for something terrible to happen.",
             "Everyone went silent, and people waited for the sky to fall."],
            ["Nothing happened at all.", "But nothing terrible happened."],
            ["{end}.", "{end}, and {N} smiled as {p} went back to work."],
        ],
    },
    {
        "prompt": "[ WP ] After {years} years at sea, a sailor comes home to find that {change}.",
        "banks": {
            "years": [{"years": "ten"}, {"years": "twenty"}, {"years": "seven"}, {"years": "fifteen"}],
            "change": [
                {"change": "the sea has moved ten miles inland", "saw": "the sea had moved ten miles inland",
                 "detail": "Waves lapped at the steps of the old church",
                 "end": "so {N} tied {pos} boat to the church railings and went to find {pos} family"},
                {"change": "everyone in the village speaks backwards", "saw": "everyone in the village spoke backwards",
                 "detail": "The baker greeted {obj} with a cheerful \"olleh\"",
                 "end": "so {N} sat on the harbour wall and slowly began to practise"},
                {"change": "the house has been turned into a museum about the sailor", "saw": "{pos} house had been turned into a museum about {obj}",
                 "detail": "There was a queue outside to see {pos} old boots",
                 "end": "so {N} bought a ticket and joined the tour of {pos} own life"},
                {"change": "nobody remembers the sailor at all", "saw": "nobody remembered {obj} at all",
                 "detail": "Even {pos} sister looked at {obj} politely, as at a stranger",
                 "end": "so {N} introduced {obj}self and began to make friends all over again"},
                {"change": "all the clocks in the town stopped on the day the ship left", "saw": "every clock in town had stopped on the day {pos} ship left",
                 "detail": "The church clock still showed the hour of departure",
                 "end": "so {N} climbed the tower and wound the clock, and the town began to move again"},
            ],
        },
        "story": [
            ["After {years} years at sea, {N} finally walked down the gangplank into {village}.",
             "{N} had been at sea for {years} years when {pos} ship at last sailed back into {village}."],
            ["Almost at once {p} saw that {saw}.", "It took {obj} only a minute to notice that {saw}."],
            ["{detail}.", "{detail}, and nobody seemed to find it strange."],
            ["{N} stood on the quay for a long time with {pos} bag on {pos} shoulder.",
             "For a while {N} thought about getting straight back on the ship."],
            ["But it was still home, {end}.", "In the end it was still home, {end}."],
        ],
    },
    {
        "prompt": "[ WP ] Your {pet} can suddenly talk, but it only wants to talk about {topic}.",
        "banks": {
            "pet": [{"pet": "cat"}, {"pet": "dog"}, {"pet": "parrot"}, {"pet": "goldfish"}, {"pet": "tortoise"}],
            "topic": [
                {"topic": "the weather", "line": "Light rain by noon, clearing later", "more": "wind speeds, cloud shapes and the chance of frost"},
                {"topic": "the neighbours", "line": "Number twelve has bought a new sofa again", "more": "who had visited whom and who had forgotten to put the bins out"},
                {"topic": "cheese", "line": "A mature cheddar is wasted on toast", "more": "the difference between soft and hard cheeses"},
                {"topic": "old films", "line": "They simply do not make them like that any more", "more": "black-and-white detectives and forgotten film stars"},
                {"topic": "football", "line": "That referee should never have allowed the second goal", "more": "league tables, transfers and missed penalties"},
            ],
            "end": [
                {"end": "{N} started writing everything down and sent it to the local paper"},
                {"end": "{N} gave up asking questions and simply listened"},
                {"end": "{N} bought the {pet} a tiny microphone and started a radio show"},
            ],
        },
        "story": [
            ["{N} was making breakfast when the {pet} cleared its throat and said, \"{line}.\"",
             "One morning, as {N} filled its bowl, the {pet} looked up and announced, \"{line}.\""],
            ["{N} dropped the spoon in surprise.", "{N} stared at it for a full minute."],
            ["Over the next week the {pet} talked about nothing but {topic}: {more}.",
             "From then on the {pet} spoke only about {topic}, especially {more}."],
            ["Whenever {N} asked where its voice had come from, it just went back to {topic}.",
             "Every question about anything else was politely ignored."],
            ["In the end {end}.", "At last {end}."],
        ],
    },
    {
        "prompt": "[ WP ] A retired {hero} is asked by {asker} to do one last {job}.",
        "banks": {
            "hero": [
                {"hero": "detective", "job": "case", "skill": "still noticed every scuffed shoe and every nervous glance"},
                {"hero": "astronaut", "job": "mission", "skill": "still knew every switch in the cockpit by heart"},
                {"hero": "magician", "job": "show", "skill": "could still make a coin vanish without thinking"},
                {"hero": "mountain guide", "job": "climb", "skill": "could still read the weather from the shape of the clouds"},
                {"hero": "lighthouse keeper", "job": "night on watch", "skill": "could still climb the spiral stairs without stopping"},
            ],
            "asker": [
                {"asker": "a young woman who would not give her name", "why": "because nobody else would believe her"},
                {"asker": "an old rival", "why": "because there was nobody else left who could do it"},
                {"asker": "{pos} own grandson", "why": "because it was the only way to save the family business"},
                {"asker": "a letter with no return address", "why": "because whoever had sent it knew things nobody else could know"},
            ],
        },
        "story": [
            ["{N} had been a retired {hero} for nine years and spent most days tending tomatoes.",
             "Nine years after {pos} last {job}, {N} was happily retired and growing tomatoes."],
            ["Then {asker} arrived and asked for one last {job}.", "One evening {asker} came asking for one last {job}."],
            ["{P} said no at first, but agreed {why}.", "{N} refused twice, and then agreed {why}."],
            ["{P} was slower now, but {p} {skill}.", "{P} was older and slower, yet {p} {skill}."],
            ["When it was over, {N} went home and watered the tomatoes as if nothing had happened.",
             "It was {pos} finest {job}, and {p} never told anyone about it."],
        ],
    },
    {
        "prompt": "[ WP ] You find a door in your {place} that was not there yesterday. Behind it is {wp}.",
        "banks": {
            "place": [{"place": "garden wall"}, {"place": "kitchen"}, {"place": "bedroom wardrobe"}, {"place": "garage"}, {"place": "office"}],
            "behind": [
                {"behind": "a quiet beach at sunset", "wp": "a beach at sunset",
                 "does": "walked barefoot along the sand until the sun went down"},
                {"behind": "{pos} childhood bedroom exactly as {p} had left it", "wp": "your childhood bedroom",
                 "does": "sat on the narrow bed and read an old comic"},
                {"behind": "a railway platform where a silver train was waiting", "wp": "a railway platform",
                 "does": "read the departure board, which listed towns that did not exist"},
                {"behind": "a snowy forest lit by lanterns", "wp": "a forest in the snow",
                 "does": "followed the lanterns until {p} could see {pos} own house again"},
                {"behind": "a library of books with {pos} name on every spine", "wp": "a library full of books about you",
                 "does": "opened one and read a page about tomorrow"},
            ],
            "end": [
                {"end": "When {N} stepped back through and turned round, the door was gone"},
                {"end": "The next morning the door was still there, and {N} left it slightly open"},
                {"end": "{N} locked the door behind {obj} and hid the key somewhere only {p} would find it"},
            ],
        },
        "story": [
            ["On Tuesday morning {N} found a small green door in {pos} {place} that had not been there the day before.",
             "{N} was sure that yesterday there had been no door in {pos} {place}, but there it was, painted green."],
            ["It was not locked.", "The handle turned easily."],
            ["Behind it was {behind}.", "On the other side {p} found {behind}."],
            ["{N} {does}.", "For an hour {N} {does}."],
            ["{end}.", "{end}, and {p} told nobody."],
        ],
    },
    {
        "prompt": "[ WP ] A {maker} invents a machine that {does}, but it only works on {limit}.",
        "banks": {
            "maker": [{"maker": "schoolgirl"}, {"maker": "retired engineer"}, {"maker": "lonely inventor"}, {"maker": "village blacksmith"}],
            "does": [
                {"does": "stops time", "did": "stopped time", "use": "stopped time to finish the washing-up in peace"},
                {"does": "makes it rain", "did": "made it rain", "use": "made it rain over the dry allotments"},
                {"does": "translates any language", "did": "translated any language", "use": "finally understood what the ducks in the park were arguing about"},
                {"does": "turns lead into gold", "did": "turned lead into gold", "use": "turned a few fishing weights into gold coins"},
                {"does": "lets you fly", "did": "let its user fly", "use": "floated over the rooftops and waved at the postman"},
            ],
            "limit": [
                {"limit": "Thursdays", "limit_past": "Thursdays", "problem": "Everyone planned their lives around Thursdays"},
                {"limit": "rainy afternoons", "limit_past": "rainy afternoons", "problem": "People began praying for rain"},
                {"limit": "people who are truly bored", "limit_past": "people who were truly bored", "problem": "Nobody in town could ever manage to be bored enough"},
                {"limit": "the inventor's own birthday", "limit_past": "{pos} birthday", "problem": "It could be used only once a year"},
            ],
        },
        "story": [
            ["In a shed at the bottom of the garden, a {maker} named {N} built a machine that {did}.",
             "{N} was a {maker} who, after many failures, built a machine that {did}."],
            ["There was one problem: it only worked on {limit_past}.", "But the machine only ever worked on {limit_past}."],
            ["The first time it worked, {N} {use}.", "On the first day it worked, {N} {use}."],
            ["{problem}.", "{problem}, and the newspapers called it the strangest invention of the year."],
            ["{N} did not mind, because {p} had never wanted to change the world.",
             "{N} decided that a small miracle was still a miracle."],
        ],
    },
    {
        "prompt": "[ WP ] Two rival {trade} are forced to work together when {event}.",
        "banks": {
            "trade": [
                {"trade": "bakers", "work": "baked through the night"}, {"trade": "gardeners", "work": "dug and planted side by side"},
                {"trade": "clockmakers", "work": "took apart and rebuilt every clock in the square"},
                {"trade": "tailors", "work": "sewed without stopping for three days"},
                {"trade": "fishermen", "work": "shared one boat and one net"},
            ],
            "event": [
                {"event": "a storm cuts their town off from the world", "then": "a storm cut their town off from the world",
                 "need": "the whole town needed them"},
                {"event": "the king orders a feast for a thousand guests", "then": "the king ordered a feast for a thousand guests",
                 "need": "neither of them could manage it alone"},
                {"event": "a fire destroys one of their shops", "then": "a fire destroyed one of their shops",
                 "need": "the town had nobody else"},
                {"event": "they both set their hearts on the same contest prize", "then": "they both set their hearts on the same contest prize",
                 "need": "the contest was for teams of two"},
            ],
        },
        "story": [
            ["{N} and {M} were the two {trade} of {village}, and they had not spoken in fifteen years.",
             "For fifteen years {N} and {M}, the only {trade} in {village}, had refused to say a word to each other."],
            ["Then {then}, and {need}.", "That changed when {then}, because {need}."],
            ["They argued for the first hour and then {work}.", "After a long and bitter argument, they {work}."],
            ["Somewhere in the middle of it, {M} made a joke and {N} laughed.",
             "By the second night they were finishing each other's sentences."],
            ["They never became friends exactly, but they never stopped talking again.",
             "When it was over they shook hands, and the next week they opened a shop together."],
        ],
    },
    {
        "prompt": "[ WP ] You are the night guard of the last {thing} on Earth. Tonight you find {who} standing in front of its case.",
        "banks": {
            "thing": [
                {"thing": "tree", "care": "watered its roots and talked to it about the weather"},
                {"thing": "honeybee", "care": "kept its tiny flower fresh and the glass case warm"},
                {"thing": "paper book", "care": "turned one page so the spine would not stiffen"},
                {"thing": "violin", "care": "tuned its strings and polished the wood"},
                {"thing": "snowflake", "care": "checked the freezer twice an hour"},
            ],
            "visitor": [
                {"visitor": "a child who had hidden in the toilets at closing time", "who": "a child",
                 "wish": "just wanted to see it without the crowds"},
                {"visitor": "an old man with a museum pass from fifty years ago", "who": "an old man",
                 "wish": "said he had seen thousands of them when he was young"},
                {"visitor": "a thief in soft shoes", "who": "a thief",
                 "wish": "meant to steal it but stayed to listen to the story of it"},
                {"visitor": "the museum's own director", "who": "the museum's director",
                 "wish": "could not sleep and needed to see it one more time"},
            ],
        },
        "story": [
            ["Every night {N} guarded the last {thing} on Earth in the empty hall of the city museum.",
             "{N} was the night guard of the last {thing} on Earth, which stood in a glass case in the museum's central hall."],
            ["Each night {p} {care}.", "Nobody had asked {obj} to, but each night {p} {care}."],
            ["One night, long after closing time, {p} found {visitor} standing in front of the case.",
             "Around midnight, in the dark hall, {N} came across {visitor}."],
            ["The visitor {wish}.", "It turned out the visitor {wish}."],
            ["{N} let the visitor stay until dawn, and together they watched over the {thing}.",
             "{N} unlocked the case for just one minute, and neither of them ever forgot it."],
        ],
    },
]


def _sw_story(rng, fam):
    """One (prompt, story) of a family: a draw from each bank, one alternative per sentence."""
    name, pron, pos = _sw_person(rng)
    other = pick(rng, [n for n in SW_NAMES if n != name])
    slots = {"village": pick(rng, SW_VILLAGES), "M": other}
    for bank in fam["banks"].values():
        slots.update(pick(rng, bank))
    fill = lambda t: _sw_fill(t, name, pron, pos, obj="her" if pron == "she" else "him", **slots)  # noqa: E731
    # Slot values may themselves name the hero ({N}, {pos}, ...): fill them first.
    slots = {k: fill(v) for k, v in slots.items()}
    prompt = fill(fam["prompt"])
    story = " ".join(cap(fill(pick(rng, alternatives))) for alternatives in fam["story"])
    return prompt, story


def gen_story_writing():
    rng = random.Random(1010)
    docs, prompts = [], set()
    for fam in SW_FAMILIES:
        made, tries = 0, 0
        while made < 10:
            tries += 1
            assert tries < 1000, fam["prompt"]
            prompt, story = _sw_story(rng, fam)
            if prompt in prompts:
                continue
            assert "{" not in prompt + story and "}" not in prompt + story, (prompt, story)
            n_sent = len(re.findall(r"[.!?](?:\"|\))?(?=\s+[A-Z\"]|$)", story))
            assert 4 <= n_sent <= 6, (n_sent, story)
            prompts.add(prompt)
            docs.append({"prompt": prompt, "story": story})
            made += 1
    random.Random(1011).shuffle(docs)
    docs = [{"id": f"JB-WP-{i + 1:04d}", **d} for i, d in enumerate(docs)]
    lens = [len(re.findall(r"[.!?](?:\"|\))?(?=\s+[A-Z\"]|$)", d["story"])) for d in docs]
    sentences = str(min(lens)) if min(lens) == max(lens) else f"{min(lens)}-{max(lens)}"
    return STORY_WRITING_YAML.format(n=len(docs), f=len(SW_FAMILIES), sentences=sentences), docs


# ---------------------------------------------------------------------------------------------
# Writing and checking
# ---------------------------------------------------------------------------------------------

SUITES = [
    ("sentiment", gen_sentiment),
    ("nli", gen_nli),
    ("arith-cot", gen_arith_cot),
    ("science-mc", gen_science_mc),
    ("extractive-qa", gen_extractive_qa),
    ("summarisation", gen_summarisation),
    ("code-summarisation", gen_code_summarisation),
    ("code-generation", gen_code_generation),
    ("commonsense-endings", gen_commonsense_endings),
    ("story-writing", gen_story_writing),
]

MAX_SAMPLES_BYTES = 400 * 1024


def build_all():
    """{relative path: file text} for every generated file."""
    files = {}
    for name, gen in SUITES:
        yaml, docs = gen()
        assert yaml.startswith("# "), name
        assert len({json.dumps(d, sort_keys=True) for d in docs}) == len(docs), f"{name}: duplicate documents"
        body = jsonl(docs)
        assert len(body.encode("utf-8")) <= MAX_SAMPLES_BYTES, f"{name}: samples.jsonl is too large"
        files[f"{name}/task.yaml"] = yaml
        files[f"{name}/samples.jsonl"] = body
    return files


def write_files(files, out_dir):
    for rel, text in files.items():
        path = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)


def _run_python(program, timeout_s):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "program.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(program)
        try:
            proc = subprocess.run([sys.executable, "-I", path], cwd=tmp, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return False, "timed out"
        return proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]


def check_code_generation(docs, timeout_s=10):
    """Every canonical solution passes its tests and doctests; a wrong one fails them."""
    jobs = []
    for doc in docs:
        jobs.append((doc, None, _cg_program(doc, doc["canonical_solution"], doctests=True)))
        for wrong in ("    return None\n",):
            jobs.append((doc, wrong, _cg_program(doc, wrong)))
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        results = list(pool.map(lambda job: _run_python(job[2], timeout_s), jobs))
    problems = []
    for (doc, wrong, _), (ok, out) in zip(jobs, results):
        if wrong is None and not ok:
            problems.append(f"{doc['task_id']} ({doc['entry_point']}): canonical solution fails:\n{out}")
        if wrong is not None and ok:
            problems.append(f"{doc['task_id']} ({doc['entry_point']}): the tests accept a wrong solution {wrong.strip()!r}")
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temporary directory and fail if any committed file differs; run the code checks")
    ap.add_argument("--out", default=HERE, help="directory to write the suites into (default: next to this script)")
    args = ap.parse_args(argv)

    files = build_all()
    if not args.check:
        write_files(files, args.out)
        for rel in files:
            print(os.path.join(args.out, rel))
        return 0

    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        write_files(files, tmp)
        for rel in files:
            committed = os.path.join(HERE, rel)
            with open(os.path.join(tmp, rel), "rb") as f:
                fresh = f.read()
            if not os.path.exists(committed):
                failures.append(f"{rel}: missing (run python3 suites/generate_suites.py)")
                continue
            with open(committed, "rb") as f:
                old = f.read()
            if old != fresh:
                diff = list(difflib.unified_diff(old.decode("utf-8", "replace").splitlines(),
                                                 fresh.decode("utf-8", "replace").splitlines(),
                                                 f"committed/{rel}", f"generated/{rel}", lineterm="", n=0))
                failures.append(f"{rel}: differs from the generated file (run python3 suites/generate_suites.py)\n"
                                + "\n".join(diff[:12]))
    cg_docs = [json.loads(line) for line in files["code-generation/samples.jsonl"].splitlines()]
    failures += check_code_generation(cg_docs)
    if failures:
        for f in failures:
            print("FAIL " + f, file=sys.stderr)
        return 1
    print(f"ok: {len(files)} files match the generator; {len(cg_docs)} code-generation problems pass their tests, "
          f"and their tests reject a wrong solution")
    return 0


if __name__ == "__main__":
    sys.exit(main())
