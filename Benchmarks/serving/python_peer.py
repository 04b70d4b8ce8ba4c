#!/usr/bin/env python3
"""The Python peer of Benchmarks/compare_serving.py: the server a Python team would deploy for the same models.

    python3 python_peer.py --models DIR --port 8081 [--framework auto|kserve|fastapi] [--threads 1]

DIR holds, per model NAME, `NAME.onnx` (the Lepton bundle's weights, written by export_onnx.py) and `NAME.json`
(how requests map to the ONNX input: a tensor model takes the input `input`; a tabular model takes one input per
column and applies the bundle's fitted preprocessing in numpy before the ONNX network).

framework `kserve`: KServe's Python `ModelServer` (PyPI `kserve`) with one `kserve.Model` per model, one worker.
framework `fastapi`: FastAPI + uvicorn (one worker) speaking the same Open Inference Protocol (v2) JSON.
`auto` takes kserve when it imports, else fastapi. The server prints `python-peer FRAMEWORK listening on PORT`
once it is about to serve. Inference runs ONNX Runtime (CPUExecutionProvider) with `--threads` intra-op threads.
"""

import argparse
import json
import logging
import os
import sys
import uuid

import numpy as np
import onnxruntime


class Predictor:
    """One model: the ONNX Runtime session and, for tabular models, the numpy preprocessing."""

    def __init__(self, directory, name, threads):
        with open(os.path.join(directory, name + ".json")) as handle:
            self.spec = json.load(handle)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        self.session = onnxruntime.InferenceSession(
            os.path.join(directory, name + ".onnx"), options, providers=["CPUExecutionProvider"])
        self.name = name

    def features(self, arrays):
        """The network input: the `input` tensor, or the tabular columns through the fitted preprocessing."""
        if self.spec["kind"] == "tensor":
            if "input" not in arrays:
                raise ValueError("missing input 'input'")
            x = np.asarray(arrays["input"], dtype=np.float32)
            sample = self.spec["sample_shape"]
            if list(x.shape[1:]) != sample:
                x = x.reshape([-1] + sample)
            return x
        columns = []
        for feature in self.spec["features"]:
            raw = arrays.get(feature["column"])
            if raw is None:
                raise ValueError(f"missing input '{feature['column']}'")
            values = np.asarray(raw).reshape(-1)
            if feature["kind"] == "numeric":
                column = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
                if "impute" in feature:
                    column = np.where(np.isnan(column), feature["impute"], column)
                if "center" in feature:
                    column = (column - feature["center"]) / feature["scale"]
            elif feature["kind"] == "boolean":
                column = values.astype(np.float64)
            elif feature["kind"] == "category":
                text = [v.decode() if isinstance(v, bytes) else str(v) for v in values]
                column = np.array([1.0 if t == feature["category"] else 0.0 for t in text])
            else:
                raise ValueError(f"unknown feature kind {feature['kind']}")
            columns.append(column)
        return np.stack(columns, axis=1).astype(np.float32)

    def probabilities(self, arrays):
        return self.session.run(None, {"input": self.features(arrays)})[0]


def run_kserve(predictors, port):
    import kserve
    from kserve import InferOutput, InferRequest, InferResponse

    class OnnxModel(kserve.Model):
        def __init__(self, predictor):
            super().__init__(predictor.name)
            self.predictor = predictor
            self.ready = True

        def predict(self, payload: InferRequest, headers=None, response_headers=None):
            arrays = {tensor.name: tensor.as_numpy() for tensor in payload.inputs}
            probabilities = self.predictor.probabilities(arrays)
            output = InferOutput(name="probabilities", shape=list(probabilities.shape), datatype="FP32")
            output.set_data_from_numpy(probabilities, binary_data=False)
            return InferResponse(model_name=self.name, infer_outputs=[output],
                                 response_id=payload.id or str(uuid.uuid4()))

    models = [OnnxModel(p) for p in predictors]
    print(f"python-peer kserve listening on {port}", flush=True)
    server = kserve.ModelServer(http_port=port, workers=1, enable_grpc=False, enable_latency_logging=False)
    # KServe's timing middleware logs one INFO line per request on this logger; lepton-serve runs with
    # --log-level warning (no per-request line), so the peer does not log per request either.
    logging.getLogger(kserve.logging.KSERVE_TRACE_LOGGER_NAME).setLevel(logging.WARNING)
    server.start(models)


def run_fastapi(predictors, port):
    import uvicorn
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    app = FastAPI()
    by_name = {p.name: p for p in predictors}
    dtypes = {"FP32": np.float32, "FP64": np.float64, "INT64": np.int64, "INT32": np.int32, "BOOL": np.bool_,
              "BYTES": object}

    @app.get("/v2/health/ready")
    def ready():
        return {"ready": True}

    @app.get("/v2/models/{name}/ready")
    def model_ready(name: str):
        if name not in by_name:
            return JSONResponse({"error": f"model {name} not found"}, status_code=404)
        return {"name": name, "ready": True}

    @app.post("/v2/models/{name}/infer")
    async def infer(name: str, request: Request):
        predictor = by_name.get(name)
        if predictor is None:
            return JSONResponse({"error": f"model {name} not found"}, status_code=404)
        try:
            body = json.loads(await request.body())
            arrays = {}
            for tensor in body["inputs"]:
                arrays[tensor["name"]] = np.asarray(
                    tensor["data"], dtype=dtypes[tensor["datatype"]]).reshape(tensor["shape"])
            probabilities = predictor.probabilities(arrays)
        except (ValueError, KeyError, TypeError) as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return {"model_name": name, "id": body.get("id", ""), "outputs": [
            {"name": "probabilities", "shape": list(probabilities.shape), "datatype": "FP32",
             "data": probabilities.reshape(-1).tolist()}]}

    print(f"python-peer fastapi listening on {port}", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--framework", choices=["auto", "kserve", "fastapi"], default="auto")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    names = sorted(f[:-5] for f in os.listdir(args.models) if f.endswith(".onnx"))
    predictors = [Predictor(args.models, name, args.threads) for name in names]
    framework = args.framework
    if framework == "auto":
        try:
            import kserve  # noqa: F401
            framework = "kserve"
        except ImportError:
            framework = "fastapi"
    if framework == "kserve":
        run_kserve(predictors, args.port)
    else:
        run_fastapi(predictors, args.port)


if __name__ == "__main__":
    sys.exit(main())
