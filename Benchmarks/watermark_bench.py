#!/usr/bin/env python3
"""Invisible-watermark benchmarks: detection rates, and decoding speed against the reference.

Usage:
  watermark_bench.py detection --out DIR --vigil BIN [--count N]
  watermark_bench.py speed --out DIR --vigil-bench BIN [--repeat N] [--rounds R]
  watermark_bench.py agreement --dir DIR --vigil BIN [--every K]

detection: N benign generated images (patterns, seeded noise, drawn shapes, scikit-image samples;
sizes 333x517 to 1024x576) are saved clean, and N others are marked with the Stable Diffusion
family's payloads by the reference encoder (invisible-watermark 0.2.0, dwtDct) the way each
pipeline calls it: SD 1.x / 2.x scripts encode 8-bit BGR; diffusers' SDXL watermarker encodes a
float RGB array as if it were BGR and rounds the result. Every image is then stored four ways
(lossless PNG, JPEG q90, JPEG q75, resized to 75% and saved as PNG), and `vigil watermark --json`
decides, at its default threshold, whether each known payload is present. Prints TPR/FPR tables.

speed: the reference decoder (`WatermarkDecoder('bytes', 136).decode(bgr, method)`) and Vigil's
(`vigil-bench watermark`, in-process, release build) decode the same 1024x1024 images, timed
alternately for R rounds of N runs, each side keeping its best median. Prints a table.

agreement: per-block votes of the reference and of `vigil watermark` (a payload length equal to the
number of blocks makes each bit one block's vote) on every K-th image of DIR (the detection set),
both methods. Counts identical votes and bits.

All print Markdown for BENCHMARKS.md.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORACLE = HERE.parent / "scripts" / "oracle"
sys.path.insert(0, str(ORACLE / "stubs"))  # stand-in torch: imwatermark imports it for RivaGAN only
sys.path.insert(0, str(ORACLE))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from imwatermark import WatermarkDecoder, WatermarkEncoder  # noqa: E402
from PIL import Image  # noqa: E402

import make_corpus as base  # noqa: E402

PAYLOADS = {
    "sd1": list(np.unpackbits(np.frombuffer(b"StableDiffusionV1", dtype=np.uint8))),
    "sd2": list(np.unpackbits(np.frombuffer(b"SDV2", dtype=np.uint8))),
    "sdxl": [int(b) for b in format(0xB3EC907BB19E, "048b")],
}
SIZES = [(512, 512), (768, 768), (640, 480), (512, 768), (1024, 576), (333, 517)]
CONDITIONS = ("lossless", "jpeg90", "jpeg75", "resized75")
PHOTOS = ["astronaut", "camera", "coffee", "chelsea", "rocket", "coins", "page", "moon",
          "hubble_deep_field", "immunohistochemistry", "logo", "text", "brick", "grass", "gravel"]


def benign(index: int) -> np.ndarray:
    """The index-th benign RGB image: a deterministic mix of generators, sizes and photos."""
    rng = base.rng_for(f"wm-bench-{index}")
    w, h = SIZES[index % len(SIZES)]
    kind = index % 6
    if kind == 0:
        return base.smooth_noise(w, h, rng)
    if kind == 1:
        return base.shapes(w, h, rng)
    if kind == 2:
        noisy = base.gradient(w, h).astype(np.int16) + rng.normal(0, 4, (h, w, 3)).round().astype(np.int16)
        return np.clip(noisy, 0, 255).astype(np.uint8)
    if kind == 3:
        return np.ascontiguousarray(np.roll(base.pattern(w + 37, h + 11), index, axis=1)[:h, :w])
    if kind == 4:
        photo = base.sample(PHOTOS[(index // 6) % len(PHOTOS)])
        # A random crop of a sample photo, resized to the target size.
        ph, pw = photo.shape[:2]
        cw, ch = int(pw * rng.uniform(0.6, 1.0)), int(ph * rng.uniform(0.6, 1.0))
        x0, y0 = int(rng.integers(0, pw - cw + 1)), int(rng.integers(0, ph - ch + 1))
        crop = Image.fromarray(photo[y0:y0 + ch, x0:x0 + cw])
        return np.asarray(crop.resize((w, h), Image.Resampling.LANCZOS))
    return base.uniform_noise(w, h, rng)


def mark(rgb: np.ndarray, payload: str) -> np.ndarray:
    """The payload embedded the way its pipeline embeds it; returns 8-bit RGB."""
    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", [int(b) for b in PAYLOADS[payload]])
    if payload == "sdxl":
        # diffusers' StableDiffusionXLWatermarker: float RGB in 0..255 handed over as BGR, then
        # clamped and rounded back to 8 bits.
        out = encoder.encode(rgb.astype(np.float32), "dwtDct")
        return np.clip(np.round(out), 0, 255).astype(np.uint8)
    # The SD 1.x / 2.x scripts: 8-bit RGB converted to BGR, encoded, converted back.
    return encoder.encode(np.ascontiguousarray(rgb[..., ::-1]), "dwtDct")[..., ::-1]


def save(rgb: np.ndarray, stem: Path) -> list[tuple[str, Path]]:
    img = Image.fromarray(np.ascontiguousarray(rgb))
    out = []
    for condition in CONDITIONS:
        if condition == "lossless":
            path = stem.with_suffix(".png")
            img.save(path)
        elif condition.startswith("jpeg"):
            path = stem.with_suffix(f".q{condition[4:]}.jpg")
            img.save(path, quality=int(condition[4:]))
        else:
            path = stem.with_suffix(".r75.png")
            img.resize((img.width * 3 // 4, img.height * 3 // 4), Image.Resampling.BICUBIC).save(path)
        out.append((condition, path))
    return out


def detection(args) -> None:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    files = []  # (path, set: clean|marked, payload, condition)
    for i in range(args.count):
        files += [(p, "clean", None, c) for c, p in save(benign(i), out / f"clean{i:03d}")]
    for i in range(args.count):
        payload = list(PAYLOADS)[i % 3]
        marked = mark(benign(10_000 + i), payload)
        files += [(p, "marked", payload, c) for c, p in save(marked, out / f"marked{i:03d}_{payload}")]
    made = time.time() - started
    command = [args.vigil, "watermark", "--json", "--length", "48"] + [str(f[0]) for f in files]
    run = subprocess.run(command, capture_output=True, text=True)
    records = {r["path"]: r for r in map(json.loads, run.stdout.splitlines())}
    errors = [p for p, r in records.items() if r["error"]]

    table = defaultdict(Counter)
    clean_best = []  # smallest p-value per clean image (any payload, any hypothesis)
    clean_bands = Counter()
    hypotheses = defaultdict(Counter)
    for path, group, payload, condition in files:
        r = records[str(path)]
        if r["error"]:
            continue
        detected = {d["payload"] for d in r["detections"] if d["detected"]}
        t = table[(group, condition)]
        t["n"] += 1
        if group == "clean":
            t["any"] += bool(detected)
            clean_best.append(min(d["p_value"] for d in r["detections"]))
            sdxl = next(d for d in r["detections"] if d["payload"] == "sdxl")
            clean_bands[(condition, sdxl["reference_band"])] += 1
        else:
            t[f"n_{payload}"] += 1
            t[f"hit_{payload}"] += payload in detected
            t["hit"] += payload in detected
            t["other"] += bool(detected - {payload})
            own = next(d for d in r["detections"] if d["payload"] == payload)
            if payload in detected:
                hypotheses[payload][own["hypothesis"]] += 1
            if payload == "sdxl":
                t[f"band_{own['reference_band']}"] += 1

    print(f"Generated {2 * args.count} images x {len(CONDITIONS)} conditions in {made:.0f} s; "
          f"`vigil watermark` exit status {run.returncode}, {len(errors)} errors.\n")
    print("| condition | marked: TPR (all) | SD 1.x | SD 2.x | SDXL | marked: wrong payload | clean: FPR |")
    print("|---|---|---|---|---|---|---|")
    for condition in CONDITIONS:
        m, c = table[("marked", condition)], table[("clean", condition)]

        def rate(hit, n):
            return f"{hit}/{n} ({100 * hit / n:.0f}%)" if n else "-"
        print(f"| {condition} | {rate(m['hit'], m['n'])} | {rate(m['hit_sd1'], m['n_sd1'])} | "
              f"{rate(m['hit_sd2'], m['n_sd2'])} | {rate(m['hit_sdxl'], m['n_sdxl'])} | "
              f"{m['other']}/{m['n']} | {rate(c['any'], c['n'])} |")
    print()
    print("Reference SDXL detector bands (agreement with 0xB3EC907BB19E, best hypothesis):\n")
    print("| condition | SDXL-marked: very likely / likely / partial / none | clean: very likely / likely / partial / none |")
    print("|---|---|---|")
    for condition in CONDITIONS:
        m = table[("marked", condition)]
        bands = ("very_likely", "likely", "partial", "none")
        print(f"| {condition} | {' / '.join(str(m['band_' + b]) for b in bands)} | "
              f"{' / '.join(str(clean_bands[(condition, b)]) for b in bands)} |")
    print()
    smallest = min(clean_best)
    print(f"Clean images: smallest p-value of any payload under any hypothesis: {smallest:.2e} "
          f"(default threshold 1e-06); median {statistics.median(clean_best):.2f}.")
    for payload, counts in hypotheses.items():
        print(f"Winning hypotheses for detected {payload}: " + ", ".join(f"{h} {n}" for h, n in counts.most_common()))


def time_ms(body, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        body()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def speed(args) -> None:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    files = []
    photo = base.noisy_resize(base.sample("coffee"), 1024, 1024, base.rng_for("wm-speed-photo"))
    for name, rgb in (("photo", photo), ("noise", base.uniform_noise(1024, 1024, base.rng_for("wm-speed-noise")))):
        path = out / f"{name}_1024x1024.sdxl.png"
        Image.fromarray(mark(rgb, "sdxl")).save(path)
        files.append(path)
    best = defaultdict(lambda: float("inf"))
    for _ in range(args.rounds):
        for path in files:
            bgr = cv2.imread(str(path))
            for method in ("dwtDct", "dwtDctSvd"):
                decoder = WatermarkDecoder("bytes", 136)
                ms = time_ms(lambda: decoder.decode(bgr, method), args.repeat)
                best[(path.name, "ref", method)] = min(best[(path.name, "ref", method)], ms)
            ms = time_ms(lambda: cv2.imread(str(path)), args.repeat)
            best[(path.name, "ref", "image")] = min(best[(path.name, "ref", "image")], ms)
            ms = time_ms(lambda: WatermarkDecoder("bytes", 136).decode(cv2.imread(str(path)), "dwtDct"), args.repeat)
            best[(path.name, "ref", "file")] = min(best[(path.name, "ref", "file")], ms)
        run = subprocess.run([args.vigil_bench, "watermark", "--repeat", str(args.repeat)] + [str(f) for f in files],
                             capture_output=True, text=True, check=True)
        for line in run.stdout.splitlines():
            r = json.loads(line)
            name = Path(r["file"]).name
            for key, field in (("image", "image_decode_ms"), ("dwtDct", "dwtDct_ms"), ("dwtDctSvd", "dwtDctSvd_ms"), ("file", "file_ms"),
                               ("analyze", "analyze_ms")):
                best[(name, "vigil", key)] = min(best[(name, "vigil", key)], r[field])
    print("| image | stage | reference (Python) ms | Vigil ms | speed-up |")
    print("|---|---|---|---|---|")
    for path in files:
        n = path.name
        for stage, label in (("dwtDct", "dwtDct decode from pixels (136 bits)"),
                             ("dwtDctSvd", "dwtDctSvd decode from pixels (136 bits)"),
                             ("image", "PNG decode (cv2.imread / VigilMedia)"),
                             ("file", "file → bits (read + decode; Vigil also runs the full detection)")):
            ref, ours = best[(n, "ref", stage)], best[(n, "vigil", stage)]
            print(f"| {n} | {label} | {ref:.1f} | {ours:.2f} | {ref / ours:.0f}× |")
        print(f"| {n} | Vigil full analysis from pixels (3 payloads × 4 hypotheses + raw bits) | - | "
              f"{best[(n, 'vigil', 'analyze')]:.2f} | - |")


def agreement(args) -> None:
    files = sorted(p for p in args.dir.iterdir() if p.suffix in (".png", ".jpg"))[::args.every]
    totals = Counter()
    for path in files:
        bgr = cv2.imread(str(path))
        rows, cols = bgr.shape[:2]
        blocks = (rows // 4 * 4 // 8) * (cols // 4 * 4 // 8)
        if rows * cols < 256 * 256 or blocks == 0:
            continue
        for method in ("dwtDct", "dwtDctSvd"):
            ref = np.asarray(WatermarkDecoder("bits", blocks).decode(bgr, method), dtype=bool)
            run = subprocess.run([args.vigil, "watermark", "--json", "--method", method, "--length", str(blocks),
                                  str(path)], capture_output=True, text=True, check=True)
            ours = np.array([c == "1" for c in json.loads(run.stdout)["bits"][0]["bits"]])
            totals[(method, "files")] += 1
            totals[(method, "blocks")] += blocks
            totals[(method, "same")] += int((ours == ref).sum())
            totals[(method, "files_same")] += bool((ours == ref).all())
            for block in np.flatnonzero(ours != ref):
                print(f"{path.name} {method}: block {block} votes {int(ours[block])}, reference {int(ref[block])}",
                      file=sys.stderr)
    print("| method | files | identical files | blocks | identical votes |")
    print("|---|---|---|---|---|")
    for method in ("dwtDct", "dwtDctSvd"):
        t = {k: totals[(method, k)] for k in ("files", "files_same", "blocks", "same")}
        print(f"| {method} | {t['files']} | {t['files_same']} | {t['blocks']} | {t['same']} "
              f"({100 * t['same'] / max(t['blocks'], 1):.4f}%) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    d = sub.add_parser("detection")
    d.add_argument("--out", required=True, type=Path)
    d.add_argument("--vigil", required=True)
    d.add_argument("--count", type=int, default=200)
    s = sub.add_parser("speed")
    s.add_argument("--out", required=True, type=Path)
    s.add_argument("--vigil-bench", required=True)
    s.add_argument("--repeat", type=int, default=5)
    s.add_argument("--rounds", type=int, default=3)
    a = sub.add_parser("agreement")
    a.add_argument("--dir", required=True, type=Path)
    a.add_argument("--vigil", required=True)
    a.add_argument("--every", type=int, default=1)
    args = parser.parse_args()
    {"detection": detection, "speed": speed, "agreement": agreement}[args.mode](args)


if __name__ == "__main__":
    main()
