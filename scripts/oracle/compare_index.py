#!/usr/bin/env python3
"""Conformance of Vigil's PDQ multi-index against FAISS (faiss-cpu): exact range search.

Usage: compare_index.py --vigil-bench BIN [--out DIR] [--size N] [--queries Q]

For a uniform and a clustered set of random 256-bit hashes (seeded, benign random data), and for
radii 0, 8, 16, 24, 31 and 40, every query's result set from `vigil-bench index --dump-hits` must
equal FAISS IndexBinaryFlat's range_search (exhaustive; its radius is strict, so r + 1). Half of the
queries are stored hashes with 0–40 flipped bits, half are random. Exits 1 on any difference.
"""

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Benchmarks"))
import index_bench  # noqa: E402  (shares the seeded set and query generators with the benchmark)
import faiss  # noqa: E402

RADII = (0, 8, 16, 24, 31, 40)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vigil-bench", required=True)
    parser.add_argument("--out", type=Path, default=Path(".build/index-conformance"))
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for kind in ("uniform", "clustered"):
        base = index_bench.dataset(args.out, kind, args.size)
        qpath = index_bench.queries(args.out, base, args.queries)
        data = np.fromfile(base, dtype=np.uint8).reshape(-1, 32)
        q = np.fromfile(qpath, dtype=np.uint8).reshape(-1, 32)
        flat = faiss.IndexBinaryFlat(256)
        flat.add(data)
        for radius in RADII:
            lims, _, ids = flat.range_search(q, radius + 1)
            want = [set(ids[lims[i]:lims[i + 1]].tolist()) for i in range(len(q))]
            out = subprocess.run([args.vigil_bench, "index", str(base), str(qpath), "--radius", str(radius),
                                  "--verify", "0", "--dump-hits", str(len(q))],
                                 capture_output=True, text=True, check=True).stdout.splitlines()[1:]
            got = [set(map(int, line.split())) for line in out]
            bad = [i for i in range(len(q)) if i >= len(got) or got[i] != want[i]]
            total = sum(len(w) for w in want)
            status = "OK" if not bad else f"{len(bad)} queries differ (first: {bad[0]})"
            print(f"compare_index: {kind} n={args.size} radius {radius}: {total} hits over {len(q)} queries — {status}")
            failures += len(bad)
    print(f"compare_index: {'all equal to FAISS flat' if failures == 0 else f'{failures} differing queries'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
