#!/usr/bin/env python3
"""PDQ matching benchmark: Vigil's exact multi-index against FAISS, in the same run, one thread.

Usage: index_bench.py --vigil-bench BIN [--sizes 1000000,10000000] [--queries 2000] [--out DIR]

Datasets (seeded, written once as raw 32-byte hashes):
  uniform   — random 256-bit hashes;
  clustered — hashes scattered around 5,000 random centres, each at a per-hash flip density of
              1/8…1/128 (≈32…2 bits), like real lists where an image circulates in many encodings.
Queries: half are stored hashes with 0–40 random bit flips, half are random (the common case of an
upload that matches nothing). Radius 31 (distance ≤ 31; FAISS's range_search radius 32 is strict).

FAISS configurations: IndexBinaryFlat (exact scan), IndexBinaryMultiHash 16 tables × 16 bits with
nflip 1 (HMA's setting, exact), and 11 tables × 23 bits with nflip 2 (the best exact setting measured
here). Recall of every index is checked against FAISS flat on the same queries. Prints Markdown.
"""

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
import faiss  # noqa: E402

faiss.omp_set_num_threads(1)
RADIUS = 31


def dataset(out: Path, kind: str, n: int) -> Path:
    path = out / f"{kind}-{n}.bin"
    if path.exists():
        return path
    rng = np.random.default_rng(1 if kind == "uniform" else 2)
    if kind == "uniform":
        data = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    else:
        centres = rng.integers(0, 256, (5000, 32), dtype=np.uint8)
        data = np.empty((n, 32), dtype=np.uint8)
        step = 1_000_000
        for start in range(0, n, step):
            m = min(step, n - start)
            mask = rng.integers(0, 256, (m, 32), dtype=np.uint8)
            depth = rng.integers(3, 8, m)  # AND of 3..7 random words: density 1/8 .. 1/128
            for d in range(1, 7):
                more = depth > d
                mask[more] &= rng.integers(0, 256, (int(more.sum()), 32), dtype=np.uint8)
            data[start:start + m] = centres[rng.integers(0, 5000, m)] ^ mask
    data.tofile(path)
    return path


def queries(out: Path, base: Path, count: int) -> Path:
    path = out / f"queries-{base.stem}-{count}.bin"
    if path.exists():
        return path
    rng = np.random.default_rng(3)
    stored = np.fromfile(base, dtype=np.uint8).reshape(-1, 32)
    q = rng.integers(0, 256, (count, 32), dtype=np.uint8)
    half = count // 2
    bits = np.unpackbits(stored[rng.integers(0, len(stored), half)], axis=1)
    for i in range(half):
        bits[i, rng.choice(256, size=int(rng.integers(0, 41)), replace=False)] ^= 1
    q[:half] = np.packbits(bits, axis=1)
    q.tofile(path)
    return path


def faiss_run(index, data: np.ndarray, q: np.ndarray) -> dict:
    t = time.perf_counter()
    index.add(data)
    build = time.perf_counter() - t
    t = time.perf_counter()
    lims, _, ids = index.range_search(q, RADIUS + 1)
    seconds = time.perf_counter() - t
    size = faiss.serialize_index_binary(index).nbytes
    hits = [set(ids[lims[i]:lims[i + 1]].tolist()) for i in range(len(q))]
    return {"qps": len(q) / seconds, "build_s": build, "bytes_per_hash": size / len(data), "hits": hits}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vigil-bench", required=True)
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--faiss-queries", type=int, default=200, help="queries given to the slow FAISS indexes")
    parser.add_argument("--out", type=Path, default=Path(".build/index-bench"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    print("| set | n | index | queries/s (1 thread) | vs FAISS flat | vs HMA multi-hash | vs best FAISS exact | p50 / p99 µs | bytes/hash | × raw | build s | recall vs flat |")
    print("|" + "---|" * 12)
    snapshots = []
    for n in map(int, args.sizes.split(",")):
        for kind in ("uniform", "clustered"):
            base = dataset(args.out, kind, n)
            qpath = queries(args.out, base, args.queries)
            data = np.fromfile(base, dtype=np.uint8).reshape(-1, 32)
            q_all = np.fromfile(qpath, dtype=np.uint8).reshape(-1, 32)
            q_small = q_all[:args.faiss_queries]

            flat = faiss_run(faiss.IndexBinaryFlat(256), data, q_small)
            hma = faiss.IndexBinaryMultiHash(256, 16, 16)
            hma.nflip = 1
            hma = faiss_run(hma, data, q_small)
            best = faiss.IndexBinaryMultiHash(256, 11, 23)
            best.nflip = 2
            best = faiss_run(best, data, q_small)
            del data

            out = subprocess.run([args.vigil_bench, "index", str(base), str(qpath), "--radius", str(RADIUS),
                                  "--verify", "0", "--passes", "3", "--dump-hits", str(args.faiss_queries)],
                                 capture_output=True, text=True, check=True).stdout
            vigil = json.loads(out.splitlines()[0])
            vigil_hits = [set(map(int, line.split())) if line.strip() else set() for line in out.splitlines()[1:]]

            def recall(hits):
                want = sum(len(h) for h in flat["hits"])
                got = sum(len(a & b) for a, b in zip(hits, flat["hits"]))
                extra = sum(len(a - b) for a, b in zip(hits, flat["hits"]))
                return f"{got}/{want}" + (f" (+{extra} wrong)" if extra else "")

            def row(name, qps, lat, bph, build, hits):
                print(f"| {kind} | {n:,} | {name} | {qps:,.0f} | {qps / flat['qps']:.0f}× | {qps / hma['qps']:.0f}× | "
                      f"{qps / best['qps']:.1f}× | {lat} | {bph:.0f} | {bph / 32:.2f} | {build:.2f} | {recall(hits)} |")

            row("FAISS IndexBinaryFlat", flat["qps"], "", flat["bytes_per_hash"], flat["build_s"], flat["hits"])
            row("FAISS MultiHash 16×16, nflip 1 (HMA)", hma["qps"], "", hma["bytes_per_hash"], hma["build_s"], hma["hits"])
            row("FAISS MultiHash 11×23, nflip 2", best["qps"], "", best["bytes_per_hash"], best["build_s"], best["hits"])
            row("**Vigil PDQMultiIndex**", vigil["qps"], f"{vigil['p50_us']:.0f} / {vigil['p99_us']:.0f}",
                vigil["bytes_per_hash"], vigil["build_ms"] / 1000, vigil_hits)
            snapshots.append(f"{kind} {n:,}: snapshot {vigil['snapshot_bytes'] / 1e6:.0f} MB, loads in "
                             f"{vigil['snapshot_load_ms'] / 1000:.2f} s ({vigil['snapshot_load_ms'] / (n / 1e6):.0f} ms per million)")
    print()
    for line in snapshots:
        print(f"- {line}")


if __name__ == "__main__":
    main()
