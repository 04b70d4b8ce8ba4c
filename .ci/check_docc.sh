#!/usr/bin/env bash
# Builds each user-facing module's DocC catalog against its symbol graph with warnings as errors, so a
# broken symbol link, a missing page or a stale topic fails CI. Needs a finished debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package dump-symbol-graph --minimum-access-level public >/dev/null
graphs=$(find .build -type d -name symbolgraph -path '*x86_64*' -o -type d -name symbolgraph -path '*aarch64*' | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for module in Lepton LeptonTensor LeptonLayers LeptonData LeptonTrain LeptonDeploy; do
    mkdir -p "$work/$module"
    cp "$graphs/$module.symbols.json" "$work/$module/"
    find "$graphs" -name "$module@*.symbols.json" -exec cp {} "$work/$module/" \;
    docc convert "Sources/$module/$module.docc" --additional-symbol-graph-dir "$work/$module" \
        --output-path "$work/$module.doccarchive" --warnings-as-errors >"$work/$module.log" 2>&1 || {
        cat "$work/$module.log"
        echo "DocC: $module's documentation has warnings (above)" >&2
        exit 1
    }
    echo "DocC: $module builds without warnings"
done
