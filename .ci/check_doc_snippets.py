#!/usr/bin/env python3
"""Fails when a Swift code block of a documentation page is not part of the test that compiles it.

    python3 .ci/check_doc_snippets.py Sources/LeptonTensor/LeptonTensor.docc/Tensors.md Tests/LeptonTensorTests/TensorTourTests.swift

Each ```swift block of the page must appear, line by line (ignoring indentation), inside a `// tour:` …
`// end tour` region of the test file. A block whose fence names a file after the language (```swift Package.swift)
is an excerpt of that file, not code the test can run, and is not checked.
"""

import re
import sys


def normalized(lines):
    return [line.strip() for line in lines if line.strip()]


def main():
    page, test = sys.argv[1], sys.argv[2]
    blocks = re.findall(r"```swift\n(.*?)```", open(page).read(), re.S)
    regions = re.findall(r"// tour:[^\n]*\n(.*?)// end tour", open(test).read(), re.S)
    region_lines = [normalized(region.splitlines()) for region in regions]
    missing = [block for block in blocks if normalized(block.splitlines()) not in region_lines]
    for block in missing:
        print(f"{page}: this block is not compiled by {test}:\n{block}")
    print(f"{len(blocks) - len(missing)} of {len(blocks)} code blocks of {page} are compiled by {test}")
    sys.exit(1 if missing or not blocks else 0)


if __name__ == "__main__":
    main()
