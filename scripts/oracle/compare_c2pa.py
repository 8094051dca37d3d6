#!/usr/bin/env python3
"""End-to-end check of `vigil inspect --json` against c2pa-rs's answers (c2pa.json from
make_c2pa_corpus.py): for every file and trust setting (no anchors, the test CA, an unrelated CA)
the C2PA state and failure-code set (and, where the reference lists ingredients, their title, format,
relationship, manifest label and recorded failure codes) must equal the reference's. Where c2pa-rs refuses a store it
cannot parse, Vigil must report it Invalid with a store_error.

Usage: compare_c2pa.py --corpus DIR --vigil PATH
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--vigil", required=True)
    args = ap.parse_args()
    oracle = json.loads((args.corpus / "c2pa.json").read_text())["files"]
    names = sorted(oracle)
    anchors = {"none": [], "ca": ["--trust-anchors", str(args.corpus / "pki/ca.pem")],
               "wrong": ["--trust-anchors", str(args.corpus / "pki/wrongca.pem")]}
    passed = failed = 0
    for key, extra in anchors.items():
        out = subprocess.run([args.vigil, "inspect", "--json", *extra, *[str(args.corpus / "files" / n) for n in names]],
                             capture_output=True, text=True)
        lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        if len(lines) != len(names):
            sys.exit(f"compare_c2pa: {len(lines)} lines for {len(names)} files ({key}): {out.stderr[-500:]}")
        for name, got in zip(names, lines):
            want = oracle[name][key]
            c2pa = got.get("c2pa") or {}
            if want["state"] == "error":
                ok = c2pa.get("state") == "Invalid" and c2pa.get("store_error") is not None
            else:
                ok = c2pa.get("state") == want["state"] and sorted(c2pa.get("failure_codes", [])) == want["failure_codes"]
                if "ingredients" in want:
                    # The active manifest's ingredients: title, format, relationship, their manifest, its failures.
                    active = (c2pa.get("manifests") or [{}])[-1]
                    got_ingredients = [{"title": i.get("title"), "format": i.get("format"),
                                        "relationship": i.get("relationship"), "active_manifest": i.get("manifest"),
                                        "failure_codes": sorted(i.get("failure_codes", []))}
                                       for i in active.get("ingredients", [])]
                    ok = ok and got_ingredients == want["ingredients"]
            if ok:
                passed += 1
            else:
                failed += 1
                print(f"MISMATCH {name} [{key}]: vigil {c2pa.get('state')} {c2pa.get('failure_codes')} "
                      f"reference {want['state']} {want['failure_codes']}", file=sys.stderr)
    print(f"c2pa: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
