#!/usr/bin/env python3
"""Check Vigil's PDQ output against the oracle written by make_corpus.py.

Usage: compare_pdq.py --corpus DIR --vigil PATH [--json-out FILE]

Runs `PATH hash --json --dihedral DIR` once over the whole corpus, then once
per hostile file in DIR/bad, and checks:

* every image in DIR/oracle.json: no error; format, width, height and the
  md5/sha1/sha256 digests equal; lossless files (PNG, GIF, BMP, lossless WebP)
  have the reference hash, quality and all 8 dihedral hashes bit for bit;
  lossy files (JPEG, lossy WebP) are within --max-lossy-distance bits for the
  hash and every dihedral hash (quality differences are only reported);
* every file in DIR/bad: a non-empty "error", a null "pdq";
* Vigil exits with status 1 when any input failed (0 otherwise) and never
  dies from a signal (negative status, or >= 128 from a shell wrapper).

Prints a summary table and exits 1 on any violation.  Also prints, for
information, how far the reference's own dihedral hashes are from hashing the
transformed pixels (the reference's tolerance for its DCT shortcut).
"""

import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

DIHEDRAL_NAMES = ("original", "rot90", "rot180", "rot270", "flipX", "flipY", "flipPlus1", "flipMinus1")
HEX64 = re.compile(r"[0-9a-f]{64}")
EXACT_FIELDS = ("format", "width", "height", "md5", "sha1", "sha256")
MANIFESTS = {"oracle.json", "bad.json"}  # may or may not be reported by Vigil; ignored
MAX_PRINTED_VIOLATIONS = 40
HOSTILE_TIMEOUT = 60  # seconds allowed for Vigil on one hostile file


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_hash(value) -> bool:
    return isinstance(value, str) and HEX64.fullmatch(value) is not None


def crashed(status: int) -> bool:
    """True if the process died from a signal (directly or via a shell)."""
    return status < 0 or status >= 128


def describe_status(status: int) -> str:
    return f"killed by signal {-status}" if status < 0 else f"exit status {status}"


class Vigil:
    """Runs the Vigil binary and parses its JSON-lines output."""

    def __init__(self, binary: str, corpus: Path):
        self.binary = binary
        self.corpus = corpus.resolve()

    def key(self, path: str) -> str:
        """Vigil's reported path, relative to the corpus, '/'-separated."""
        return Path(os.path.relpath(os.path.realpath(path), self.corpus)).as_posix()

    def run(self, target: Path, timeout: float):
        """Returns (status or None on timeout, {key: [records]}, problems, stderr text)."""
        cmd = [self.binary, "hash", "--json", "--dihedral", str(target)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, {}, [f"`{' '.join(cmd)}` timed out after {timeout:g} s"], ""
        except OSError as exc:
            sys.exit(f"cannot run {self.binary}: {exc}")

        records = collections.defaultdict(list)
        problems = []
        for number, line in enumerate(proc.stdout.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                problems.append(f"stdout line {number} is not JSON: {line[:120]!r}")
                continue
            if not isinstance(record, dict) or not isinstance(record.get("path"), str):
                problems.append(f"stdout line {number} has no string \"path\": {line[:120]!r}")
                continue
            records[self.key(record["path"])].append(record)
        return proc.returncode, records, problems, proc.stderr


def single(records: dict, key: str, violations: list, label: str = "") -> dict | None:
    """The one record Vigil printed for `key`, or None (recording why)."""
    found = records.get(key, [])
    if len(found) != 1:
        violations.append(f"{key}{label}: expected one output line, got {len(found)}")
        return None
    return found[0]


def check_image(entry: dict, record: dict, max_lossy: int, stats: dict) -> list[str]:
    """Compare one Vigil record with its oracle entry; update the group stats.

    Returns the problems found (empty if the record is acceptable).
    """
    s = stats[f"{entry['format']} {'lossless' if entry['lossless'] else 'lossy'}"]
    s["files"] += 1
    problems = check_record(entry, record, max_lossy, s)
    s["failed"] += bool(problems)
    return problems


def check_record(entry: dict, record: dict, max_lossy: int, s: dict) -> list[str]:
    if record.get("error") is not None:
        return [f"error {record['error']!r}"]
    problems = [f"{f} {record.get(f)!r} != {entry[f]!r}" for f in EXACT_FIELDS if record.get(f) != entry[f]]
    if record.get("sha256") != entry["sha256"]:
        return problems  # Vigil read different bytes: its hashes are meaningless
    dihedral = record.get("pdq_dihedral")
    if not is_hash(record.get("pdq")) or not isinstance(dihedral, list) or len(dihedral) != 8 \
            or not all(is_hash(h) for h in dihedral):
        return problems + ["pdq / pdq_dihedral missing or not 64 lowercase hex digits (8 of them)"]
    if not isinstance(record.get("quality"), int):
        return problems + [f"quality {record.get('quality')!r} is not an integer"]

    distance = hamming(record["pdq"], entry["pdq"])
    dihedral_distances = [hamming(a, b) for a, b in zip(dihedral, entry["pdq_dihedral"])]
    quality_diff = abs(record["quality"] - entry["quality"])
    s["exact"] += distance == 0
    s["all8_exact"] += distance == 0 and max(dihedral_distances) == 0
    s["max_distance"] = max(s["max_distance"], distance)
    s["max_dihedral"] = max(s["max_dihedral"], *dihedral_distances)
    s["max_quality_diff"] = max(s["max_quality_diff"], quality_diff)
    s["histogram"][distance] += 1
    s["dihedral_histogram"].update(dihedral_distances)

    limit = 0 if entry["lossless"] else max_lossy
    if distance > limit:
        problems.append(f"pdq {record['pdq']} is {distance} bits from {entry['pdq']}")
    off = [f"{DIHEDRAL_NAMES[i]}={d}" for i, d in enumerate(dihedral_distances) if d > limit]
    if off:
        problems.append("dihedral bits off: " + ", ".join(off))
    if entry["lossless"] and quality_diff:
        problems.append(f"quality {record['quality']} != {entry['quality']}")
    return problems


def check_hostile(key: str, record: dict | None, violations: list) -> str:
    """Check Vigil rejected a hostile file; return its error text for display."""
    if record is None:
        return "(no output)"
    error = record.get("error")
    if not isinstance(error, str) or not error.strip():
        violations.append(f"{key}: expected a non-empty error string, got {error!r}")
    if record.get("pdq") is not None:
        violations.append(f"{key}: expected null pdq, got {record.get('pdq')!r}")
    return error if isinstance(error, str) else repr(error)


def check_status(what: str, status: int | None, expected: int, violations: list) -> None:
    if status is None:
        return  # timed out; already reported
    if crashed(status):
        violations.append(f"{what}: Vigil crashed ({describe_status(status)})")
    elif status != expected:
        violations.append(f"{what}: expected exit status {expected}, got {status}")


def pixel_transform_distances(entries: list) -> list[dict]:
    """Reference dihedral hash vs pdqhash of the transformed pixels, per variant."""
    rows = []
    for i, name in enumerate(DIHEDRAL_NAMES):
        d = [hamming(e["pdq_dihedral"][i], e["pixel_transforms"][i]) for e in entries]
        rows.append({"variant": name, "exact": sum(x == 0 for x in d), "files": len(d),
                     "mean": round(statistics.fmean(d), 2) if d else 0.0,
                     "median": statistics.median(d) if d else 0, "max": max(d, default=0)})
    return rows


def table(headers: list[str], rows: list[list]) -> str:
    """Plain-text table; numeric columns right-aligned."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(re.fullmatch(r"-?[\d.]+%?", row[i]) for row in cells[1:]) for i in range(len(headers))]

    def line(row):
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths])] + [line(r) for r in cells[1:]])


def histogram_text(counter: collections.Counter) -> str:
    return " ".join(f"{d}:{n}" for d, n in sorted(counter.items())) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, type=Path, help="directory written by make_corpus.py")
    parser.add_argument("--vigil", required=True, help="path to the vigil binary")
    parser.add_argument("--json-out", type=Path, help="also write a JSON summary here")
    parser.add_argument("--max-lossy-distance", type=int, default=2,
                        help="allowed Hamming distance for lossy formats (default 2)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed for the whole-corpus run")
    args = parser.parse_args()

    entries = json.loads((args.corpus / "oracle.json").read_text())
    hostile = json.loads((args.corpus / "bad.json").read_text())
    vigil = Vigil(args.vigil, args.corpus)
    violations: list[str] = []

    # One run over the whole corpus.
    status, records, problems, stderr = vigil.run(args.corpus, args.timeout)
    violations += problems
    check_status("whole-corpus run", status, 1 if hostile else 0, violations)

    stats = collections.defaultdict(lambda: {
        "files": 0, "failed": 0, "exact": 0, "all8_exact": 0, "max_distance": 0, "max_dihedral": 0,
        "max_quality_diff": 0, "histogram": collections.Counter(), "dihedral_histogram": collections.Counter()})
    for entry in entries:
        record = single(records, entry["file"], violations)
        if record is not None:
            problems = check_image(entry, record, args.max_lossy_distance, stats)
            if problems:
                violations.append(f"{entry['file']}: " + "; ".join(problems))

    hostile_errors = {}
    for item in hostile:
        hostile_errors[item["file"]] = check_hostile(item["file"], single(records, item["file"], violations),
                                                     violations)
    known = {e["file"] for e in entries} | {b["file"] for b in hostile} | MANIFESTS
    violations += [f"{key}: unexpected output for a file not in the corpus" for key in records if key not in known]

    # One run per hostile file: each must fail cleanly on its own, too.
    for item in hostile:
        key = item["file"]
        status_one, records_one, problems, _ = vigil.run(args.corpus / key, HOSTILE_TIMEOUT)
        violations += [f"{key} (alone): {p}" for p in problems]
        check_status(f"{key} (alone)", status_one, 1, violations)
        check_hostile(f"{key} (alone)", single(records_one, key, violations, " (alone)"), violations)

    # ---- report
    groups = sorted(stats)
    print(f"Vigil: {args.vigil}    corpus: {args.corpus}    whole-corpus run: "
          f"{'timed out' if status is None else describe_status(status)}")
    if stderr.strip():
        lines = stderr.strip().splitlines()
        print(f"Vigil stderr ({len(lines)} lines), first lines:")
        print("\n".join("  " + text for text in lines[:5]))
    print()
    rows = []
    for g in groups:
        s = stats[g]
        pct = 100.0 * s["exact"] / s["files"] if s["files"] else 0.0
        rows.append([g, s["files"], s["failed"], s["exact"], f"{pct:.1f}%", s["all8_exact"],
                     s["max_distance"], s["max_dihedral"], s["max_quality_diff"]])
    print(table(["format", "files", "failed", "pdq exact", "exact %", "all 8 exact", "max dist",
                 "max dihedral", "max |dq|"], rows))
    print()
    for g in groups:
        if g.endswith("lossy"):
            print(f"{g}: pdq distance histogram {histogram_text(stats[g]['histogram'])}; "
                  f"dihedral {histogram_text(stats[g]['dihedral_histogram'])}")

    print("\nHostile files (whole-corpus run):")
    print(table(["file", "error"], [[k, v[:100]] for k, v in hostile_errors.items()]))

    transform_rows = pixel_transform_distances(entries)
    print("\nInformational: reference dihedral hash vs pdqhash of the transformed pixels")
    print(table(["variant", "exact", "files", "mean bits", "median bits", "max bits"],
                [[r["variant"], r["exact"], r["files"], r["mean"], r["median"], r["max"]] for r in transform_rows]))

    print()
    for v in violations[:MAX_PRINTED_VIOLATIONS]:
        print("VIOLATION", v)
    if len(violations) > MAX_PRINTED_VIOLATIONS:
        print(f"... and {len(violations) - MAX_PRINTED_VIOLATIONS} more violations")
    passed = not violations
    print(f"{'PASS' if passed else 'FAIL'}: {len(entries)} images, {len(hostile)} hostile files, "
          f"{len(violations)} violations")

    if args.json_out:
        summary = {
            "passed": passed,
            "vigil": args.vigil,
            "corpus": str(args.corpus),
            "whole_run_status": status,
            "max_lossy_distance": args.max_lossy_distance,
            "groups": {g: {**{k: v for k, v in stats[g].items() if "histogram" not in k},
                           "histogram": {str(d): n for d, n in sorted(stats[g]["histogram"].items())},
                           "dihedral_histogram": {str(d): n for d, n in
                                                  sorted(stats[g]["dihedral_histogram"].items())}}
                       for g in groups},
            "hostile_errors": hostile_errors,
            "pixel_transform_distance": transform_rows,
            "violations": violations,
        }
        args.json_out.write_text(json.dumps(summary, indent=1) + "\n")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
