#!/usr/bin/env python3
"""End-to-end check of `vigil scan` and `vigil report` on the corpus of make_triage_corpus.py.

Usage: check_triage.py --corpus DIR --vigil PATH [--work DIR] [--artifacts DIR] [--chromium PATH]

1. Imports the corpus's banks (VICS MD5 list, reference PDQ list), scans the corpus
   uninterrupted, and checks the JSON report against DIR/expected.json: counts by outcome
   exactly as constructed, every planted match found and nothing else matched, digests and
   (for lossless PNGs) PDQ equal to hashlib/pdqhash, exact-duplicate groups equal to the
   SHA-256 groups, near-duplicate clusters equal to union-find over the reference PDQ hashes.
2. VICS JSON v2.0: the report is imported as a bank (`vigil banks import --format vics`) and
   exported again; the MD5/SHA1 pairs equal the case's.
3. Resume: a second case is scanned with three SIGKILLs at random points, then run to the end;
   its items and matches equal the uninterrupted case's.
4. HTML: every preview is greyscale and blurred (its high-frequency energy, mean |Laplacian|, is
   below 0.9 of a plain downscale of the same image, and below 0.3 on average); headless Chromium renders the page to a screenshot.
"""

import argparse
import collections
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
from PIL import Image

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print("FAIL:", message, file=sys.stderr)


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return result


def dist(a, b):
    return (int(a, 16) ^ int(b, 16)).bit_count()


def expected_clusters(items, threshold, floor):
    hashed = [(p, r["pdq"]) for p, r in items.items() if r["pdq"] and r["quality"] >= floor]
    parent = list(range(len(hashed)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    bits = np.array([np.frombuffer(bytes.fromhex(h), dtype=np.uint8) for _, h in hashed])
    for a in range(len(hashed)):
        d = np.unpackbits(np.bitwise_xor(bits[a + 1 :], bits[a]), axis=1).sum(axis=1)
        for b in np.nonzero(d <= threshold)[0]:
            parent[find(a)] = find(a + 1 + int(b))
    groups = collections.defaultdict(set)
    for k, (p, _) in enumerate(hashed):
        groups[find(k)].add(p)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def case_rows(db):
    con = sqlite3.connect(db)
    items = con.execute(
        "SELECT path, container, size, mtime, format, width, height, md5, sha1, sha256, pdq, quality, outcome, "
        "error, error_code, signals FROM item ORDER BY path").fetchall()
    matches = con.execute(
        "SELECT i.path, m.bank, m.entry, m.kind, m.distance, m.negative, m.suppressed, m.label, m.category "
        "FROM item_match m JOIN item i ON i.id = m.item_id ORDER BY 1, 2, 3, 4").fetchall()
    con.close()
    return items, matches


class Previews(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and a.get("class") == "pv":
            self.found.append((a["data-path"], a["src"]))


def source_bytes(path):
    parts = path.split("!/")
    data = Path(parts[0]).read_bytes()
    for inner in parts[1:]:
        data = zipfile.ZipFile(io.BytesIO(data)).read(inner)
    return data


def hf_energy(grey):
    g = grey.astype(np.float64)
    lap = 4 * g[1:-1, 1:-1] - g[:-2, 1:-1] - g[2:, 1:-1] - g[1:-1, :-2] - g[1:-1, 2:]
    return float(np.mean(np.abs(lap)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--work", default=None)
    ap.add_argument("--artifacts", default=".ci/artifacts")
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    ap.add_argument("--jobs", default="2")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    root = Path(args.corpus).resolve()
    expected = json.loads((root / "expected.json").read_text())
    items = expected["items"]
    vigil = str(Path(args.vigil).resolve())
    work = Path(args.work or root / "work").resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data = str(work / "data")
    corpus = expected["corpus"]

    run([vigil, "banks", "import", "--data", data, "--create", "--bank", "known-md5", "--category", "3",
         "--format", "vics", str(root / "banks/known-md5.vics.json")])
    run([vigil, "banks", "import", "--data", data, "--create", "--bank", "known-pdq", "--format", "text",
         str(root / "banks/known-pdq.txt")])

    # 1. Uninterrupted scan, checked against construction and the reference.
    start = time.monotonic()
    banks = ["--bank", "known-md5", "--bank", "known-pdq"]
    run([vigil, "scan", "--data", data, "--case", "full", "--jobs", args.jobs, *banks, corpus])
    full_seconds = time.monotonic() - start
    report = work / "full.json"
    run([vigil, "report", "--data", data, "--case", "full", "--format", "json", "--output", str(report)])
    r = json.loads(report.read_text())
    got = {it["path"]: it for it in r["items"]}
    want_counts = collections.Counter(v["outcome"] for v in items.values())
    want_counts["archive"] = len(expected["archives"])
    check(r["summary"] == {k: want_counts.get(k, 0) for k in r["summary"]}, f"outcome counts {r['summary']} != {dict(want_counts)}")
    expected_paths = set(items) | set(expected["archives"])
    check(set(got) == expected_paths, f"items differ: {len(set(got) - expected_paths)} unexpected, {len(expected_paths - set(got))} missing")
    for path, want in items.items():
        it = got.get(path)
        if it is None:
            continue
        check(it["outcome"] == want["outcome"], f"{path}: outcome {it['outcome']}, expected {want['outcome']}")
        for key in ("md5", "sha1", "sha256"):
            if want[key] is not None:
                check(it[key] == want[key], f"{path}: {key} differs from hashlib")
        if want["pdq"] and path.endswith(".png") and it["pdq"]:
            check(it["pdq"] == want["pdq"], f"{path}: PDQ differs from pdqhash on a lossless file")
    planted = {p for p, v in items.items() if v["outcome"] == "match"}
    found = {p for p, it in got.items() if it["outcome"] == "match"}
    check(planted == found, f"matches: {len(planted - found)} planted not found, {len(found - planted)} unexpected")
    sha_groups = collections.defaultdict(set)
    for p, v in items.items():
        if v["sha256"]:
            sha_groups[v["sha256"]].add(p)
    want_dups = {frozenset(g) for g in sha_groups.values() if len(g) > 1}
    got_dups = {frozenset(g) for g in r["exact_duplicates"]}
    check(want_dups == got_dups, f"exact duplicate groups: {len(got_dups)} found, {len(want_dups)} expected")
    want_clusters = expected_clusters(items, expected["threshold"], expected["quality_floor"])
    got_clusters = {frozenset(c["members"]) for c in r["clusters"]}
    check(want_clusters == got_clusters, f"clusters: {len(got_clusters)} found, {len(want_clusters)} expected")
    for c in r["clusters"]:
        rep = got[c["representative"]]
        best = max(((got[m]["quality"] or 0), (got[m]["width"] or 0) * (got[m]["height"] or 0), got[m]["size"]) for m in c["members"])
        check(((rep["quality"] or 0), (rep["width"] or 0) * (rep["height"] or 0), rep["size"]) == best,
              f"cluster of {c['representative']}: representative is not the best member")
    print(f"triage: {len(got)} items, counts {r['summary']}, {len(found)} matches, {len(got_dups)} duplicate groups, "
          f"{len(got_clusters)} clusters; uninterrupted scan {full_seconds:.1f} s", file=sys.stderr)

    # 2. VICS JSON v2.0 round trip through the importer.
    vics = work / "case.vics.json"
    run([vigil, "report", "--data", data, "--case", "full", "--format", "vics", "--output", str(vics)])
    doc = json.loads(vics.read_text())
    check(doc["@odata.context"].endswith("2.0.xml/US/$metadata#Media"), "VICS export is not v2.0")
    run([vigil, "banks", "import", "--data", data, "--create", "--bank", "roundtrip", "--format", "vics", str(vics)])
    back = work / "back.vics.json"
    out = run([vigil, "banks", "export", "--data", data, "--bank", "roundtrip", "--format", "vics"]).stdout
    back_doc = json.loads(out)
    pairs = {(m["MD5"].lower(), m["SHA1"].lower()) for m in back_doc["value"]}
    want_pairs = {(it["md5"], it["sha1"]) for it in r["items"] if it["md5"] and it["outcome"] != "archive"}
    check(pairs == want_pairs, f"VICS round trip: {len(pairs)} MD5/SHA1 pairs back, {len(want_pairs)} in the case")
    check(len(doc["value"]) == len([it for it in r["items"] if it["md5"] and it["outcome"] != "archive"]),
          "VICS export has not one Media per hashed item")

    # 3. Resume after three SIGKILLs at random points.
    rng = random.Random(args.seed)
    cmd = [vigil, "scan", "--data", data, "--case", "resumed", "--jobs", args.jobs, *banks, corpus]
    for k in range(3):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.15, 0.45) * full_seconds
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        done = sqlite3.connect(f"{data}/cases/resumed.sqlite").execute("SELECT count(*) FROM item").fetchone()[0]
        print(f"triage: resume: killed after {delay:.1f} s with {done} items recorded", file=sys.stderr)
    run(cmd)
    a, b = case_rows(f"{data}/cases/full.sqlite"), case_rows(f"{data}/cases/resumed.sqlite")
    check(a[0] == b[0], f"resumed case items differ from the uninterrupted run's ({len(b[0])} vs {len(a[0])})")
    check(a[1] == b[1], "resumed case matches differ from the uninterrupted run's")
    runs = sqlite3.connect(f"{data}/cases/resumed.sqlite").execute("SELECT count(*) FROM run").fetchone()[0]
    check(runs == 4, f"resumed case has {runs} runs recorded, expected 4")

    # 4. HTML previews blurred and greyscale; Chromium renders the page.
    html = work / "report.html"
    run([vigil, "report", "--data", data, "--case", "full", "--format", "html", "--output", str(html)])
    text = html.read_text()
    for marker in ('id="custody"', "known-md5 v1", "known-pdq v1", "<svg", 'id="clusters"', 'id="errors"'):
        check(marker in text, f"HTML report lacks {marker}")
    parser = Previews()
    parser.feed(text)
    check(len(parser.found) > 0, "HTML report has no previews")
    ratios = []
    for path, src in parser.found:
        check(src.startswith("data:image/bmp;base64,"), f"{path}: preview is not an embedded BMP")
        preview = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        rgb = np.asarray(preview.convert("RGB")).astype(int)
        check(np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2]), f"{path}: preview not greyscale")
        grey = np.asarray(preview.convert("L"))
        plain = np.asarray(Image.open(io.BytesIO(source_bytes(path))).convert("L").resize(preview.size, Image.Resampling.BOX))
        check(max(preview.size) <= 96, f"{path}: preview larger than 96 px")
        ratio = hf_energy(grey) / max(hf_energy(plain), 1e-9)
        ratios.append(ratio)
        check(ratio < 0.9, f"{path}: preview not blurred (high-frequency energy {ratio:.2f} of a plain rendering)")
    check(not ratios or np.mean(ratios) < 0.3, "previews not blurred: mean high-frequency energy over 0.3 of plain renderings")
    if ratios:
        print(f"triage: {len(ratios)} previews, high-frequency energy vs plain: max {max(ratios):.3f}, mean {np.mean(ratios):.3f}", file=sys.stderr)
    if args.chromium:
        artifacts = Path(args.artifacts).resolve()
        artifacts.mkdir(parents=True, exist_ok=True)
        shot = artifacts / "triage-report.png"
        shot.unlink(missing_ok=True)
        subprocess.run(
            [args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--screenshot={shot}",
             "--window-size=1280,2400", f"file://{html}"], capture_output=True, timeout=120)
        check(shot.exists(), "Chromium produced no screenshot")
        if shot.exists():
            page = np.asarray(Image.open(shot).convert("L"))
            check(page.std() > 5, "screenshot is blank")
            print(f"triage: screenshot {shot} ({page.shape[1]}x{page.shape[0]})", file=sys.stderr)
    else:
        check(False, "chromium not found (scripts/bootstrap installs it)")

    if failures:
        print(f"triage: {len(failures)} failures", file=sys.stderr)
        sys.exit(1)
    print("triage: all checks passed", file=sys.stderr)


if __name__ == "__main__":
    main()
