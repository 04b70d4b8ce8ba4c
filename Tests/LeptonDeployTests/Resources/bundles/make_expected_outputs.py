"""Writes credit-v1-expected.json: what the sample bundle must predict for credit-v1-inputs.json.

Run from this folder with `python3 make_expected_outputs.py` (Python 3, NumPy 2.4.6 produced the committed file). It
reads credit-v1.lepton with nothing but the standard library and NumPy: the safetensors layout is parsed by hand, the
checksum is recomputed with hashlib from the byte stream documented in
Sources/LeptonDeploy/Bundle/BundleChecksum.swift, and the fitted pipeline (impute, one-hot, standard scale,
passthrough) and the layers (Dense, BatchNorm in inference mode, ReLU, softmax) are re-implemented from the manifest.
"""

import hashlib
import json
import struct

import numpy as np

BUNDLE = "credit-v1.lepton"


def read_bundle(path):
    raw = open(path, "rb").read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    data = raw[8 + length:]
    metadata = header.pop("__metadata__")
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32"
        begin, end = entry["data_offsets"]
        tensors[name] = (begin, np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"]), data[begin:end],
                         entry["shape"])
    return metadata, tensors


def checksum(manifest_text, tensors):
    stream = bytearray()

    def count(value):
        stream.extend(struct.pack("<Q", value))

    manifest = manifest_text.encode("utf-8")
    count(len(manifest))
    stream.extend(manifest)
    for name, (_, _, data, shape) in sorted(tensors.items(), key=lambda item: item[1][0]):
        for text in (name.encode("utf-8"), b"F32"):
            count(len(text))
            stream.extend(text)
        count(len(shape))
        for dimension in shape:
            count(dimension)
        count(len(data))
        stream.extend(data)
    return "sha256:" + hashlib.sha256(bytes(stream)).hexdigest()


def features(record, pipeline):
    row = {name: record.get(name) for name in ("age", "income", "purpose", "owns_home")}
    for step in pipeline["steps"]:
        state = step["state"]
        if step["kind"] == "impute":
            for entry in state["entries"]:
                if row[entry["column"]] is None:
                    row[entry["column"]] = entry["fill"]["number"]["_0"]
        elif step["kind"] == "oneHot":
            for entry in state["entries"]:
                value = row.pop(entry["column"])
                assert value in entry["categories"]
                for category in entry["categories"]:
                    row[entry["column"] + "=" + category] = 1.0 if value == category else 0.0
        elif step["kind"] == "scale":
            for entry in state["entries"]:
                row[entry["column"]] = (row[entry["column"]] - entry["center"]) / entry["scale"]
        elif step["kind"] == "passthrough":
            pass
        else:
            raise ValueError(step["kind"])
    return np.array([float(row[name]) for name in pipeline["featureNames"]], dtype=np.float64)


def forward(x, architecture, tensors):
    for index, layer in enumerate(architecture["layers"]):
        config = layer["configuration"]
        weight = lambda name: tensors[f"{index}.{name}"][1].astype(np.float64)
        if layer["type"] == "Dense":
            x = x @ weight("weight") + weight("bias")
            activation = next(iter(config["activation"]))
        elif layer["type"] == "BatchNorm":
            x = (x - weight("runningMean")) / np.sqrt(weight("runningVariance") + config["epsilon"])
            x = x * weight("scale") + weight("offset")
            activation = "linear"
        elif layer["type"] == "Activation":
            activation = next(iter(config["activation"]))
        else:
            raise ValueError(layer["type"])
        if activation == "relu":
            x = np.maximum(x, 0)
        elif activation == "softmax":
            x = np.exp(x - x.max())
            x = x / x.sum()
        else:
            assert activation == "linear", activation
    return x


metadata, tensors = read_bundle(BUNDLE)
manifest_text = metadata["lepton.manifest"]
actual = checksum(manifest_text, tensors)
assert actual == metadata["lepton.checksum"], (actual, metadata["lepton.checksum"])
manifest = json.loads(manifest_text)
inputs = json.load(open("credit-v1-inputs.json"))
outputs = [forward(features(record, manifest["preprocessing"]), manifest["architecture"], tensors) for record in inputs]
with open("credit-v1-expected.json", "w") as f:
    json.dump({"checksum": actual, "outputs": [[float(v) for v in row] for row in outputs]}, f, indent=1)
    f.write("\n")
print(actual, [row.round(4).tolist() for row in outputs])
