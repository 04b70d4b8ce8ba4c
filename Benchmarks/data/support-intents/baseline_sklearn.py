"""Reference numbers for the support-intents split: what a scikit-learn user's TF-IDF + logistic regression gets.

Not run by CI (needs scikit-learn and numpy: `python3 -m pip install scikit-learn`). Trains on the `train` rows of
intents.csv and prints validation and test accuracy for the usual configurations: word unigrams and bigrams plus
character n-grams inside word boundaries (`char_wb`, 2-5), words and bigrams alone, and the example's own terms
(each word plus the character trigrams of `0word0`, as `WordTokenizer(subwordTrigrams: true)` makes them).

Run: python3 baseline_sklearn.py [intents.csv]
"""
import csv
import os
import re
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_union


def pieces(text):
    out = []
    for word in re.findall(r"[^\W_]+", text.lower()):
        marked = "0" + word + "0"
        out += [word] + [marked[i:i + 3] for i in range(len(marked) - 2)]
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "intents.csv")
    rows = list(csv.DictReader(open(path, newline="")))
    data = {split: ([r["text"] for r in rows if r["split"] == split], np.array([r["intent"] for r in rows if r["split"] == split]))
            for split in ("train", "validation", "test")}
    configurations = {
        "word 1-2 + char_wb 2-5": lambda: make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        "word 1-2": lambda: TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        "words + trigrams (the example's terms)": lambda: TfidfVectorizer(analyzer=pieces, sublinear_tf=True),
    }
    for name, make in configurations.items():
        vectorizer = make()
        features = vectorizer.fit_transform(data["train"][0])
        for c in (1, 10):
            model = LogisticRegression(C=c, max_iter=2000).fit(features, data["train"][1])
            scores = [(model.predict(vectorizer.transform(data[s][0])) == data[s][1]).mean() for s in ("validation", "test")]
            print(f"{name:40s} C={c:<3d} {features.shape[1]:6d} terms  validation {scores[0]:.3f}  test {scores[1]:.3f}")


if __name__ == "__main__":
    main()
