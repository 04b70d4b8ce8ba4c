"""Checks a safetensors file written by Lepton with Python's safetensors package.

Usage: python3 check_lepton_file.py FILE EXPECTED_JSON

EXPECTED_JSON (written by the Swift test independently of the file) holds:
  {"metadata": {str: str},
   "tensors": [{"name": str, "dtype": "F32" | "I64" | "I32", "shape": [int],
                "float32_bits": [int] (F32) | "integers": [int] (I64, I32)}],
   "identical_bytes": bool}
The script loads FILE with safetensors.numpy and compares names, dtypes, shapes, values (floats
bit for bit) and metadata. If identical_bytes is true it also serializes the loaded tensors again with
Python's safetensors and requires the very same bytes (only meaningful with at most one metadata key,
because the reference writer orders metadata keys by hash).
Exit status 0 when everything matches, 1 otherwise (the differences are printed).
"""
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save

NUMPY_DTYPES = {"F32": np.float32, "I64": np.int64, "I32": np.int32}


def main(path, expected_path):
    with open(expected_path) as f:
        expected = json.load(f)
    problems = []
    tensors = load_file(path)
    with safe_open(path, framework="np") as f:
        metadata = f.metadata() or {}

    expected_names = {t["name"] for t in expected["tensors"]}
    if set(tensors) != expected_names:
        problems.append(f"names: expected {sorted(expected_names)}, found {sorted(tensors)}")
    if metadata != expected["metadata"]:
        problems.append(f"metadata: expected {expected['metadata']}, found {metadata}")

    for spec in expected["tensors"]:
        name = spec["name"]
        if name not in tensors:
            continue
        array = tensors[name]
        if array.dtype != NUMPY_DTYPES[spec["dtype"]]:
            problems.append(f"{name!r}: expected dtype {spec['dtype']}, found {array.dtype}")
            continue
        if list(array.shape) != spec["shape"]:
            problems.append(f"{name!r}: expected shape {spec['shape']}, found {list(array.shape)}")
            continue
        if spec["dtype"] == "F32":
            found = [int(b) for b in array.reshape(-1).view(np.uint32)]
            wanted = spec["float32_bits"]
        else:
            found = [int(v) for v in array.reshape(-1)]
            wanted = spec["integers"]
        if found != wanted:
            bad = next(i for i, (a, b) in enumerate(zip(found + [None], wanted + [None])) if a != b)
            problems.append(f"{name!r}: first difference at element {bad}")

    if expected.get("identical_bytes") and not problems:
        with open(path, "rb") as f:
            written = f.read()
        again = save(tensors, metadata=metadata or None)
        if written != again:
            bad = next(i for i, (a, b) in enumerate(zip(written, again)) if a != b) if len(written) == len(again) else None
            problems.append(f"bytes differ from Python's serialization (lengths {len(written)} and {len(again)}, "
                            f"first different byte {bad}); Python's header: {again[8:200]!r}")

    for problem in problems:
        print(problem)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
