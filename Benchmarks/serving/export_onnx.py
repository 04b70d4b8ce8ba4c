#!/usr/bin/env python3
"""Exports the weights of Lepton bundles (`.lepton`) into ONNX models for the Python peer of compare_serving.py.

    python3 export_onnx.py --output DIR BUNDLE.lepton [...]

A `.lepton` bundle is a safetensors file: an 8-byte little-endian header length, a JSON header (tensor dtype,
shape, byte offsets; `__metadata__` with the manifest JSON under `lepton.manifest`), then the raw tensor bytes.
The manifest's `architecture` lists the Sequential layers; weights are stored as `INDEX.weight` / `INDEX.bias`,
Conv2D filters HWIO over NHWC images, Dense weights `[inputs, units]`.

For each bundle NAME this writes `DIR/NAME.onnx`, built with the `onnx` helper API (input `input`, output
`probabilities`), and `DIR/NAME.json`: how the Python peer maps request inputs to the ONNX input. A tensor model
maps the request's `input`. A tabular model lists, per network feature in order, its source column and the fitted
preprocessing (median imputation, one-hot category, standardisation) read from the bundle's fitted pipeline.
Supported layers: Conv2D (valid padding), MaxPool2D (valid), Flatten, Dense, Activation, with relu / softmax /
linear activations; anything else is refused with a message naming it.
"""

import argparse
import json
import os
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def read_bundle(path):
    with open(path, "rb") as handle:
        data = handle.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    if metadata.get("lepton.format") != "lepton-bundle":
        raise SystemExit(f"{path}: not a Lepton bundle")
    manifest = json.loads(metadata["lepton.manifest"])
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[start + begin:start + end], dtype="<f4").reshape(entry["shape"]).copy()
    return manifest, tensors


def activation_name(configuration, where):
    activation = configuration.get("activation", {"linear": {}})
    (name,) = activation.keys()
    if name not in ("relu", "softmax", "linear", "identity", "none"):
        raise SystemExit(f"{where}: activation {name} is not supported by the exporter")
    return name


def build_graph(manifest, tensors):
    architecture = manifest["architecture"]
    input_shape = architecture["inputShape"]
    nodes, initializers = [], []
    current = "input"
    layout = "nhwc" if len(input_shape) == 3 else "flat"
    counter = [0]

    def fresh(stem):
        counter[0] += 1
        return f"{stem}_{counter[0]}"

    def add(op, inputs, **attributes):
        output = fresh(op.lower())
        nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    def constant(name, array):
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))
        return name

    def to_layout(target):
        nonlocal current, layout
        if layout == target or layout == "flat":
            return
        perm = [0, 3, 1, 2] if target == "nchw" else [0, 2, 3, 1]
        current = add("Transpose", [current], perm=perm)
        layout = target

    def activate(name):
        nonlocal current
        if name == "relu":
            current = add("Relu", [current])
        elif name == "softmax":
            current = add("Softmax", [current], axis=-1)

    last_activation = None
    for index, layer in enumerate(architecture["layers"]):
        kind, configuration = layer["type"], layer["configuration"]
        where = f"layer {index} ({kind})"
        if kind == "Conv2D":
            if list(configuration["padding"].keys()) != ["valid"] or configuration["dilation"] != [1, 1]:
                raise SystemExit(f"{where}: only valid padding without dilation is supported")
            to_layout("nchw")
            weight = tensors[f"{index}.weight"].transpose(3, 2, 0, 1)  # HWIO -> OIHW
            inputs = [current, constant(f"{index}.weight", weight)]
            if configuration["useBias"]:
                inputs.append(constant(f"{index}.bias", tensors[f"{index}.bias"]))
            current = add("Conv", inputs, kernel_shape=configuration["kernelSize"], strides=configuration["strides"])
            last_activation = activation_name(configuration, where)
            activate(last_activation)
        elif kind == "MaxPool2D":
            if list(configuration["padding"].keys()) != ["valid"]:
                raise SystemExit(f"{where}: only valid padding is supported")
            to_layout("nchw")
            current = add("MaxPool", [current], kernel_shape=configuration["poolSize"],
                          strides=configuration["strides"])
        elif kind == "Flatten":
            to_layout("nhwc")  # Lepton flattens NHWC rows (height, width, channels)
            current = add("Flatten", [current], axis=1)
            layout = "flat"
        elif kind == "Dense":
            if layout != "flat":
                raise SystemExit(f"{where}: Dense on a rank-4 tensor is not supported")
            inputs = [current, constant(f"{index}.weight", tensors[f"{index}.weight"])]
            if configuration["useBias"]:
                inputs.append(constant(f"{index}.bias", tensors[f"{index}.bias"]))
            current = add("Gemm", inputs)
            last_activation = activation_name(configuration, where)
            activate(last_activation)
        elif kind in ("Activation", "ActivationLayer"):
            last_activation = activation_name(configuration, where)
            activate(last_activation)
        else:
            raise SystemExit(f"{where}: layer type {kind} is not supported by the exporter")
    if last_activation != "softmax":
        raise SystemExit("the model does not end with a softmax: not a classifier this benchmark serves")
    nodes.append(helper.make_node("Identity", [current], ["probabilities"]))
    graph = helper.make_graph(
        nodes, manifest["name"],
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch"] + list(input_shape))],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", None])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lepton-export")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def tabular_features(manifest):
    """Per network feature, its source column and fitted preprocessing, from the bundle's fitted pipeline.

    Supports the steps the credit example uses: impute (a constant or fitted number, no indicator column), oneHot
    (no dropped or infrequent category; features named `column=category`), scale (`(x - center) / scale`) and
    passthrough; any other step is refused.
    """
    pipeline = manifest.get("preprocessing")
    if pipeline is None:
        raise SystemExit("tabular schema without a fitted pipeline")
    types = pipeline.get("inputColumnTypes") or {}
    numeric = {}  # column -> {"impute": fill, "center": c, "scale": s}
    categories = {}  # column -> categories
    for step in pipeline["steps"]:
        kind, state = step["kind"], step["state"]
        if kind == "impute":
            for entry in state["entries"]:
                if entry["indicator"] or list(entry["fill"].keys()) != ["number"]:
                    raise SystemExit(f"impute of {entry['column']}: only a numeric fill without indicator")
                numeric.setdefault(entry["column"], {})["impute"] = entry["fill"]["number"]["_0"]
        elif kind == "oneHot":
            if state["drop"] != "none" or state["infrequent"]:
                raise SystemExit("oneHot with a dropped or infrequent category is not supported")
            for entry in state["entries"]:
                categories[entry["column"]] = entry["categories"]
        elif kind == "scale":
            for entry in state["entries"]:
                numeric.setdefault(entry["column"], {}).update(center=entry["center"], scale=entry["scale"])
        elif kind != "passthrough":
            raise SystemExit(f"pipeline step {kind} is not supported by the exporter")
    features = []
    for name in pipeline["featureNames"]:
        column, _, category = name.partition("=")
        if category and column in categories:
            features.append({"column": column, "kind": "category", "category": category})
        elif types.get(name) == "boolean":
            features.append({"column": name, "kind": "boolean"})
        elif types.get(name) == "numeric":
            features.append(dict({"column": name, "kind": "numeric"}, **numeric.get(name, {})))
        else:
            raise SystemExit(f"feature {name}: cannot tell how the pipeline produces it")
    return features


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", required=True)
    parser.add_argument("bundles", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    for path in args.bundles:
        manifest, tensors = read_bundle(path)
        name = manifest["name"]
        model = build_graph(manifest, tensors)
        schema_input = manifest["schema"]["input"]
        if schema_input["kind"] == "tensor":
            spec = {"kind": "tensor", "sample_shape": schema_input["shape"]}
        else:
            spec = {"kind": "tabular", "features": tabular_features(manifest)}
        onnx.save(model, os.path.join(args.output, name + ".onnx"))
        with open(os.path.join(args.output, name + ".json"), "w") as handle:
            json.dump(spec, handle, indent=1)
        print(f"exported {path} -> {os.path.join(args.output, name + '.onnx')} ({len(tensors)} tensors)")


if __name__ == "__main__":
    sys.exit(main())
