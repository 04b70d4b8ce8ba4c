#!/usr/bin/env bash
# Proves what `import Lepton` exposes to a package consumer: the user-facing API compiles, while the kernels
# (package-level plumbing) and the command-line tool's types do not. Type-checks small programs against the
# modules of a finished debug build, as code outside the package sees them (no -package-name).
#   .ci/check_umbrella_exports.sh [BUILD_DIR]   (default .build/debug)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-.build/debug}"
modules="$build/Modules"
[ -d "$modules" ] || modules="$build"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
flags=(-typecheck -swift-version 6 -I "$modules" -I Sources/CLeptonKernels/include)
for map in "$build"/CLeptonKernels.build/module.modulemap; do
    [ -f "$map" ] && flags+=(-Xcc "-fmodule-map-file=$map")
done

cat > "$scratch/visible.swift" <<'SWIFT'
import Lepton
let product = matmul(Tensor([1, 2, 3, 4], shape: [2, 2]), Tensor([1, 0, 0, 1], shape: [2, 2]))
ComputeThreads.count = 1
let model = Sequential(inputShape: [2]) { Dense(units: 1) }
SWIFT
swiftc "${flags[@]}" "$scratch/visible.swift"
echo "import Lepton: tensors, layers and ComputeThreads are visible"

failures=0
for symbol in "ThreadPool.shared" "sgemm" "Elementwise.self" "LeptonCommandLine.self" "CommandConsole.self" \
    "CapturedConsole.self"; do
    printf 'import Lepton\nlet hidden: Any = %s\n' "$symbol" > "$scratch/hidden.swift"
    if swiftc "${flags[@]}" "$scratch/hidden.swift" > "$scratch/log" 2>&1; then
        echo "import Lepton exposes $symbol, which should stay inside the package"
        failures=$((failures + 1))
    elif ! grep -q "cannot find\|is inaccessible\|has no member\|package" "$scratch/log"; then
        echo "checking $symbol failed for another reason:"
        cat "$scratch/log"
        failures=$((failures + 1))
    fi
done
[ "$failures" -eq 0 ] || exit 1
echo "import Lepton: the kernels and the command-line tool's types are not visible"
