#!/usr/bin/env python3
"""Checks that every target of Package.swift declares exactly the package targets its sources import, and that
the library targets follow the layering of Documentation/Architecture.md.

Usage: python3 .ci/check_target_imports.py [PACKAGE_DIR]

Reads the manifest through `swift package dump-package` (so the check sees what SwiftPM sees), collects the
`import` lines of every Swift and C file of each target, and fails when a target imports a package target it does
not declare, declares one it never imports, or a library target depends on a target its layer may not use.
"""

import json
import os
import re
import subprocess
import sys

# The layering: each library target and the package targets it may depend on (see Architecture.md).
ALLOWED = {
    "CLeptonKernels": set(),
    "LeptonSupport": set(),
    "LeptonKernels": {"CLeptonKernels", "LeptonSupport"},
    "LeptonTensor": {"LeptonKernels", "LeptonSupport"},
    "LeptonLayers": {"LeptonKernels", "LeptonTensor", "LeptonSupport"},
    "LeptonData": {"LeptonKernels", "LeptonTensor", "LeptonSupport"},
    "LeptonTrain": {"LeptonKernels", "LeptonTensor", "LeptonLayers", "LeptonData", "LeptonSupport"},
    "LeptonDeploy": {"CLeptonKernels", "LeptonKernels", "LeptonTensor", "LeptonLayers", "LeptonData",
                     "LeptonSupport"},
}

IMPORT = re.compile(
    r"^\s*(?:@testable\s+|@_exported\s+|@_implementationOnly\s+)?"
    r"(?:(?:public|package|internal|private|fileprivate)\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?"
    r"([A-Za-z_][A-Za-z0-9_]*)"
)
C_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([A-Za-z0-9_]+)\.h[>"]')


def target_directory(root, target):
    if target.get("path"):
        return os.path.join(root, target["path"])
    folder = "Tests" if target["type"] == "test" else "Sources"
    return os.path.join(root, folder, target["name"])


def imported_modules(directory, excluded):
    found = set()
    for base, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if os.path.join(base, d) not in excluded and not d.endswith(".docc")]
        for name in files:
            path = os.path.join(base, name)
            if name.endswith(".swift"):
                with open(path, encoding="utf-8") as handle:
                    for line in handle:
                        match = IMPORT.match(line)
                        if match:
                            found.add(match.group(1))
    return found


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    manifest = json.loads(subprocess.check_output(["swift", "package", "dump-package"], cwd=root))
    names = {target["name"] for target in manifest["targets"]}
    problems = []
    for target in manifest["targets"]:
        name = target["name"]
        if target["type"] == "system" or name.startswith("C"):
            continue
        directory = target_directory(root, target)
        excluded = {os.path.join(directory, item) for item in target.get("exclude", [])}
        imported = imported_modules(directory, excluded) & names
        declared = set()
        for dependency in target["dependencies"]:
            for kind in ("byName", "target"):
                if kind in dependency:
                    declared.add(dependency[kind][0])
        declared &= names
        for missing in sorted(imported - declared):
            problems.append(f"{name}: imports {missing} but does not declare it")
        for unused in sorted(declared - imported):
            problems.append(f"{name}: declares {unused} but never imports it")
        if name in ALLOWED:
            for forbidden in sorted(declared - ALLOWED[name]):
                problems.append(f"{name}: may not depend on {forbidden} (layering of Documentation/Architecture.md)")
    if problems:
        print("target dependencies do not match imports:")
        for problem in problems:
            print("  " + problem)
        sys.exit(1)
    print(f"{len(manifest['targets'])} targets: declared dependencies match imports and the layering")


if __name__ == "__main__":
    main()
