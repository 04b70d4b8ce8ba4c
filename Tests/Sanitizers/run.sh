#!/usr/bin/env bash
# Runs a subset of the test suite under a sanitizer, in its own build directory:
#   Tests/Sanitizers/run.sh address|undefined|thread [all]
# address: AddressSanitizer over the readers of untrusted bytes (safetensors, gzip, IDX, CSV, tables, bundles,
#   predictor requests, checkpoints) and the kernels with hand-written memory access (GEMM, convolution, pooling).
#   The same build also compiles the C kernels of CLeptonKernels with UndefinedBehaviorSanitizer in trap mode.
# undefined: UndefinedBehaviorSanitizer on the C kernels of CLeptonKernels (swiftc has no -sanitize=undefined on
#   Linux, and Swift traps on its own overflow and bounds errors), in trap mode so no runtime library is needed: any
#   undefined behaviour is an illegal instruction that fails the run. Over the kernel and quantization tests. Uses
#   the AddressSanitizer build (.build-address), so after `run.sh address` it builds nothing new.
# thread: ThreadSanitizer over the concurrency tests (batcher, registry, router and rollout, prediction log, model
#   service, inference executor, thread pool). The library locks with `PthreadMutex`, which TSan understands; see
#   README.md for `Synchronization.Mutex`, which it does not.
# Any sanitizer report fails the run: the sanitizer stops the process (halt_on_error / abort_on_error) and the output
# is searched for reports as well.
#
# The CI subset builds only the test targets it runs (`swift build --target`, one per test target, which also
# skips the executables and the other test targets) and links them with a two-line swift-testing entry point into
# one test runner, as `swift test` would; `all` builds and runs the whole suite with `swift test` instead (before a
# release; see Documentation/Reliability.md for the recorded times).
set -euo pipefail
kind="${1:?usage: run.sh address|undefined|thread [all]}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
case "$kind" in
address | undefined)
    scratch=.build-address
    build=(--sanitize=address -Xcc -fsanitize=undefined -Xcc -fsanitize-trap=undefined)
    link=(-sanitize=address)
    tests=(LeptonKernelsTests LeptonTensorTests LeptonDataTests LeptonTrainTests LeptonDeployTests)
    report='ERROR: AddressSanitizer'
    export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
    if [[ "$kind" == address ]]; then
        # CraftedBundleTests (10 000 mutated bundles, about 4 minutes under ASan) runs only before a release (`all`).
        filter='SafeTensors|Gzip|IDX|CSVReader|TableMissingValue|TableOperation|ModelBundleTests|PredictorTests|CheckpointValidation|GEMMTests|ConvolutionTests|PoolingTests'
    else
        filter='LeptonKernelsTests|QuantizationTests'
    fi
    ;;
thread)
    scratch=.build-thread
    build=(--sanitize=thread)
    link=(-sanitize=thread)
    tests=(LeptonKernelsTests LeptonDeployTests)
    report='WARNING: ThreadSanitizer'
    filter='DynamicBatcherTests|BatcherStressTests|ModelRegistryTests|TrafficRouterTests|RolloutSafetyTests|PredictionLogTests|ModelServiceTests|InferenceExecutorTests|PredictorServingTests|ThreadPoolTests'
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
    ;;
*)
    echo "unknown sanitizer $kind (known: address, undefined, thread)" >&2
    exit 2
    ;;
esac
log="$scratch/sanitizer-$kind.log"
mkdir -p "$scratch"

if [[ "${2:-}" == all ]]; then
    swift build --build-tests "${build[@]}" --scratch-path "$scratch"
    swift test --skip-build "${build[@]}" --scratch-path "$scratch" 2>&1 | tee "$log"
else
    for target in "${tests[@]}"; do
        swift build "${build[@]}" --scratch-path "$scratch" --target "$target"
    done
    # The runner: every library module's objects, the chosen test targets' objects and swift-testing's entry point
    # (the one SwiftPM's generated runner calls; it reads --filter like `swift test`). A Swift module's objects are
    # taken from the build's output file map, so an object left behind by a deleted source file is not linked.
    products="$scratch/debug"
    mapfile -t objects < <(python3 - "$products" CLeptonKernels LeptonSupport LeptonKernels LeptonTensor LeptonLayers \
        LeptonData LeptonTrain LeptonDeploy LeptonCommandLine LeptonTestSupport "${tests[@]}" <<'PYTHON'
import glob, json, os, sys
products = sys.argv[1]
for module in sys.argv[2:]:
    folder = os.path.join(products, module + ".build")
    output_map = os.path.join(folder, "output-file-map.json")
    if os.path.exists(output_map):
        with open(output_map) as handle:
            entries = json.load(handle)
        for source, outputs in sorted(entries.items()):
            if source and os.path.exists(outputs.get("object", "")):
                print(outputs["object"])
    else:  # a C target
        for path in sorted(glob.glob(os.path.join(folder, "*.o"))):
            print(path)
PYTHON
    )
    runner="$scratch/sanitizer-runner"
    mkdir -p "$runner"
    printf 'import Testing\n\nawait Testing.__swiftPMEntryPoint() as Never\n' >"$runner/main.swift"
    swiftc "${link[@]}" -g -module-name SanitizerRunner -o "$runner/tests" "$runner/main.swift" "${objects[@]}"
    "$runner/tests" --filter "$filter" 2>&1 | tee "$log"
fi
if grep -q "$report" "$log"; then
    echo "FAIL: $(grep -c "$report" "$log") sanitizer report(s) in $log" >&2
    exit 1
fi
