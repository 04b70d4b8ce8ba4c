"""Writes python_dtypes.safetensors with Python's safetensors package, and the values Lepton must read
from it into python_dtypes_expected.json.

Run: python3 make_python_files.py   (needs numpy and safetensors >= 0.8; writes next to this script)

Every float dtype's expected values are given as the bit patterns of the float32 that numpy's cast
produces (F64 rounded to nearest, F16/BF16 exact), so NaN, infinities and -0 compare exactly. Integer
dtypes also list their exact values as decimal strings (U64 does not fit in a JSON-safe integer).
"""
import json
import os

import numpy as np
import safetensors

HERE = os.path.dirname(os.path.abspath(__file__))

METADATA = {
    "writer": "python safetensors " + safetensors.__version__,
    "note": 'quote " backslash \\ newline \n tab \t e-acute \u00e9 check \u2713',
}

F16_BITS = [0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0xC000, 0x7BFF, 0x7C00, 0xFC00, 0x7E00, 0x3555]
BF16_BITS = [0x3F80, 0xC040, 0x0001, 0x7F7F, 0x7F80, 0x7FC0]

ARRAYS = {
    "f32": np.array([0.0, -0.0, 1.5, -2.25, 3.4028235e38, 1e-45, np.inf, np.nan], dtype=np.float32).reshape(2, 4),
    "f32.scalar": np.array(42.5, dtype=np.float32),
    "f32.empty": np.zeros((0, 3), dtype=np.float32),
    "f16": np.array(F16_BITS, dtype=np.uint16).view(np.float16).reshape(3, 4),
    "f64": np.array([0.1, -1e300, 1e-50, 3.141592653589793, 16777217.0]),
    "i64": np.array([-(2**63), 2**63 - 1, -1, 2**53 + 1], dtype=np.int64),
    "i32": np.array([[-(2**31), 2**31 - 1], [-7, 0]], dtype=np.int32),
    "i16": np.array([-32768, 32767, 5], dtype=np.int16),
    "i8": np.array([-128, 127, 0, -1], dtype=np.int8),
    "u8": np.array([[0, 255], [128, 7]], dtype=np.uint8),
    "u16": np.array([0, 65535], dtype=np.uint16),
    "u32": np.array([0, 2**32 - 1], dtype=np.uint32),
    "u64.small": np.array([5, 2**63 - 1], dtype=np.uint64),
    "u64.large": np.array([5, 2**64 - 1], dtype=np.uint64),
    "bool": np.array([True, False, True, True, False]),
}

DTYPE_NAMES = {
    "float32": "F32", "float16": "F16", "float64": "F64", "int64": "I64", "int32": "I32", "int16": "I16",
    "int8": "I8", "uint8": "U8", "uint16": "U16", "uint32": "U32", "uint64": "U64", "bool": "BOOL",
}


def float32_bits(values):
    return [int(b) for b in np.asarray(values).astype(np.float32).reshape(-1).view(np.uint32)]


def expected_entry(dtype, array, bits):
    entry = {"dtype": dtype, "shape": list(array.shape), "float32_bits": bits}
    if array.dtype.kind in "iub":
        entry["integers"] = [str(int(v)) for v in array.reshape(-1)]
    return entry


def spec(dtype_name, array):
    return safetensors.TensorSpec(dtype=dtype_name, shape=list(array.shape), data_ptr=array.ctypes.data,
                                  data_len=array.nbytes)


def main():
    # numpy has no bfloat16, so the file is written with the low-level writer that save_file uses,
    # which takes raw little-endian bytes and a dtype name.
    bf16 = np.array(BF16_BITS, dtype="<u2").reshape(2, 3)
    specs = {name: spec(a.dtype.name, a) for name, a in ARRAYS.items()}
    specs["bf16"] = spec("bfloat16", bf16)
    path = os.path.join(HERE, "python_dtypes.safetensors")
    safetensors.serialize_file(specs, path, metadata=METADATA)
    os.chmod(path, 0o644)

    with np.errstate(over="ignore"):  # -1e300 becomes -inf in float32, as intended
        expected = {name: expected_entry(DTYPE_NAMES[a.dtype.name], a, float32_bits(a)) for name, a in ARRAYS.items()}
    bf16_as_f32 = (bf16.astype(np.uint32) << 16).view(np.float32)
    expected["bf16"] = {"dtype": "BF16", "shape": [2, 3], "float32_bits": float32_bits(bf16_as_f32)}

    with open(os.path.join(HERE, "python_dtypes_expected.json"), "w") as f:
        json.dump({"metadata": METADATA, "tensors": expected}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
