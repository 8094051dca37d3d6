#!/usr/bin/env python3
"""Time the Python reference PDQ pipeline on corpus files.

Usage: pdq_reference.py --corpus DIR [--repeat N] [--file REL ...]

Per file, in a single process: Pillow open + convert("RGB") + np.asarray
("decode"), then pdqhash.compute ("hash").  One untimed warm-up run per file,
then N timed runs; prints JSON with median/min milliseconds on stdout.

The default files are the two benchmark JPEGs written by
scripts/oracle/make_corpus.py (not present in a --quick corpus).
"""

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import PIL
import pdqhash
from PIL import Image

DEFAULT_FILES = ("images/photo_1024x1024.q85_420.jpg", "images/photo_4000x3000.q85_420.jpg")


def run_once(path: Path) -> tuple[float, float, np.ndarray, str]:
    """One pipeline run: (decode seconds, hash seconds, pixels, pdq hex)."""
    start = time.perf_counter()
    with Image.open(path) as img:
        pixels = np.asarray(img.convert("RGB"))
    decoded = time.perf_counter()
    bits, _ = pdqhash.compute(pixels)
    hashed = time.perf_counter()
    return decoded - start, hashed - decoded, pixels, np.packbits(bits).tobytes().hex()


def ms(seconds: list[float], fn) -> float:
    return round(fn(seconds) * 1000, 3)


def bench(corpus: Path, rel: str, repeat: int) -> dict:
    path = corpus / rel
    _, _, pixels, pdq = run_once(path)  # warm-up: page cache, library initialisation
    decode, hashing, total = [], [], []
    for _ in range(repeat):
        d, h, _, _ = run_once(path)
        decode.append(d)
        hashing.append(h)
        total.append(d + h)
    return {
        "file": rel,
        "bytes": path.stat().st_size,
        "width": pixels.shape[1],
        "height": pixels.shape[0],
        "pdq": pdq,
        "median_ms": ms(total, statistics.median),
        "min_ms": ms(total, min),
        "decode_median_ms": ms(decode, statistics.median),
        "hash_median_ms": ms(hashing, statistics.median),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, type=Path, help="directory written by make_corpus.py")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per file (default 7)")
    parser.add_argument("--file", action="append", dest="files", metavar="REL",
                        help="corpus-relative file to time (repeatable; default: the two benchmark JPEGs)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    files = args.files or list(DEFAULT_FILES)
    missing = [f for f in files if not (args.corpus / f).is_file()]
    if missing:
        sys.exit(f"not in {args.corpus}: {', '.join(missing)} (a --quick corpus lacks the big photos)")

    report = {
        "pipeline": "Pillow open + convert('RGB') + np.asarray + pdqhash.compute",
        "python": platform.python_version(),
        "pdqhash": pdqhash.__version__,
        "pillow": PIL.__version__,
        "numpy": np.__version__,
        "repeat": args.repeat,
        "results": [bench(args.corpus, f, args.repeat) for f in files],
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
