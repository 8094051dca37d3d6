#!/usr/bin/env python3
"""Check Vigil's vPDQ against the vpdq reference's answers written by make_video_corpus.py.

Usage: compare_vpdq.py --corpus DIR --vigil PATH

Runs `PATH hash --json DIR/videos` and checks, for every video in
DIR/oracle.json: no error; the same frames selected (frame numbers, and
timestamps to 3 decimals); every frame's hash within the reference's own
regression tolerance (distance < 31 where both qualities are >= 50); and
counts the bit-exact frames.  Also runs `--vpdq-out` per video and compares the
text with the reference's format line by line (frame, quality, timestamp
exactly; the hash within the same tolerance), and runs every file in DIR/bad
expecting a clear error and exit status 1, never a crash.  Prints a summary
with the bit-exact percentage and exits 1 on any violation.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

TOLERANCE = 31  # vpdq's regression test: distance < 31 for frames of quality >= 50
QUALITY = 50
TIMEOUT = 120


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def run(vigil: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([vigil, "hash", *args], capture_output=True, text=True, timeout=TIMEOUT)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--vigil", required=True)
    args = ap.parse_args()
    oracle = json.loads((args.corpus / "oracle.json").read_text())
    violations: list[str] = []
    frames = exact = 0

    proc = run(args.vigil, "--json", str(args.corpus / "videos"))
    if proc.returncode < 0 or proc.returncode >= 128:
        violations.append(f"vigil crashed on the video corpus (status {proc.returncode})")
    records = {Path(r["path"]).name: r for r in map(json.loads, proc.stdout.splitlines())}
    for name, expected in sorted(oracle.items()):
        record = records.get(name)
        if record is None or record.get("error"):
            violations.append(f"{name}: no result ({record and record.get('error')})")
            continue
        got, want = record.get("vpdq") or [], expected["vpdq"]
        if [f["frame"] for f in got] != [f["frame"] for f in want]:
            violations.append(f"{name}: frames {[f['frame'] for f in got]} != reference {[f['frame'] for f in want]}")
            continue
        for g, w in zip(got, want):
            frames += 1
            distance = hamming(g["pdq"], w["pdq"])
            exact += distance == 0 and g["quality"] == w["quality"]
            if f"{g['timestamp']:.3f}" != f"{w['timestamp']:.3f}":
                violations.append(f"{name} frame {w['frame']}: timestamp {g['timestamp']} != {w['timestamp']:.3f}")
            if g["quality"] >= QUALITY and w["quality"] >= QUALITY and distance >= TOLERANCE:
                violations.append(f"{name} frame {w['frame']}: distance {distance} >= {TOLERANCE}")
        # The reference's own text format, through --vpdq-out.
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "vpdq.txt"
            p = run(args.vigil, "--vpdq-out", str(out), str(args.corpus / "videos" / name))
            text = out.read_text() if out.exists() else ""
        for i, (g, w) in enumerate(zip(text.splitlines(), expected["text"].splitlines())):
            gf, wf = g.split(","), w.split(",")
            if len(gf) != 4 or gf[0] != wf[0] or gf[3] != wf[3] or hamming(gf[2], wf[2]) >= TOLERANCE:
                violations.append(f"{name}: --vpdq-out line {i + 1} differs from the reference's format")
        if len(text.splitlines()) != len(expected["text"].splitlines()) or p.returncode != 0:
            violations.append(f"{name}: --vpdq-out wrote {len(text.splitlines())} lines (status {p.returncode})")

    bad = sorted((args.corpus / "bad").iterdir())
    for path in bad:
        p = run(args.vigil, "--json", str(path))
        if p.returncode != 1:
            violations.append(f"bad/{path.name}: exit status {p.returncode}, expected 1")
            continue
        record = json.loads(p.stdout.splitlines()[0])
        if not record.get("error") or record.get("vpdq"):
            violations.append(f"bad/{path.name}: no clear error")

    percent = 100 * exact / frames if frames else 0
    print(f"vpdq conformance: {len(oracle)} videos, {frames} frames, {exact} bit-exact ({percent:.1f}%), "
          f"{len(bad)} hostile files rejected cleanly" if not violations else "", file=sys.stderr)
    for v in violations[:40]:
        print(f"  VIOLATION {v}", file=sys.stderr)
    print(f"vpdq conformance: {len(violations)} violations", file=sys.stderr)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
