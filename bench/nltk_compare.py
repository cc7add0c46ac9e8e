#!/usr/bin/env python3
"""Reference side of the NLTK comparison (needs Debian python3-nltk; not part of the test suite).

Reads texts (one JSON string per line) on stdin and prints, per text, one JSON line with
rouge_score's tokens (rouge_score/tokenize.py with nltk PorterStemmer(), default mode, as
rouge_score constructs it) and NLTKWordTokenizer tokens (word_tokenize without the punkt sentence
split, which needs data that cannot be downloaded here).
"""
import json
import re
import sys

from nltk.stem import porter
from nltk.tokenize import NLTKWordTokenizer

stemmer = porter.PorterStemmer()
wt = NLTKWordTokenizer()


def rouge_tokens(text):
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    toks = [stemmer.stem(x) if len(x) > 3 else x for x in re.split(r"\s+", text)]
    return [x for x in toks if re.match(r"^[a-z0-9]+$", x)]


for line in sys.stdin:
    t = json.loads(line)
    print(json.dumps({"rouge": rouge_tokens(t), "words": wt.tokenize(t)}))
