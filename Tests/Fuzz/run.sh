#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for SECONDS seconds.
#   Tests/Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
# Targets: gzip (the gzip/DEFLATE inflater of LeptonData), csv (the CSV reader), idx (the IDX/MNIST reader),
# safetensors (the byte-level safetensors reader of LeptonTensor).
# The target's sources are compiled with the harness into one module with -sanitize=fuzzer,address; findings are
# written to .build/fuzz/TARGET/artifacts, new inputs to .build/fuzz/TARGET/corpus (the committed seeds in
# Tests/Fuzz/TARGET/corpus are read, never written).
set -euo pipefail
target="${1:?usage: run.sh TARGET SECONDS}"
seconds="${2:?usage: run.sh TARGET SECONDS}"
shift 2
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/.build/fuzz/$target"
mkdir -p "$work/support" "$work/corpus" "$work/artifacts"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -package-name Lepton)
case "$target" in
gzip)
    swiftc "${flags[@]}" -module-name LeptonSupport -emit-module -emit-module-path "$work/support/LeptonSupport.swiftmodule" \
        -emit-library -static -o "$work/support/libLeptonSupport.a" "$root"/Sources/LeptonSupport/Checksums/*.swift
    swiftc "${flags[@]}" -module-name GzipFuzz -I "$work/support" -L "$work/support" -lLeptonSupport \
        -o "$work/fuzz" "$root"/Sources/LeptonData/Compression/*.swift "$root/Tests/Fuzz/gzip/GzipFuzzTarget.swift"
    ;;
idx)
    swiftc "${flags[@]}" -module-name LeptonSupport -emit-module -emit-module-path "$work/support/LeptonSupport.swiftmodule" \
        -emit-library -static -o "$work/support/libLeptonSupport.a" "$root"/Sources/LeptonSupport/Checksums/*.swift
    swiftc "${flags[@]}" -module-name IDXFuzz -I "$work/support" -L "$work/support" -lLeptonSupport \
        -o "$work/fuzz" "$root"/Sources/LeptonData/Compression/*.swift "$root"/Sources/LeptonData/IDX/IDXArray.swift \
        "$root"/Sources/LeptonData/IDX/IDXDataType.swift "$root"/Sources/LeptonData/IDX/IDXError.swift \
        "$root/Tests/Fuzz/idx/IDXFuzzTarget.swift"
    ;;
safetensors)
    sources=()
    for file in "$root"/Sources/LeptonTensor/SafeTensors/*.swift; do
        [[ "$file" == */TensorSafeTensors.swift ]] || sources+=("$file")  # the Tensor conversions need the kernels
    done
    swiftc "${flags[@]}" -module-name SafeTensorsFuzz -o "$work/fuzz" "${sources[@]}" \
        "$root/Tests/Fuzz/safetensors/SafeTensorsFuzzTarget.swift"
    ;;
csv)
    swiftc "${flags[@]}" -module-name CSVFuzz -o "$work/fuzz" "$root"/Sources/LeptonData/CSV/*.swift \
        "$root/Tests/Fuzz/csv/CSVFuzzTarget.swift"
    ;;
*)
    echo "unknown target $target (known: gzip, csv, idx, safetensors)" >&2
    exit 2
    ;;
esac
"$work/fuzz" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" \
    "$work/corpus" "$root/Tests/Fuzz/$target/corpus"
