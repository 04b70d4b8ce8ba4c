#!/usr/bin/env python3
"""Writes small IDX test files and expected.json (run from this folder: python3 make_fixtures.py).

Valid files hold one array per IDX element type with known values; broken/ holds hand-made damaged
files, each with the error the reader must report. Also records ground truth for ../mnist_5k computed
with Python's gzip + struct (pixel sums, label histograms, SHA-256 of the raw pixel and label bytes).
"""
import gzip
import hashlib
import json
import os
import struct

TYPES = {"uint8": (0x08, "B"), "int8": (0x09, "b"), "int16": (0x0B, ">h"), "int32": (0x0C, ">i"),
         "float32": (0x0D, ">f"), "float64": (0x0E, ">d")}


def idx_bytes(type_name, shape, values):
    code, fmt = TYPES[type_name]
    header = bytes([0, 0, code, len(shape)]) + b"".join(struct.pack(">I", d) for d in shape)
    return header + b"".join(struct.pack(fmt, v) for v in values)


def write(name, data):
    os.makedirs(os.path.dirname(name) or ".", exist_ok=True)
    with open(name, "wb") as f:
        f.write(data)


valid = []
samples = {
    "uint8": ([2, 3], [0, 1, 127, 128, 200, 255]),
    "int8": ([6], [-128, -1, 0, 1, 64, 127]),
    "int16": ([3, 2], [-32768, -300, 0, 1, 300, 32767]),
    "int32": ([2, 1, 3], [-2147483648, -70000, 0, 1, 70000, 2147483647]),
    "float32": ([4], [0.5, -1.25, 3.0e10, -0.0]),
    "float64": ([2, 2], [0.1, -2.5, 1.0e300, 1.0e-300]),
}
for type_name, (shape, values) in samples.items():
    name = f"{type_name}.idx"
    write(name, idx_bytes(type_name, shape, values))
    valid.append({"file": name, "type": type_name, "shape": shape, "values": values})
write("int16.idx.gz", gzip.compress(idx_bytes("int16", *samples["int16"]), mtime=0))
valid.append({"file": "int16.idx.gz", "type": "int16", "shape": samples["int16"][0], "values": samples["int16"][1]})
write("scalar.idx", idx_bytes("int32", [], [42]))
valid.append({"file": "scalar.idx", "type": "int32", "shape": [], "values": [42]})
write("empty.idx", idx_bytes("uint8", [0, 28, 28], []))
valid.append({"file": "empty.idx", "type": "uint8", "shape": [0, 28, 28], "values": []})

broken = []


def bad(name, data, error, **details):
    write("broken/" + name, data)
    broken.append({"file": "broken/" + name, "error": error, "details": details})


good = idx_bytes("uint8", [2, 3], samples["uint8"][1])
bad("bad_magic.idx", b"\x01" + good[1:], "badMagic")
bad("unknown_type.idx", good[:2] + b"\x0a" + good[3:], "unknownTypeCode", code=0x0A)
bad("short_magic.idx", b"\x00\x00", "truncatedHeader", expectedBytes=4, actualBytes=2)
bad("truncated_header.idx", good[:9], "truncatedHeader", expectedBytes=12, actualBytes=9)
bad("too_short.idx", good[:-1], "sizeMismatch", expectedBytes=6, actualBytes=5)
bad("too_long.idx", good + b"\x00", "sizeMismatch", expectedBytes=6, actualBytes=7)
bad("overflow.idx", bytes([0, 0, 0x0E, 4]) + struct.pack(">IIII", *[0xFFFFFFFF] * 4), "dimensionOverflow")
bad("broken_gzip.idx.gz", gzip.compress(good, mtime=0)[:-3], "decompressionFailed")

# MNIST-shaped files with one inconsistency each (images: 2 x 28 x 28, labels: 2).
images = idx_bytes("uint8", [2, 28, 28], [0] * (2 * 784))
labels = idx_bytes("uint8", [2], [3, 7])
cases = {
    "count_mismatch": (images, idx_bytes("uint8", [3], [1, 2, 3]), "countMismatch"),
    "label_out_of_range": (images, idx_bytes("uint8", [2], [3, 10]), "labelOutOfRange"),
    "wrong_image_side": (idx_bytes("uint8", [2, 28, 27], [0] * (2 * 756)), labels, "badImageShape"),
    "float_labels": (images, idx_bytes("float32", [2], [3.0, 7.0]), "badLabelShape"),
}
mnist_cases = []
for case, (image_data, label_data, error) in cases.items():
    for split in ("train", "t10k"):
        write(f"mnist_broken/{case}/{split}-images-idx3-ubyte", image_data)
        write(f"mnist_broken/{case}/{split}-labels-idx1-ubyte", label_data)
    mnist_cases.append({"directory": f"mnist_broken/{case}", "error": error})


def read_idx_gz(path):
    data = gzip.open(path).read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


mnist = {}
for split in ("train", "t10k"):
    dims, pixels = read_idx_gz(f"../mnist_5k/{split}-images-idx3-ubyte.gz")
    _, label_bytes = read_idx_gz(f"../mnist_5k/{split}-labels-idx1-ubyte.gz")
    mnist[split] = {
        "shape": list(dims),
        "pixelSum": sum(pixels),
        "pixelsSHA256": hashlib.sha256(pixels).hexdigest(),
        "labelsSHA256": hashlib.sha256(label_bytes).hexdigest(),
        "labelCounts": [label_bytes.count(d) for d in range(10)],
        "firstLabels": list(label_bytes[:10]),
        "firstImageRow14": list(pixels[14 * 28:15 * 28]),
    }

with open("expected.json", "w") as f:
    json.dump({"valid": valid, "broken": broken, "mnistBroken": mnist_cases, "mnist5k": mnist}, f, indent=1)
    f.write("\n")
print(len(valid), "valid,", len(broken), "broken,", len(mnist_cases), "broken MNIST directories")
