#!/usr/bin/env python3
"""Triage throughput: `vigil scan` against a reference pipeline in the same run.

  triage_bench.py generate --out DIR --count N      benign JPEG/PNG files of 1–12 MP (seeded)
  triage_bench.py run --dir DIR --vigil PATH        both pipelines, Markdown to stdout

The reference is what a Python triage script does: multiprocessing with --processes workers
(default 2), each reading a file, hashing it with hashlib (MD5, SHA-1, SHA-256), decoding it
with Pillow and computing PDQ with pdqhash. Vigil runs `vigil scan --jobs 2` into a fresh case
(no banks: matching costs microseconds per file), exact and --fast. Files are read once before
timing so both pipelines find them in the page cache.
"""

import argparse
import hashlib
import io
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageDraw, ImageFilter

SIZES_MP = [1, 2, 3, 4, 6, 8, 10, 12]


def make_one(job):
    out, k, seed = job
    rng = np.random.default_rng([seed, k])
    mp = SIZES_MP[k % len(SIZES_MP)] * 1_000_000
    aspect = [4 / 3, 3 / 2, 1.0, 16 / 9][k % 4]
    w = int((mp * aspect) ** 0.5)
    h = mp // w
    coarse = rng.integers(0, 256, size=(h // 64 + 2, w // 64 + 2, 3), dtype=np.uint8)
    img = Image.fromarray(coarse).resize((w, h), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(img)
    for _ in range(20):
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, h, 2))
        draw.ellipse((x0, y0, x1, y1), outline=tuple(int(c) for c in rng.integers(0, 256, 3)), width=int(rng.integers(2, 30)))
    grain = rng.integers(-12, 13, size=(h, w, 1), dtype=np.int16)
    arr = np.clip(np.asarray(img, dtype=np.int16) + grain, 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    if k % 3 == 2:
        path = Path(out) / f"img{k:06d}.png"
        img.save(path, "PNG", compress_level=1)
    else:
        path = Path(out) / f"img{k:06d}.jpg"
        img.save(path, "JPEG", quality=int(85 + k % 11))
    return path.stat().st_size


def reference_one(path):
    data = Path(path).read_bytes()
    digests = (hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest())
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    bits, quality = pdqhash.compute(rgb)
    return len(data), digests, int(quality)


def generate(args):
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(str(out), k, args.seed) for k in range(args.count) if not any((out / f"img{k:06d}.{e}").exists() for e in ("jpg", "png"))]
    with multiprocessing.Pool(args.processes) as pool:
        for n, _ in enumerate(pool.imap_unordered(make_one, jobs, chunksize=2)):
            if n % 100 == 0:
                print(f"generate: {n}/{len(jobs)}", file=sys.stderr)


def run(args):
    files = sorted(str(p) for p in Path(args.dir).iterdir() if p.suffix in (".jpg", ".png"))
    total = sum(os.path.getsize(f) for f in files)
    pixels = 0
    for f in files:  # warm the page cache for both pipelines
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass
    rows = []
    start = time.perf_counter()
    with multiprocessing.Pool(args.processes) as pool:
        results = list(pool.imap_unordered(reference_one, files, chunksize=4))
    ref = time.perf_counter() - start
    assert len(results) == len(files)
    rows.append((f"reference: Pillow + pdqhash + hashlib, multiprocessing × {args.processes}", ref))
    for label, extra in (("vigil scan --jobs 2", []), ("vigil scan --jobs 2 --fast", ["--fast"])):
        data = tempfile.mkdtemp(prefix="vigil-triage-bench-")
        try:
            start = time.perf_counter()
            subprocess.run([args.vigil, "scan", "--data", data, "--case", "bench", "--jobs", "2", *extra, args.dir],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rows.append((label, time.perf_counter() - start))
        finally:
            shutil.rmtree(data, ignore_errors=True)
    print(f"{len(files)} files (JPEG and PNG, 1–12 MP), {total / 1e6:.0f} MB, 2 cores\n")
    print("| pipeline | seconds | files/s | MB/s | vs reference |")
    print("|---|---:|---:|---:|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} | {len(files) / seconds:.1f} | {total / 1e6 / seconds:.1f} | {ref / seconds:.2f}× |")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--out", required=True)
    g.add_argument("--count", type=int, default=20000)
    g.add_argument("--seed", type=int, default=8)
    g.add_argument("--processes", type=int, default=2)
    r = sub.add_parser("run")
    r.add_argument("--dir", required=True)
    r.add_argument("--vigil", required=True)
    r.add_argument("--processes", type=int, default=2)
    args = ap.parse_args()
    generate(args) if args.command == "generate" else run(args)


if __name__ == "__main__":
    main()
