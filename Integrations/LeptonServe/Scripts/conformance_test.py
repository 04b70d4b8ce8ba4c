"""Open Inference Protocol conformance of lepton-serve, checked with NVIDIA's tritonclient[http].

Run by run_conformance.sh against a server started with --write-examples (models `credit` and `digits-cnn`).
Each check asserts what the KServe v2 protocol specifies and the values a client can verify on its own
(probabilities are distributions, labels are the arg-max, a batch answers as its rows answer alone).
"""

import argparse
import sys

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print(f"ok   {message}")


def image(seed):
    return np.array([((i * 37 + seed * 11) % 64) / 63 for i in range(64)], dtype=np.float32).reshape(8, 8, 1)


def infer_cnn(client, images, outputs=("probabilities", "label", "class_index"), request_id=""):
    batch = np.stack(images).astype(np.float32)
    tensor = httpclient.InferInput("input", list(batch.shape), "FP32")
    tensor.set_data_from_numpy(batch, binary_data=False)
    requested = [httpclient.InferRequestedOutput(name, binary_data=False) for name in outputs]
    return client.infer("digits-cnn", [tensor], outputs=requested, request_id=request_id)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    client = httpclient.InferenceServerClient(url=args.url)

    # Health and metadata.
    check(client.is_server_live(), "server is live")
    check(client.is_server_ready(), "server is ready")
    metadata = client.get_server_metadata()
    check(metadata["name"] == "lepton" and "model_repository" in metadata["extensions"], "server metadata")
    check(client.is_model_ready("digits-cnn"), "digits-cnn is ready")
    check(client.is_model_ready("credit", "credit-1"), "credit version credit-1 is ready")
    check(not client.is_model_ready("no-such-model"), "an unknown model is not ready")
    cnn = client.get_model_metadata("digits-cnn")
    check(cnn["inputs"] == [{"name": "input", "datatype": "FP32", "shape": [-1, 8, 8, 1]}], "digits-cnn input metadata")
    check([o["name"] for o in cnn["outputs"]] == ["output", "probabilities", "label", "class_index"], "outputs metadata")
    credit = client.get_model_metadata("credit", "credit-1")
    check([i["name"] for i in credit["inputs"]] == ["age", "income", "purpose", "owns_home"], "credit column inputs")
    index = client.get_model_repository_index()
    check(sorted((m["name"], m["state"]) for m in index) == [("credit", "READY"), ("digits-cnn", "READY")],
          "repository index")

    # Tensor inference: a batch of three answers as each image does alone.
    images = [image(seed) for seed in range(3)]
    result = infer_cnn(client, images, request_id="conformance-1")
    probabilities = result.as_numpy("probabilities")
    labels = result.as_numpy("label")
    indices = result.as_numpy("class_index")
    check(probabilities.shape == (3, 3), "probabilities have shape [3, 3]")
    check(np.allclose(probabilities.sum(axis=1), 1, rtol=1e-5) and (probabilities >= 0).all(),
          "probabilities are distributions")
    check(list(indices) == list(probabilities.argmax(axis=1)), "class_index is the arg-max")
    names = ["zero", "one", "two"]
    check([label.decode() if isinstance(label, bytes) else label for label in labels] ==
          [names[i] for i in indices], "labels name the arg-max class")
    check(result.get_response()["id"] == "conformance-1", "the request id is echoed")
    for row, single in enumerate(images):
        alone = infer_cnn(client, [single], outputs=("probabilities",)).as_numpy("probabilities")
        check(np.allclose(alone[0], probabilities[row], rtol=1e-5, atol=1e-7), f"row {row} answers as it does alone")

    # Tabular inference: one named input per column, BYTES and BOOL included.
    columns = [
        ("age", np.array([23, 67], dtype=np.float32), "FP32"),
        ("income", np.array([31, 88], dtype=np.float32), "FP32"),
        ("purpose", np.array(["business", "car"], dtype=np.object_), "BYTES"),
        ("owns_home", np.array([False, True]), "BOOL"),
    ]
    inputs = []
    for name, values, datatype in columns:
        tensor = httpclient.InferInput(name, list(values.shape), datatype)
        tensor.set_data_from_numpy(values, binary_data=False)
        inputs.append(tensor)
    outputs = [httpclient.InferRequestedOutput(n, binary_data=False) for n in ("probabilities", "label")]
    result = client.infer("credit", inputs, outputs=outputs)
    probabilities = result.as_numpy("probabilities")
    check(probabilities.shape == (2, 2) and np.allclose(probabilities.sum(axis=1), 1, rtol=1e-5),
          "credit answers two distributions")
    check(result.get_response()["model_version"] == "credit-1", "the answering version is reported")

    # The binary tensor data extension: the same requests with binary inputs and outputs give the same answers.
    json_result = infer_cnn(client, [image(5), image(6)], outputs=("probabilities", "label"))
    batch = np.stack([image(5), image(6)]).astype(np.float32)
    tensor = httpclient.InferInput("input", list(batch.shape), "FP32")
    tensor.set_data_from_numpy(batch, binary_data=True)
    requested = [httpclient.InferRequestedOutput(n, binary_data=True) for n in ("probabilities", "label")]
    binary_result = client.infer("digits-cnn", [tensor], outputs=requested)
    check(np.array_equal(binary_result.as_numpy("probabilities"), json_result.as_numpy("probabilities")),
          "binary FP32 input and output give the JSON answer bit for bit")
    def as_bytes(values):
        return [v if isinstance(v, bytes) else str(v).encode() for v in values]
    check(as_bytes(binary_result.as_numpy("label")) == as_bytes(json_result.as_numpy("label")),
          "binary BYTES output gives the JSON labels")
    binary_inputs = []
    for name, values, datatype in columns:
        tensor = httpclient.InferInput(name, list(values.shape), datatype)
        tensor.set_data_from_numpy(values, binary_data=True)
        binary_inputs.append(tensor)
    binary_credit = client.infer("credit", binary_inputs,
                                 outputs=[httpclient.InferRequestedOutput("probabilities", binary_data=True)])
    check(np.allclose(binary_credit.as_numpy("probabilities"), probabilities, rtol=1e-6),
          "binary BYTES and BOOL columns give the JSON answer")

    # Errors come back as InferenceServerException with the server's reason.
    bad = httpclient.InferInput("input", [1, 4, 4, 4], "FP32")
    bad.set_data_from_numpy(np.zeros((1, 4, 4, 4), dtype=np.float32), binary_data=False)
    try:
        client.infer("digits-cnn", [bad], outputs=[httpclient.InferRequestedOutput("label", binary_data=False)])
        check(False, "a wrong shape is rejected")
    except InferenceServerException as error:
        check("shape" in str(error.message()), f"a wrong shape is rejected: {error.message()}")
    try:
        client.get_model_metadata("no-such-model")
        check(False, "unknown model metadata is an error")
    except InferenceServerException as error:
        check("no-such-model" in str(error.message()), "unknown model metadata is an error")

    # Model repository: unload, then load again.
    client.unload_model("credit")
    check(not client.is_model_ready("credit"), "credit is not ready after unload")
    client.load_model("credit")
    check(client.is_model_ready("credit"), "credit is ready after load")
    print("all conformance checks passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"FAIL {failure}", file=sys.stderr)
        sys.exit(1)
