#!/usr/bin/env python3
"""`vigil watermark --json` end to end against the reference's answers in the watermark corpus.

Usage: compare_watermark.py --corpus DIR --vigil BIN

Runs the CLI once over every corpus image plus a file that is not an image and a missing path,
for both methods, and checks: one JSON line per input in input order; bits identical to the
reference's for lengths 32, 48 and 136; a JSON error line for each bad input and for the image
the reference refuses as too small; exit status 1 (some inputs failed) without stopping the batch.
Prints a summary line; exits non-zero on any difference.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

LENGTHS = ("32", "48", "136")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--vigil", required=True)
    args = parser.parse_args()
    entries = json.loads((args.corpus / "watermark.json").read_text())
    problems: list[str] = []
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        not_image = Path(tmp) / "not-an-image.png"
        not_image.write_bytes(b"plain text, not a PNG")
        missing = Path(tmp) / "missing.png"
        paths = [str(args.corpus / e["file"]) for e in entries] + [str(not_image), str(missing)]
        for method in ("dwtDct", "dwtDctSvd"):
            command = [args.vigil, "watermark", "--json", "--method", method, "--jobs", "2"]
            command += [a for n in LENGTHS for a in ("--length", n)] + paths
            run = subprocess.run(command, capture_output=True, text=True)
            lines = [json.loads(line) for line in run.stdout.splitlines()]
            if run.returncode != 1:
                problems.append(f"{method}: exit status {run.returncode}, expected 1 (bad inputs present)")
            if [r["path"] for r in lines] != paths:
                problems.append(f"{method}: output lines do not follow the input order ({len(lines)} of {len(paths)})")
                continue
            for entry, record in zip(entries, lines):
                expected = entry[method]
                if "error" in expected:
                    if not record["error"]:
                        problems.append(f"{entry['file']} {method}: reference refuses it, vigil did not")
                    continue
                bits = {str(b["length"]): b["bits"] for b in record["bits"] or []}
                for n in LENGTHS:
                    checked += 1
                    if bits.get(n) != expected["bits"][n]:
                        problems.append(f"{entry['file']} {method}: {n}-bit decode differs from the reference")
            for record in lines[-2:]:
                if not record["error"] or record["bits"] is not None:
                    problems.append(f"{record['path']}: expected an error line")
    for problem in problems[:20]:
        print("MISMATCH", problem, file=sys.stderr)
    print(f"{'FAIL' if problems else 'PASS'}: vigil watermark CLI, {len(entries)} files x 2 methods x "
          f"{len(LENGTHS)} lengths ({checked} decodes), {len(problems)} differences; bad inputs reported")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
