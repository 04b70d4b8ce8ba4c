#!/usr/bin/env python3
"""Computes the expected column types and describe() statistics of ../iris/iris.csv and
../german_credit/german_credit.csv with Python's csv and statistics modules (no pandas), and writes
expected.json (run from this folder: python3 make_expected.py).

The type rules are the documented ones of CSVReadOptions: numeric if every non-missing field parses as a
float; boolean if every one is true/false; categorical if distinct <= 50 and distinct * 2 <= non-missing;
text otherwise. Missing tokens: "", NA, N/A, n/a, NaN, nan, null, NULL, None, #N/A, <NA>.
Quartiles: statistics.quantiles(method="inclusive"), i.e. linear interpolation (pandas' default).
"""
import csv
import json
import statistics

MISSING = {"", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "#N/A", "<NA>"}


def as_float(text):
    try:
        return float(text)
    except ValueError:
        return None


def describe(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, records = rows[0], [r for r in rows[1:] if r]
    columns = []
    for index, name in enumerate(header):
        fields = [r[index] for r in records]
        present = [v for v in fields if v.strip(" \t") not in MISSING]
        numbers = [as_float(v) for v in present]
        column = {"name": name, "count": len(present), "missing": len(fields) - len(present)}
        if all(x is not None for x in numbers):
            column["type"] = "numeric"
            column["distinct"] = len(set(numbers))
            column["mean"] = statistics.fmean(numbers)
            column["std"] = statistics.stdev(numbers)
            column["min"], column["max"] = min(numbers), max(numbers)
            column["q25"], column["q50"], column["q75"] = statistics.quantiles(numbers, n=4, method="inclusive")
            column["top"] = []
        else:
            distinct = set(present)
            if all(v.strip(" \t").lower() in ("true", "false") for v in present):
                column["type"] = "boolean"
            elif len(distinct) <= 50 and len(distinct) * 2 <= len(present):
                column["type"] = "categorical"
            else:
                column["type"] = "text"
            counts = {}
            for v in present:
                counts[v] = counts.get(v, 0) + 1
            top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:5]
            column["distinct"] = len(distinct)
            column["top"] = [{"value": v, "count": c} for v, c in top]
        columns.append(column)
    return {"rowCount": len(records), "columns": columns}


def operations(path):
    """groupBy / sort / filter truth on german_credit: group purpose -> credit_amount statistics, stable
    sorts by age (Python's sorted is stable in both directions), rows with age >= 60."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    groups = {}
    for row in rows:
        groups.setdefault(row["purpose"], []).append(float(row["credit_amount"]))
    summary = [{"key": key, "count": len(v), "sum": sum(v), "mean": statistics.fmean(v), "min": min(v), "max": max(v)}
               for key, v in sorted(groups.items())]
    ages = [int(row["age_in_years"]) for row in rows]
    return {
        "groupPurposeCreditAmount": summary,
        "sortedByAgeAscending": sorted(range(len(rows)), key=lambda i: ages[i]),
        "sortedByAgeDescending": sorted(range(len(rows)), key=lambda i: ages[i], reverse=True),
        "ageAtLeast60": [i for i in range(len(rows)) if ages[i] >= 60],
    }


expected = {
    "iris": describe("../iris/iris.csv"),
    "german_credit": describe("../german_credit/german_credit.csv"),
    "german_credit_operations": operations("../german_credit/german_credit.csv"),
}
with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False)
    f.write("\n")
for name in ("iris", "german_credit"):
    table = expected[name]
    print(name, table["rowCount"], [(c["name"][:12], c["type"]) for c in table["columns"]])
