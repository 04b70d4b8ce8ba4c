#!/usr/bin/env bash
# Conformance of lepton-serve with the Open Inference Protocol, checked by a client no one here wrote:
# builds lepton-serve, starts it on an ephemeral loopback port with the example bundles, runs
# conformance_test.py (tritonclient[http]) against it, then stops it with SIGTERM and checks it exits cleanly.
# Needs: pip install 'tritonclient[http]' numpy
set -euo pipefail
PACKAGE_DIR="$(cd "$(dirname "$0")/.." && pwd)"
cd "$PACKAGE_DIR"
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c "import tritonclient.http, numpy" || {
    echo "run_conformance.sh: install the client first: pip install 'tritonclient[http]' numpy" >&2
    exit 2
}
# The same flags as the CI build (tests included), so that its products are reused rather than rebuilt.
SWIFT_BUILD_FLAGS="${SWIFT_BUILD_FLAGS:--Xswiftc -warnings-as-errors}"
# shellcheck disable=SC2086
swift build --build-tests $SWIFT_BUILD_FLAGS  # --build-tests: the same (testable) products the test step built
# shellcheck disable=SC2086
BIN="$(swift build --show-bin-path $SWIFT_BUILD_FLAGS)/lepton-serve"
WORK="$(mktemp -d)"
touch "$WORK/stdout.log" "$WORK/stderr.log"
"$BIN" --write-examples "$WORK/models" --port 0 --max-batch-size 16 >"$WORK/stdout.log" 2>"$WORK/stderr.log" &
PID=$!
cleanup() {
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
PORT=""
for _ in $(seq 1 600); do
    PORT="$(sed -n 's/^lepton-serve listening on http:\/\/[^:]*:\([0-9]*\)$/\1/p' "$WORK/stdout.log")"
    [ -n "$PORT" ] && break
    if ! kill -0 "$PID" 2>/dev/null; then
        cat "$WORK/stdout.log" "$WORK/stderr.log" >&2
        echo "run_conformance.sh: lepton-serve exited before listening" >&2
        exit 1
    fi
    sleep 0.1
done
[ -n "$PORT" ] || { echo "run_conformance.sh: lepton-serve did not start within 60 s" >&2; exit 1; }
echo "lepton-serve (pid $PID) on port $PORT"
"$PYTHON" "$PACKAGE_DIR/Scripts/conformance_test.py" --url "127.0.0.1:$PORT"
kill -TERM "$PID"
STATUS=0
wait "$PID" || STATUS=$?
trap 'rm -rf "$WORK"' EXIT
if [ "$STATUS" -ne 0 ]; then
    cat "$WORK/stderr.log" >&2
    echo "run_conformance.sh: lepton-serve exited with status $STATUS after SIGTERM" >&2
    exit 1
fi
grep -q "models drained; exiting" "$WORK/stderr.log" || {
    echo "run_conformance.sh: no graceful shutdown in the log" >&2
    exit 1
}
echo "conformance: OK (graceful exit after SIGTERM)"
