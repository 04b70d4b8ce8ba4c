#!/usr/bin/env bash
# Behaviour of lepton-serve under load (Python standard library only):
#   sigterm   — SIGTERM during a 64-connection load: every request the server accepted gets a complete response,
#               and the process exits 0;
#   malformed — 10,000 requests, 5% malformed: each malformed one gets a 4xx with a reason, all others 200.
set -euo pipefail
PACKAGE_DIR="$(cd "$(dirname "$0")/.." && pwd)"
cd "$PACKAGE_DIR"
PYTHON="${PYTHON:-python3}"
SWIFT_BUILD_FLAGS="${SWIFT_BUILD_FLAGS:--Xswiftc -warnings-as-errors}"
# shellcheck disable=SC2086
swift build --build-tests $SWIFT_BUILD_FLAGS
# shellcheck disable=SC2086
BIN="$(swift build --show-bin-path $SWIFT_BUILD_FLAGS)/lepton-serve"
"$PYTHON" Scripts/load_checks.py sigterm --binary "$BIN" --connections 64 --seconds 3
"$PYTHON" Scripts/load_checks.py malformed --binary "$BIN" --requests 10000
