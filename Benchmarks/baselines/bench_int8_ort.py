"""ONNX Runtime static int8 (QDQ, quantize_static) of the SAME model as a Lepton MNIST bundle, for compare_int8.py.

  python bench_int8_ort.py prepare --bundle B --mnist DIR --out DIR [--calibration-images 1000] [--percentile P]
  python bench_int8_ort.py time    --out DIR --mnist DIR --threads T [--batch-sizes 1,8,32,256] [--seconds S]

prepare: reads the bundle's weights (a safetensors file: the reference CNN of `lepton mnist-bundle`, Conv2D 3x3x32
         + ReLU + MaxPool 2x2, Flatten, Dense 64 + ReLU, Dense 10 + softmax, NHWC), writes the float model as ONNX
         (NCHW; for one input channel an NHWC batch is the NCHW batch reshaped, and the first dense layer's rows are
         permuted from Lepton's NHWC flatten order to NCHW's, so no Transpose runs), quantises it with
         onnxruntime.quantization.quantize_static after its quant_pre_process (QuantFormat.QDQ, per-channel int8
         weights, uint8 activations,
         MinMax calibration — or Percentile with --percentile — on the first N MNIST training images, the images
         `lepton mnist-bundle --calibration-images N` calibrates on), and prints JSON lines with the float and int8
         accuracy of ONNX Runtime on every MNIST test image.
time:    loads both models (CPUExecutionProvider, ORT_ENABLE_ALL, intra_op_num_threads=T, inter_op 1, sequential) and
         times session.run on MNIST test batches (eight distinct batches cycled) for about S seconds per batch size;
         prints one JSON line per (precision, batch size): median seconds per call and batch / median.
"""

import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist(directory, split):
    prefix = "t10k" if split == "test" else "train"
    found = {}
    for kind, suffix in (("images", "idx3-ubyte"), ("labels", "idx1-ubyte")):
        names = [f"{prefix}-{kind}-{suffix}.gz", f"{prefix}-{kind}-{suffix}"]
        path = next((os.path.join(directory, n) for n in names if os.path.exists(os.path.join(directory, n))), None)
        if path is None:
            raise SystemExit(f"MNIST {split} {kind} missing in {directory} (looked for {' or '.join(names)})")
        found[kind] = read_idx(path)
    images = found["images"].astype(np.float32) / 255.0
    return images.reshape(-1, 1, 28, 28), found["labels"].astype(np.int64)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {info['dtype']}, expected F32")
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[base + start:base + end], dtype=np.float32).reshape(info["shape"])
    return tensors


def float_model(bundle):
    """The bundle's reference CNN as an ONNX graph on NCHW input [N, 1, 28, 28]."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    tensors = read_safetensors(bundle)
    layers = sorted({int(name.split(".")[0]) for name in tensors})
    params = [(tensors[f"{i}.{w}"], tensors[f"{i}.{b}"]) for i in layers
              for w, b in [next((w, b) for w, b in (("kernel", "bias"), ("weight", "bias"), ("filter", "bias"))
                                if f"{i}.{w}" in tensors)]]
    if len(params) != 3 or params[0][0].shape != (3, 3, 1, 32) or params[1][0].shape != (13 * 13 * 32, 64):
        raise SystemExit(f"{bundle}: not the reference CNN of `lepton mnist-bundle` "
                         f"({[(p[0].shape, p[1].shape) for p in params]})")
    (conv_w, conv_b), (d1_w, d1_b), (d2_w, d2_b) = params
    oihw = np.ascontiguousarray(conv_w.transpose(3, 2, 0, 1))
    # Lepton flattens [13, 13, 32] (h, w, c); the ONNX graph flattens [32, 13, 13] (c, h, w).
    d1_nchw = np.ascontiguousarray(d1_w.reshape(13, 13, 32, 64).transpose(2, 0, 1, 3).reshape(13 * 13 * 32, 64))
    init = [numpy_helper.from_array(a, n) for a, n in
            ((oihw, "conv_w"), (conv_b, "conv_b"), (d1_nchw, "d1_w"), (d1_b, "d1_b"), (d2_w, "d2_w"), (d2_b, "d2_b"))]
    nodes = [
        helper.make_node("Conv", ["input", "conv_w", "conv_b"], ["conv"], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["conv"], ["conv_relu"]),
        helper.make_node("MaxPool", ["conv_relu"], ["pool"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["pool"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat", "d1_w", "d1_b"], ["d1"]),
        helper.make_node("Relu", ["d1"], ["d1_relu"]),
        helper.make_node("Gemm", ["d1_relu", "d2_w", "d2_b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probs"], axis=1),
    ]
    graph = helper.make_graph(
        nodes, "lepton_mnist_cnn", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, 28, 28])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", 10])], init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def session(path, threads):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def prepare(args):
    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                          quantize_static)
    os.makedirs(args.out, exist_ok=True)
    float_path = os.path.join(args.out, "mnist_float.onnx")
    prepared_path = os.path.join(args.out, "mnist_float_prepared.onnx")
    int8_path = os.path.join(args.out, "mnist_int8_qdq.onnx")
    onnx.save(float_model(args.bundle), float_path)
    # ONNX Runtime's recommended step before quantize_static: symbolic shape inference and graph optimisation.
    from onnxruntime.quantization.shape_inference import quant_pre_process
    quant_pre_process(float_path, prepared_path)
    train, _ = mnist(args.mnist, "train")
    calibration = train[:args.calibration_images]

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"input": calibration[i:i + 256]} for i in range(0, len(calibration), 256)])

        def get_next(self):
            return next(self.batches, None)

    method = CalibrationMethod.Percentile if args.percentile else CalibrationMethod.MinMax
    extra = {"CalibPercentile": args.percentile} if args.percentile else {}
    quantize_static(prepared_path, int8_path, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, calibrate_method=method,
                    extra_options=extra)
    test, labels = mnist(args.mnist, "test")
    for precision, path in (("float32", float_path), ("int8", int8_path)):
        sess = session(path, 1)
        outputs = np.concatenate([sess.run(None, {"input": test[i:i + 256]})[0] for i in range(0, len(test), 256)])
        accuracy = float((outputs.argmax(axis=1) == labels).mean())
        print(json.dumps({"framework": "onnxruntime", "version": ort.__version__, "benchmark": "accuracy",
                          "precision": precision, "samples": int(len(test)), "accuracy": accuracy,
                          "params": {"format": "QDQ", "per_channel": True, "activations": "QUInt8",
                                     "weights": "QInt8", "calibration": str(method),
                                     "percentile": args.percentile,
                                     "calibration_images": int(len(calibration))} if precision == "int8" else {}}))


def time_runs(args):
    import onnxruntime as ort
    test, _ = mnist(args.mnist, "test")
    for precision, name in (("float32", "mnist_float.onnx"), ("int8", "mnist_int8_qdq.onnx")):
        sess = session(os.path.join(args.out, name), args.threads)
        for batch in (int(b) for b in args.batch_sizes.split(",")):
            batches = [np.ascontiguousarray(test[i * batch:(i + 1) * batch]) for i in range(max(1, min(8, len(test) // batch)))]
            for b in batches[:2]:
                sess.run(None, {"input": b})
            latencies = []
            start = time.perf_counter()
            while len(latencies) < 5 or time.perf_counter() - start < args.seconds:
                b = batches[len(latencies) % len(batches)]
                t0 = time.perf_counter()
                sess.run(None, {"input": b})[0]
                latencies.append(time.perf_counter() - t0)
            median = float(np.median(latencies))
            print(json.dumps({"framework": "onnxruntime", "version": ort.__version__, "benchmark": "batch",
                              "mode": "session.run", "precision": precision, "batch_size": batch,
                              "threads": args.threads, "median_seconds": median, "calls": len(latencies),
                              "throughput": batch / median, "units": "predictions/s"}))
            sys.stdout.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("step", choices=["prepare", "time"])
    p.add_argument("--bundle")
    p.add_argument("--mnist", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--calibration-images", type=int, default=1000)
    p.add_argument("--percentile", type=float, default=None)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch-sizes", default="1,8,32,256")
    p.add_argument("--seconds", type=float, default=1.0)
    args = p.parse_args()
    if args.step == "prepare":
        if not args.bundle:
            p.error("prepare needs --bundle")
        prepare(args)
    else:
        time_runs(args)


if __name__ == "__main__":
    main()
