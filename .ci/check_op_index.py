#!/usr/bin/env python3
"""Checks the index of differentiable operations (LeptonTensor.docc/DifferentiableOperations.md) against the code:
every name an operation records itself under must appear in the table's first column, and every test the table
cites must exist. Exit 1 with the differences."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
article = (root / "Sources/LeptonTensor/LeptonTensor.docc/DifferentiableOperations.md").read_text()
rows = [line for line in article.splitlines() if line.startswith("| ") and not line.startswith("| recorded")]
documented = set()
cited = []
for row in rows:
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    if len(cells) != 3 or set(cells[0]) <= {"-"}:
        continue
    documented.update(re.findall(r"`([A-Za-z0-9]+)`", cells[0]))
    cited += re.findall(r"(\w+Tests) \"([^\"]+)\"", cells[2])

recorded = set()
sources = list((root / "Sources/LeptonTensor").rglob("*.swift"))
for path in sources:
    text = path.read_text()
    recorded.update(re.findall(r'recorded\("([A-Za-z0-9]+)"', text))
    # Operations that pass their name to a shared recording helper.
    for line in text.splitlines():
        if re.search(r"\b(broadcastBinary|selectingExtreme|extreme)\(", line):
            recorded.update(re.findall(r'name: "([A-Za-z0-9]+)"', line))
    for pair in re.findall(r'log \? "([A-Za-z0-9]+)" : "([A-Za-z0-9]+)"', text):
        recorded.update(pair)
elementwise = (root / "Sources/LeptonKernels/Elementwise/ElementwiseOperations.swift").read_text()
unary = elementwise[elementwise.index("enum UnaryOperation"):]
unary = unary[: unary.index("\n}")]
recorded.update(re.findall(r"^\s*case (\w+)", unary, flags=re.MULTILINE))

problems = [f"operation '{name}' records itself but is not in the index" for name in sorted(recorded - documented)]
tests = "\n".join(path.read_text() for path in (root / "Tests").rglob("*.swift"))
for suite, title in cited:
    if f'@Test("{title}"' not in tests and f'@Test(\n        "{title}"' not in tests and f'"{title}",' not in tests:
        problems.append(f"{suite} \"{title}\" is cited in the index but no such test exists")
if not cited:
    problems.append("the index cites no test")
for problem in problems:
    print(problem, file=sys.stderr)
if problems:
    sys.exit(1)
print(f"{len(recorded)} recorded operations are indexed; {len(cited)} cited gradient tests exist")
