#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for SECONDS seconds.
#   Tests/Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
# Targets: gzip (the gzip/DEFLATE inflater of LeptonData), csv (the CSV reader), idx (the IDX/MNIST reader),
# safetensors (the byte-level safetensors reader of LeptonTensor), and, linked against the whole library stack,
# table-csv (Table(csvText:) with type inference), bundle (the model bundle reader, checksum resealed on request),
# request (predictor request decoding) and model-json (the architecture decoder of model files and bundles).
# The first four compile the target's sources with the harness into one module with -sanitize=fuzzer,address. The
# stack targets link against the library modules built once by SwiftPM in .build/fuzz/stack (release, fuzzer coverage,
# AddressSanitizer, -enable-testing so that a harness can reach internal helpers such as the bundle checksum).
# Findings are written to .build/fuzz/TARGET/artifacts, new inputs to .build/fuzz/TARGET/corpus (the committed seeds
# in Tests/Fuzz/TARGET/corpus are read, never written); Tests/Fuzz/TARGET/TARGET.dict is used when present.
# FUZZ_BUILD_ONLY=1 builds and stops; FUZZ_SKIP_BUILD=1 runs the binary built before (run_all.sh builds every target
# first, then fuzzes two at a time).
set -euo pipefail
target="${1:?usage: run.sh TARGET SECONDS}"
seconds="${2:?usage: run.sh TARGET SECONDS}"
shift 2
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/.build/fuzz/$target"
mkdir -p "$work/support" "$work/corpus" "$work/artifacts"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -package-name Lepton)

# Builds the library modules with fuzzer coverage and AddressSanitizer and links the harness $1 against them.
link_stack() {
    local stack="$root/.build/fuzz/stack"
    swift build --package-path "$root" --scratch-path "$stack" -c release --target LeptonDeploy \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xcc -fsanitize=address >&2
    local products="$stack/release"
    local objects=()
    for module in CLeptonKernels LeptonSupport LeptonKernels LeptonTensor LeptonLayers LeptonData LeptonDeploy; do
        objects+=("$products/$module.build"/*.o)
    done
    swiftc "${flags[@]}" -module-name "$(basename "$1" .swift)" -I "$products/Modules" \
        -Xcc -fmodule-map-file="$products/CLeptonKernels.build/module.modulemap" -Xcc -I"$root/Sources/CLeptonKernels/include" \
        -o "$work/fuzz" "$1" "${objects[@]}"
}
build_target() {
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
    # Sources/LeptonData/CSV is the dialect layer alone (no thread pool, nothing from Table): it compiles by itself.
    swiftc "${flags[@]}" -module-name CSVFuzz -o "$work/fuzz" "$root"/Sources/LeptonData/CSV/*.swift \
        "$root/Tests/Fuzz/csv/CSVFuzzTarget.swift"
    ;;
table-csv)
    link_stack "$root/Tests/Fuzz/table-csv/TableCSVFuzzTarget.swift"
    ;;
bundle)
    link_stack "$root/Tests/Fuzz/bundle/BundleFuzzTarget.swift"
    ;;
request)
    link_stack "$root/Tests/Fuzz/request/RequestFuzzTarget.swift"
    ;;
model-json)
    link_stack "$root/Tests/Fuzz/model-json/ModelJSONFuzzTarget.swift"
    ;;
*)
    echo "unknown target $target (known: gzip, csv, idx, safetensors, table-csv, bundle, request, model-json)" >&2
    exit 2
    ;;
esac
}
[[ -n "${FUZZ_SKIP_BUILD:-}" ]] || build_target
[[ -z "${FUZZ_BUILD_ONLY:-}" ]] || exit 0
[[ -x "$work/fuzz" ]] || { echo "no fuzz binary for $target: build it first (without FUZZ_SKIP_BUILD)" >&2; exit 2; }
[[ "$target" != request ]] || export LEPTON_FUZZ_MODELS="$root/Tests/Fuzz/request/models"
dictionary=()
[[ -f "$root/Tests/Fuzz/$target/$target.dict" ]] && dictionary=(-dict="$root/Tests/Fuzz/$target/$target.dict")
"$work/fuzz" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dictionary[@]}" "$@" \
    "$work/corpus" "$root/Tests/Fuzz/$target/corpus"
