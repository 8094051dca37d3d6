#!/usr/bin/env python3
"""PDQ benchmark: Vigil against the reference pipeline (Pillow + pdqhash), in the same run.

Usage: pdq_bench.py --corpus DIR --vigil-bench BIN --vigil BIN [--repeat N] [--rounds R]

The two sides are timed alternately, R rounds of N runs each, and each side keeps its best
median, so a burst of noise on this shared 2-core machine hurts both sides alike. Also measures
`--fast` drift from exact mode on a varied set of benign photos (scikit-image's samples, resized
to common camera sizes and saved as JPEG). Prints Markdown for BENCHMARKS.md.
"""

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image
import skimage.data

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pdq_reference  # noqa: E402

FILES = pdq_reference.DEFAULT_FILES
DRIFT_SOURCES = ["astronaut", "camera", "coffee", "chelsea", "rocket", "coins", "page", "moon",
                 "hubble_deep_field", "immunohistochemistry", "retina", "cat", "logo", "text",
                 "brick", "grass", "gravel"]
DRIFT_SIZES = [(1024, 768), (1600, 1200), (2048, 1536), (4000, 3000), (3000, 4000), (1280, 720)]


def make_drift_set(out: Path) -> list[Path]:
    """Deterministic varied JPEG set: each sample photo at two camera sizes."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for n, name in enumerate(DRIFT_SOURCES):
        image = Image.fromarray(getattr(skimage.data, name)()).convert("RGB")
        for w, h in (DRIFT_SIZES * 2)[n % len(DRIFT_SIZES):n % len(DRIFT_SIZES) + 2]:
            path = out / f"{name}_{w}x{h}.jpg"
            if not path.exists():
                image.resize((w, h), Image.LANCZOS).save(path, quality=88)
            files.append(path)
    return files


def vigil_hashes(vigil: str, files: list[Path], fast: bool) -> dict[str, tuple[int, int]]:
    args = [vigil, "hash", "--json"] + (["--fast"] if fast else []) + [str(f) for f in files]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return {r["path"]: (int(r["pdq"], 16), r["quality"]) for r in map(json.loads, out.splitlines())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--vigil-bench", required=True)
    parser.add_argument("--vigil", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    best_ref: dict[str, dict] = {}
    best_vigil: dict[str, dict] = {}
    for _ in range(args.rounds):
        for rel in FILES:
            r = pdq_reference.bench(args.corpus, rel, args.repeat)
            if rel not in best_ref or r["median_ms"] < best_ref[rel]["median_ms"]:
                best_ref[rel] = r
        out = subprocess.run([args.vigil_bench, "pdq", "--repeat", str(args.repeat)] + [str(args.corpus / f) for f in FILES],
                             capture_output=True, text=True, check=True).stdout
        for line, rel in zip(out.splitlines(), FILES):
            v = json.loads(line)
            prev = best_vigil.get(rel)
            best_vigil[rel] = v if prev is None else {k: (min(prev[k], v[k]) if k.endswith("_ms") else v[k]) for k in v}

    print("| file | reference decode+hash ms | Vigil decode ms | Vigil PDQ ms | Vigil exact (decode+PDQ) | ratio | "
          "Vigil exact end to end (read+digests+decode+PDQ) | ratio | Vigil fast (decode+PDQ) | ratio | fast end to end | ratio | fast scale | fast drift bits |")
    print("|" + "---|" * 15)
    for rel in FILES:
        r, v = best_ref[rel], best_vigil[rel]
        ref = r["median_ms"]
        core = v["decode_ms"] + v["pdq_ms"]
        print(f"| {Path(rel).name} ({r['width']}×{r['height']}) | {ref:.1f} | {v['decode_ms']:.1f} | {v['pdq_ms']:.1f} | "
              f"{core:.1f} | **{ref / core:.1f}×** | {v['exact_ms']:.1f} | **{ref / v['exact_ms']:.1f}×** | "
              f"{v['fast_core_ms']:.1f} | **{ref / v['fast_core_ms']:.1f}×** | {v['fast_ms']:.1f} | **{ref / v['fast_ms']:.1f}×** | "
              f"1/{v['fast_scale']} | {v['fast_drift_bits']} |")

    drift_files = make_drift_set(args.corpus.parent / "drift-set")
    exact = vigil_hashes(args.vigil, drift_files, fast=False)
    fast = vigil_hashes(args.vigil, drift_files, fast=True)
    drifts = [bin(exact[p][0] ^ fast[p][0]).count("1") for p in exact]
    print()
    print(f"Fast-mode drift on {len(drifts)} varied JPEGs (17 scikit-image photos at 1024×768…4000×3000): "
          f"mean **{statistics.mean(drifts):.2f}** bits, median {statistics.median(drifts)}, "
          f"max {max(drifts)}; {sum(d <= 31 for d in drifts)}/{len(drifts)} within the match threshold (31).")


if __name__ == "__main__":
    main()
