#!/usr/bin/env python3
"""`vigil inspect --json` against c2pa-python's Reader on one signed 12 MP JPEG, same run.

Usage: c2pa_bench.py --out DIR --vigil PATH [--runs N]

Makes a benign 4000x3000 JPEG (gradient + seeded noise), signs it with c2pa-python using a
throw-away CA made by make_c2pa_corpus.py's helpers, checks both tools call it Trusted, then times
N runs of each: c2pa-python as `Reader(...)` + `.json()` in-process (the reference's library
cost, no interpreter start) and Vigil as the whole `vigil inspect --json --trust-anchors` process
(which also decodes the image for the watermark detector) and as `vigil inspect --no-watermarks`
(declared provenance only, no pixel decoding), and with --provenance-bench the
VigilProvenance library in-process on the same file (read + validate). Prints Markdown.
"""

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts/oracle"))
import c2pa  # noqa: E402

import make_c2pa_corpus as corpus  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--build", default="release", help="which build --vigil is, for the table")
    ap.add_argument("--provenance-bench", help="vigil-provenance-bench: VigilProvenance in-process, same file")
    args = ap.parse_args()
    out = args.out.resolve()
    if out.exists():
        import shutil
        shutil.rmtree(out)
    pki = out / "pki"
    corpus.make_pki(pki)
    rng = np.random.default_rng(12)
    y, x = np.mgrid[0:3000, 0:4000]
    img = np.stack([(x // 16) % 256, (y // 12) % 256, ((x + y) // 28) % 256], axis=-1).astype(np.int16)
    img += rng.integers(-12, 12, size=img.shape, dtype=np.int16)
    buf = io.BytesIO()
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(buf, format="JPEG", quality=90)
    signed = corpus.sign(buf.getvalue(), "image/jpeg", "es256", pki, "trainedAlgorithmicMedia", 2)
    path = out / "signed-12mp.jpg"
    path.write_bytes(signed)
    anchors = (pki / "ca.pem").read_text()
    settings = {"verify": {"verify_trust": True}, "trust": {"user_anchors": anchors}}

    def reference():
        ctx = c2pa.Context.from_dict(settings)
        with open(path, "rb") as f:
            reader = c2pa.Reader("image/jpeg", f, context=ctx)
            reader.json()
            return reader.get_validation_state()

    # The reference as a whole process too (interpreter start, import, read), to set beside
    # `vigil inspect`, which also pays its process start.
    script = ("import c2pa, json, sys; ctx = c2pa.Context.from_dict(json.loads(sys.argv[2])); "
              "f = open(sys.argv[1], 'rb'); r = c2pa.Reader('image/jpeg', f, context=ctx); r.json(); "
              "print(r.get_validation_state())")

    def reference_process():
        r = subprocess.run([sys.executable, "-c", script, str(path), json.dumps(settings)],
                           capture_output=True, text=True, check=True)
        return r.stdout.strip()

    def vigil(*extra):
        r = subprocess.run([args.vigil, "inspect", "--json", *extra, "--trust-anchors", str(pki / "ca.pem"), str(path)],
                           capture_output=True, text=True, check=True)
        return json.loads(r.stdout)["c2pa"]["state"]

    def provenance():
        # VigilProvenance in-process: the tool's own median over 5 runs (one process start per round).
        r = subprocess.run([args.provenance_bench, str(path), str(pki / "ca.pem"), "5"],
                           capture_output=True, text=True, check=True)
        result = json.loads(r.stdout)
        return result["state"], result["median_ms"] / 1000

    assert reference() == "Trusted", reference()
    assert reference_process() == "Trusted", reference_process()
    assert vigil() == "Trusted", vigil()
    assert vigil("--no-watermarks") == "Trusted"
    names = ["c2pa-python Reader", "c2pa-python process", "vigil inspect", "vigil inspect --no-watermarks"]
    times = {name: [] for name in names + ["VigilProvenance"]}
    tools = {"c2pa-python Reader": reference, "c2pa-python process": reference_process, "vigil inspect": vigil,
             "vigil inspect --no-watermarks": lambda: vigil("--no-watermarks")}
    # Interleaved rounds: every tool once per round, so load changes hit all of them alike.
    for _ in range(args.runs):
        for name in names:
            t = time.perf_counter()
            tools[name]()
            times[name].append(time.perf_counter() - t)
        if args.provenance_bench:
            state, seconds = provenance()
            assert state == "Trusted", state
            times["VigilProvenance"].append(seconds)
    ref = statistics.median(times["c2pa-python Reader"])
    print(f"Signed 4000x3000 JPEG, {len(signed) / 1e6:.1f} MB, ES256, Trusted; median of {args.runs} runs, interleaved.")
    print()
    print("| tool | median | ratio (reference / tool) |")
    print("|---|---|---|")
    from importlib.metadata import version
    print(f"| c2pa-python {version('c2pa-python')} Reader + json (in-process) | {ref * 1000:.1f} ms | 1.00 |")
    if times["VigilProvenance"]:
        lib = statistics.median(times["VigilProvenance"])
        print(f"| VigilProvenance in-process (`vigil-provenance-bench`, release) | {lib * 1000:.1f} ms | {ref / lib:.2f} |")
    proc = statistics.median(times["c2pa-python process"])
    print(f"| c2pa-python as a whole process (`python -c`: start, import, read) | {proc * 1000:.1f} ms | {ref / proc:.2f} |")
    for name, label in (("vigil inspect --no-watermarks", "`vigil inspect --json --no-watermarks --trust-anchors`"),
                        ("vigil inspect", "`vigil inspect --json --trust-anchors` (with the watermark decoder)")):
        vig = statistics.median(times[name])
        print(f"| {label} (whole process, {args.build} build) | {vig * 1000:.1f} ms | {ref / vig:.2f} "
              f"(against the whole-process reference: **{proc / vig:.2f}**) |")


if __name__ == "__main__":
    main()
