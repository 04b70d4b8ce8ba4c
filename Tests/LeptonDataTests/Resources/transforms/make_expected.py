"""Expected values for the LeptonData transform, pipeline and split tests.

Run with the scikit-learn 1.9.1 venv:  /work/baselines-venv/bin/python make_expected.py
Writes credit_missing.csv, corpus_train.csv, corpus_test.csv and expected.json next to this script.
scikit-learn gives the truth for imputation, scaling, encoding, binning, polynomial and text features and
the splits; weight of evidence, information value, the documented supervised binning and feature hashing
are computed here from their formulas (plain Python, no Lepton code).
"""
import csv
import json
import math
import os
import random

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.model_selection import KFold, StratifiedKFold, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (KBinsDiscretizer, MinMaxScaler, OneHotEncoder, OrdinalEncoder,
                                   PolynomialFeatures, RobustScaler, StandardScaler)

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.dirname(HERE)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def floats(matrix):
    return [[float(v) for v in row] for row in np.asarray(matrix)]


# ---------------------------------------------------------------- data
credit_header, credit_rows = read_csv(os.path.join(RESOURCES, "german_credit", "german_credit.csv"))
iris_header, iris_rows = read_csv(os.path.join(RESOURCES, "iris", "iris.csv"))
C = {name: i for i, name in enumerate(credit_header)}
NUMERIC = ["duration_in_month", "credit_amount", "age_in_years"]
CATEGORICAL = ["purpose", "housing", "credit_history"]

# German credit with blanked cells, deterministic pattern (row i counted from 0).
blank = {"credit_amount": lambda i: i % 7 == 3, "age_in_years": lambda i: i % 11 == 5,
         "purpose": lambda i: i % 13 == 2, "housing": lambda i: i % 17 == 0}
missing_rows = []
for i, row in enumerate(credit_rows):
    row = list(row)
    for name, rule in blank.items():
        if rule(i):
            row[C[name]] = ""
    missing_rows.append(row)
with open(os.path.join(HERE, "credit_missing.csv"), "w", newline="", encoding="utf-8") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(credit_header)
    writer.writerows(missing_rows)


def numeric_column(rows, name):
    return np.array([float(r[C[name]]) if r[C[name]] != "" else np.nan for r in rows])


def string_column(rows, name):
    return np.array([r[C[name]] for r in rows], dtype=object)


expected = {}

# ---------------------------------------------------------------- imputation
num_missing = np.column_stack([numeric_column(missing_rows, n) for n in NUMERIC])
imputation = {}
for strategy in ["mean", "median", "most_frequent"]:
    imputer = SimpleImputer(strategy=strategy).fit(num_missing)
    imputation[strategy] = dict(zip(NUMERIC, map(float, imputer.statistics_)))
cat_missing = np.column_stack([string_column(missing_rows, n) for n in ["purpose", "housing"]])
imputer = SimpleImputer(missing_values="", strategy="most_frequent").fit(cat_missing)
imputation["most_frequent_categorical"] = dict(zip(["purpose", "housing"], map(str, imputer.statistics_)))
expected["imputation"] = imputation

# ---------------------------------------------------------------- outliers
num_full = np.column_stack([numeric_column(credit_rows, n) for n in NUMERIC])
outliers = {"quantile": {}, "iqr": {}}
for j, name in enumerate(NUMERIC):
    col = num_full[:, j]
    outliers["quantile"][name] = [float(np.quantile(col, 0.05)), float(np.quantile(col, 0.95))]
    q1, q3 = np.percentile(col, [25, 75])
    outliers["iqr"][name] = [float(q1 - 2.0 * (q3 - q1)), float(q3 + 2.0 * (q3 - q1))]
lo = np.array([outliers["iqr"][n][0] for n in NUMERIC])
hi = np.array([outliers["iqr"][n][1] for n in NUMERIC])
outliers["iqr_kept_rows"] = [i for i in range(len(credit_rows)) if np.all((num_full[i] >= lo) & (num_full[i] <= hi))]
expected["outliers"] = outliers

# ---------------------------------------------------------------- scaling (iris)
iris = np.array([[float(v) for v in r[:4]] for r in iris_rows])
expected["scaling"] = {
    "columns": iris_header[:4],
    "standard": floats(StandardScaler().fit_transform(iris)),
    "minmax_minus1_1": floats(MinMaxScaler(feature_range=(-1, 1)).fit_transform(iris)),
    "robust": floats(RobustScaler().fit_transform(iris)),
    "robust_10_90": floats(RobustScaler(quantile_range=(10, 90)).fit_transform(iris)),
}

# ---------------------------------------------------------------- encoding (fit on rows 0..<800, apply to 800..<1000)
train, test = credit_rows[:800], credit_rows[800:]
ENCODED = CATEGORICAL + ["installment_rate_in_percentage_of_disposable_income"]


def encoded_matrix(rows):
    return np.column_stack([[r[C[n]] if n in CATEGORICAL else int(r[C[n]]) for r in rows] for n in ENCODED]).astype(object)


def as_numbers(matrix):
    out = matrix.copy()
    out[:, -1] = out[:, -1].astype(int)
    return out


onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(as_numbers(encoded_matrix(train)))
ordinal = OrdinalEncoder().fit(as_numbers(encoded_matrix(train)))
expected["encoding"] = {
    "columns": ENCODED,
    "categories": [[str(c) for c in cats] for cats in onehot.categories_],
    "onehot_test": floats(onehot.transform(as_numbers(encoded_matrix(test)))),
    "ordinal_test": floats(ordinal.transform(as_numbers(encoded_matrix(test)))),
}

# ---------------------------------------------------------------- discretization
binning = {"columns": NUMERIC}
for strategy in ["quantile", "uniform"]:
    kwargs = {"quantile_method": "linear"} if strategy == "quantile" else {}
    discretizer = KBinsDiscretizer(n_bins=5, encode="ordinal", strategy=strategy, **kwargs).fit(num_full)
    binning[strategy] = {
        "cuts": [[float(e) for e in edges[1:-1]] for edges in discretizer.bin_edges_],
        "transformed": floats(discretizer.transform(num_full)),
    }
expected["discretize"] = binning

# ---------------------------------------------------------------- polynomial features (iris)
poly = PolynomialFeatures(degree=2, include_bias=False).fit(iris)
poly3 = PolynomialFeatures(degree=3, interaction_only=True, include_bias=False).fit(iris[:, :3])
expected["polynomial"] = {
    "degree2": floats(poly.transform(iris)),
    "degree2_names": list(poly.get_feature_names_out(iris_header[:4])),
    "degree3_interaction": floats(poly3.transform(iris[:, :3])),
    "degree3_interaction_names": list(poly3.get_feature_names_out(iris_header[:3])),
}

# ---------------------------------------------------------------- text
rng = random.Random(20240601)
words = ("credit loan payment late fee bank card account balance interest rate refund fraud support "
         "agent call email app login password transfer wire café naïve Émile über 2024 x9 A b").split()
docs = []
for _ in range(60):
    n = rng.randint(3, 12)
    tokens = [rng.choice(words) for _ in range(n)]
    punct = [rng.choice([" ", " ", ", ", "! ", "  ", "-", "."]) for _ in range(n)]
    docs.append("".join(t + p for t, p in zip(tokens, punct)).strip())
docs_train, docs_test = docs[:45], docs[45:] + ["brand new words only", ""]
for name, rows in [("corpus_train.csv", docs_train), ("corpus_test.csv", docs_test)]:
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["text"])
        writer.writerows([[d] for d in rows])
STOP = ["the", "fee", "bank"]
PATTERN = r"(?u)[^\W_]{2,}"
# max_features keeps the most frequent terms; choose the limit (at most 40) so the cut is not inside a tie,
# because scikit-learn breaks such ties in an unspecified order.
analyzer = CountVectorizer(token_pattern=PATTERN, ngram_range=(1, 2), stop_words=STOP, min_df=2).fit(docs_train)
totals = np.asarray(analyzer.transform(docs_train).sum(axis=0)).ravel()
ranked = sorted(totals, reverse=True)
MAX_TERMS = max(k for k in range(5, 41) if ranked[k - 1] != ranked[k])
count = CountVectorizer(token_pattern=PATTERN, ngram_range=(1, 2), stop_words=STOP, min_df=2, max_features=MAX_TERMS)
count.fit(docs_train)
tfidf = TfidfVectorizer(token_pattern=PATTERN, ngram_range=(1, 2), stop_words=STOP, min_df=2,
                        max_features=MAX_TERMS).fit(docs_train)
tfidf_raw = TfidfVectorizer(token_pattern=PATTERN, smooth_idf=False, sublinear_tf=True, norm="l1").fit(docs_train)
expected["text"] = {
    "stop_words": STOP,
    "max_terms": int(MAX_TERMS),
    "analyzer_vocabulary_size": len(analyzer.vocabulary_),
    "count_vocabulary": list(count.get_feature_names_out()),
    "count_test": floats(count.transform(docs_test).toarray()),
    "tfidf_vocabulary": list(tfidf.get_feature_names_out()),
    "tfidf_idf": [float(v) for v in tfidf.idf_],
    "tfidf_test": floats(tfidf.transform(docs_test).toarray()),
    "tfidf_raw_vocabulary": list(tfidf_raw.get_feature_names_out()),
    "tfidf_raw_test": floats(tfidf_raw.transform(docs_test).toarray()),
}


def fnv1a(text):
    h = 0xcbf29ce484222325
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x100000001b3) % (1 << 64)
    return h


unigram = CountVectorizer(token_pattern=PATTERN).build_analyzer()
hashed = []
for doc in docs_test:
    row = [0.0] * 32
    for term in unigram(doc):
        h = fnv1a(term)
        row[h % 32] += -1.0 if h >> 63 else 1.0
    length = math.sqrt(sum(v * v for v in row))
    hashed.append([v / length if length > 0 else v for v in row])
expected["hashing"] = {"features": 32, "fnv1a": {w: str(fnv1a(w)) for w in ["", "a", "credit", "café"]},
                       "test": hashed}

# ---------------------------------------------------------------- weight of evidence (from the formulas)
is_bad = [r[C["creditability"]] == "bad" for r in credit_rows]
TOTAL_BAD = sum(is_bad)
TOTAL_GOOD = len(is_bad) - TOTAL_BAD


def woe_iv(goods, bads, total_goods=TOTAL_GOOD, total_bads=TOTAL_BAD):
    g = (goods if goods > 0 else 0.5) / total_goods
    b = (bads if bads > 0 else 0.5) / total_bads
    woe = math.log(g / b)
    return woe, (g - b) * woe


def bins_report(labels, goods, bads, **totals):
    out = []
    for label, g, b in zip(labels, goods, bads):
        woe, iv = woe_iv(g, b, **totals)
        out.append({"label": label, "goods": g, "bads": b, "woe": woe, "iv": iv})
    return out


woe = {"categorical": {}, "quantile": {}, "optimal": {}}
for name in CATEGORICAL:
    values = [r[C[name]] for r in credit_rows]
    cats = sorted(set(values))
    goods = [sum(1 for v, bad in zip(values, is_bad) if v == c and not bad) for c in cats]
    bads = [sum(1 for v, bad in zip(values, is_bad) if v == c and bad) for c in cats]
    report = bins_report(cats, goods, bads)
    woe["categorical"][name] = {"bins": report, "iv": sum(b["iv"] for b in report)}


def quantile_cuts(values, bins):
    edges = [float(np.quantile(values, i / bins)) for i in range(bins + 1)]
    kept = [edges[0]]
    for e in edges[1:]:
        if e - kept[-1] > 1e-8:
            kept.append(e)
    return kept[1:-1] if len(set(values)) > 1 else []


def bin_index(value, cuts):
    return sum(1 for c in cuts if c <= value)


for name in NUMERIC:
    values = [float(r[C[name]]) for r in credit_rows]
    cuts = quantile_cuts(values, 5)
    goods = [0] * (len(cuts) + 1)
    bads = [0] * (len(cuts) + 1)
    for v, bad in zip(values, is_bad):
        (bads if bad else goods)[bin_index(v, cuts)] += 1
    report = bins_report([str(i) for i in range(len(cuts) + 1)], goods, bads)
    woe["quantile"][name] = {"cuts": cuts, "bins": report, "iv": sum(b["iv"] for b in report)}


def optimal_cuts(values, events, initial_bins=20, maximum_bins=6, minimum_share=0.05, monotonic=True):
    """The supervised binning documented in OptimalBinning.swift, written again from its description."""
    total_bads = sum(events)
    total_goods = len(events) - total_bads
    cuts = quantile_cuts(values, initial_bins)
    bins = [[0, 0] for _ in range(len(cuts) + 1)]  # [goods, bads]
    for v, e in zip(values, events):
        bins[bin_index(v, cuts)][1 if e else 0] += 1

    def merge(state, j):
        b, c = state
        b[j] = [b[j][0] + b[j + 1][0], b[j][1] + b[j + 1][1]]
        del b[j + 1]
        del c[j]

    def rate(x):
        return x[1] / (x[0] + x[1]) if x[0] + x[1] else 0.0

    def iv(x):
        return woe_iv(x[0], x[1], total_goods, total_bads)[1]

    def cheapest(state, pairs):
        b = state[0]
        best, best_loss = pairs[0], math.inf
        for j in pairs:
            loss = iv(b[j]) + iv(b[j + 1]) - iv([b[j][0] + b[j + 1][0], b[j][1] + b[j + 1][1]])
            if loss < best_loss:
                best, best_loss = j, loss
        return best

    state = (bins, cuts)
    i = 0
    while i < len(state[0]) and len(state[0]) > 1:  # 1. empty bins merge right (the last merges left)
        if sum(state[0][i]) == 0:
            merge(state, i if i < len(state[0]) - 1 else i - 1)
        else:
            i += 1
    minimum = minimum_share * len(values)
    while len(state[0]) > 1:  # 2. size and purity
        b = state[0]
        bad_bins = [j for j in range(len(b)) if sum(b[j]) < minimum or b[j][0] == 0 or b[j][1] == 0]
        if not bad_bins:
            break
        s = min(bad_bins, key=lambda j: (sum(b[j]), j))
        if s == 0:
            merge(state, 0)
        elif s == len(b) - 1:
            merge(state, s - 1)
        else:
            left, right = abs(rate(b[s - 1]) - rate(b[s])), abs(rate(b[s + 1]) - rate(b[s]))
            merge(state, s if right < left else s - 1)
    if monotonic:  # 3. monotonic event rate, both directions, keep the larger IV
        results = []
        for increasing in (True, False):
            st = ([list(x) for x in state[0]], list(state[1]))
            while len(st[0]) > 1:
                b = st[0]
                viol = [j for j in range(len(b) - 1)
                        if not ((rate(b[j + 1]) > rate(b[j])) if increasing else (rate(b[j + 1]) < rate(b[j])))]
                if not viol:
                    break
                merge(st, cheapest(st, viol))
            results.append(st)
        total = [sum(iv(x) for x in st[0]) for st in results]
        state = results[1] if total[1] > total[0] else results[0]
    while len(state[0]) > maximum_bins:  # 4. bin count
        merge(state, cheapest(state, list(range(len(state[0]) - 1))))
    return state[1]


for name in NUMERIC:
    values = [float(r[C[name]]) for r in credit_rows]
    cuts = optimal_cuts(values, is_bad)
    goods = [0] * (len(cuts) + 1)
    bads = [0] * (len(cuts) + 1)
    for v, bad in zip(values, is_bad):
        (bads if bad else goods)[bin_index(v, cuts)] += 1
    report = bins_report([str(i) for i in range(len(cuts) + 1)], goods, bads)
    woe["optimal"][name] = {"cuts": cuts, "bins": report, "iv": sum(b["iv"] for b in report)}

# A numeric column with missing cells: quantile bins on the present values plus a missing bin.
amounts = [r[C["credit_amount"]] for r in missing_rows]
present = [float(a) for a in amounts if a != ""]
cuts = quantile_cuts(present, 4)
goods = [0] * (len(cuts) + 2)
bads = [0] * (len(cuts) + 2)
for a, bad in zip(amounts, is_bad):
    index = len(cuts) + 1 if a == "" else bin_index(float(a), cuts)
    (bads if bad else goods)[index] += 1
report = bins_report([str(i) for i in range(len(cuts) + 1)] + ["missing"], goods, bads)
woe["with_missing"] = {"cuts": cuts, "bins": report, "iv": sum(b["iv"] for b in report)}
expected["woe"] = woe

# ---------------------------------------------------------------- pipeline (sklearn column transformer)
num_imputed = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
cat_encoded = Pipeline([("impute", SimpleImputer(missing_values="", strategy="most_frequent")),
                        ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))])
transformer = ColumnTransformer([
    ("num", num_imputed, [0, 1, 2]),
    ("ind", MissingIndicator(features="all"), [0, 1, 2]),
    ("cat", cat_encoded, [3, 4, 5]),
])


def pipeline_matrix(rows):
    numeric = np.column_stack([numeric_column(rows, n) for n in NUMERIC]).astype(object)
    strings = np.column_stack([string_column(rows, n) for n in CATEGORICAL])
    return np.concatenate([numeric, strings], axis=1)


transformer.fit(pipeline_matrix(missing_rows[:800]))
out = transformer.transform(pipeline_matrix(missing_rows[800:]))
names = []
for name in transformer.get_feature_names_out():
    kind, rest = name.split("__", 1)
    if kind == "num":
        names.append(NUMERIC[int(rest[1:])])
    elif kind == "ind":
        names.append(NUMERIC[int(rest.rsplit("x", 1)[1])] + "_missing")
    else:
        index, category = rest[1:].split("_", 1)
        names.append(CATEGORICAL[int(index) - 3] + "=" + category)
expected["pipeline"] = {"names": names, "test": floats(out.astype(float))}

# ---------------------------------------------------------------- splits
labels_credit = [0 if r[C["creditability"]] == "bad" else 1 for r in credit_rows]  # sorted class names: bad, good
imbalanced = [2] * 7 + [0] * 31 + [1] * 62
random.Random(3).shuffle(imbalanced)


def fold_class_counts(labels, folds):
    y = np.array(labels)
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    classes = sorted(set(labels))
    return [[int(np.sum(y[test] == c)) for c in classes] for _, test in skf.split(np.zeros(len(y)), y)]


tss = TimeSeriesSplit(n_splits=4, gap=1, max_train_size=10)
tss_default = TimeSeriesSplit(n_splits=3)
expected["splits"] = {
    "kfold_sizes_103_5": [len(t) for _, t in KFold(n_splits=5).split(np.zeros(103))],
    "stratified_credit_5": fold_class_counts(labels_credit, 5),
    "imbalanced_labels": imbalanced,
    "stratified_imbalanced_4": fold_class_counts(imbalanced, 4),
    "time_series_23": [[list(map(int, tr)), list(map(int, te))] for tr, te in tss.split(np.zeros(23))],
    "time_series_default_10": [[list(map(int, tr)), list(map(int, te))] for tr, te in tss_default.split(np.zeros(10))],
}

with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False)
    f.write("\n")
print("wrote", sorted(expected))
