#!/usr/bin/env bash
# Runs a subset of the test suite under one sanitizer, in its own build directory (.build-KIND):
#   Tests/Sanitizers/run.sh address|undefined|thread [all]
# address: AddressSanitizer over the readers of untrusted bytes (safetensors, gzip, IDX, CSV, tables, bundles,
#   predictor requests, checkpoints) and the kernels with hand-written memory access (GEMM, convolution, pooling).
# undefined: UndefinedBehaviorSanitizer on the C kernels of CLeptonKernels (swiftc has no -sanitize=undefined on
#   Linux, and Swift traps on its own overflow and bounds errors), in trap mode so no runtime library is needed: any
#   undefined behaviour is an illegal instruction that fails the run. Over the kernel and quantization tests.
# thread: ThreadSanitizer over the concurrency tests (batcher, registry, router and rollout, prediction log, model
#   service, inference executor, thread pool). Reports inside `Synchronization.Mutex` are false positives on Linux
#   (README.md, MutexTSanReproducer.swift).
# `all` runs the whole suite under the sanitizer instead of the CI subset (before a release; see
# Documentation/Reliability.md for the recorded times).
# Any sanitizer report fails the run.
set -euo pipefail
kind="${1:?usage: run.sh address|undefined|thread [all]}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
case "$kind" in
address)
    # CraftedBundleTests (10 000 mutated bundles, about 4 minutes under ASan) runs only before a release (`all`).
    filter='SafeTensors|Gzip|IDX|CSVReader|TableMissingValue|TableOperation|ModelBundleTests|PredictorTests|CheckpointValidation|GEMMTests|ConvolutionTests|PoolingTests'
    build=(--sanitize=address)
    export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
    ;;
undefined)
    filter='LeptonKernelsTests|QuantizationTests'
    build=(-Xcc -fsanitize=undefined -Xcc -fsanitize-trap=undefined)
    ;;
thread)
    filter='DynamicBatcherTests|BatcherStressTests|ModelRegistryTests|TrafficRouterTests|RolloutSafetyTests|PredictionLogTests|ModelServiceTests|InferenceExecutorTests|PredictorServingTests|ThreadPoolTests'
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
    build=(--sanitize=thread)
    ;;
*)
    echo "unknown sanitizer $kind (known: address, undefined, thread)" >&2
    exit 2
    ;;
esac
scratch=".build-$kind"
swift build --build-tests "${build[@]}" --scratch-path "$scratch"
if [[ "${2:-}" == all ]]; then
    swift test --skip-build "${build[@]}" --scratch-path "$scratch"
else
    swift test --skip-build "${build[@]}" --scratch-path "$scratch" --filter "$filter"
fi
