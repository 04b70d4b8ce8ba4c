#!/usr/bin/env python3
"""Checks the compiled GEMM tile loops and direct convolutions: their inner loop must use packed FMA (the int8
convolutions: `vpdpbusd`, or `vpmaddubsw` on AVX2) on the intended registers and must not spill vector registers to
the stack (a spill there halves the speed). Reloading a scalar (a pointer or
a stride) from the stack is tolerated: the load ports have room for it.

    python3 .ci/check_tile_assembly.py .build/release
"""

import glob
import os
import re
import subprocess
import sys

# function name -> register class its FMAs must use
TILES = {
    "lepton_sgemm_tile_avx512_12x32": "zmm",
    "lepton_sgemm_tile_avx512_12x32_rows": "zmm",
    "lepton_sgemm_rows_avx512": "zmm",
    "lepton_sgemm_tile_avx2_6x16": "ymm",
    "lepton_sgemm_tile_avx2_6x16_rows": "ymm",
    "lepton_sgemm_rows_avx2": "ymm",
    "lepton_conv_small_channels_avx512": "zmm",
    "lepton_conv_small_channels_avx2": "ymm",
    "lepton_int8_conv_avx512vnni": "zmm",
    "lepton_int8_conv_avx2": "ymm",
}

# function name -> the product instruction of its inner loop (vfmadd unless named here)
PRODUCTS = {
    "lepton_int8_conv_avx512vnni": "vpdpbusd",
    "lepton_int8_conv_avx2": "vpmaddubsw",
}


def disassemble(build_dir, function):
    objects = glob.glob(os.path.join(build_dir, "CLeptonKernels.build", "*.o"))
    for path in objects:
        text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path], capture_output=True, text=True,
                              check=True).stdout
        match = re.search(rf"<{function}>:\n(.*?)(?:\n\n|\Z)", text, re.S)
        if match:
            lines = []
            for line in match.group(1).splitlines():
                parts = line.strip().split(":", 1)
                if len(parts) == 2:
                    lines.append((int(parts[0], 16), parts[1].strip()))
            return lines
    return None


def inner_loop(lines, product="vfmadd"):
    """The instructions of the first backward branch's body that contains `product` instructions."""
    for address, instruction in lines:
        branch = re.match(r"j\w+\s+([0-9a-f]+)", instruction)
        if branch:
            target = int(branch.group(1), 16)
            if target < address:
                body = [ins for addr, ins in lines if target <= addr <= address]
                if any(ins.startswith(product) for ins in body):
                    return body
    return None


def main():
    build_dir = sys.argv[1] if len(sys.argv) > 1 else ".build/release"
    failures = []
    for function, register in TILES.items():
        lines = disassemble(build_dir, function)
        if lines is None:
            failures.append(f"{function}: not found in the objects under {build_dir}")
            continue
        product = PRODUCTS.get(function, "vfmadd")
        body = inner_loop(lines, product)
        if body is None:
            failures.append(f"{function}: no loop with {product} instructions")
            continue
        fmas = [ins for ins in body if ins.startswith(product)]
        wrong = [ins for ins in fmas if f"%{register}" not in ins]
        spills = [ins for ins in body if ("(%rsp)" in ins or "(%rbp)" in ins) and ("mm" in ins)]
        print(f"{function}: inner loop {len(body)} instructions, {len(fmas)} {product} on {register}, "
              f"{len(spills)} vector spills")
        if not fmas or wrong:
            failures.append(f"{function}: {product} not on {register}: {wrong[:3]}")
        if spills:
            failures.append(f"{function}: vector register spills in the inner loop: {spills[:3]}")
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
