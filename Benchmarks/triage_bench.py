#!/usr/bin/env python3
"""Triage throughput: `vigil scan` against a reference pipeline in the same run.

  triage_bench.py generate --out DIR --count N      benign JPEG/PNG files of 1–12 MP (seeded)
  triage_bench.py run --dir DIR --vigil PATH [--count N] [--slices S]
                                                    all pipelines, interleaved; Markdown to stdout

The reference is what a Python triage script does: multiprocessing with --processes workers
(default 2), each reading a file, hashing it with hashlib (MD5, SHA-1, SHA-256), decoding it
with Pillow and computing PDQ with pdqhash. Vigil runs `vigil scan --jobs 2` into a fresh case
(no banks: matching costs microseconds per file), exact and --fast. The files are split into
S consecutive slices and each slice runs through the three pipelines in turn, read just before
each so that every pipeline finds it in the page cache. Wall time and CPU time (user + system of
the pipeline's processes) are both reported: on a shared machine the CPU ratio is the steadier one.
"""

import argparse
import hashlib
import io
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageChops, ImageDraw

# The corpus imitates seized media: mostly camera-like JPEGs, a minority of PNG screenshots and
# graphics. JPEG_SHARE of the files (by count) are JPEGs of 1–12 MP, quality 75–95, each a crop of
# one of scikit-image's sample photos resized to the target size, tinted, with mild seeded sensor
# noise and a few drawn shapes. The rest are PNGs (default zlib level 6) of screenshot sizes from
# 1366×768 to 4000×3000: flat backgrounds and panels, rows of text-like dark blocks, sometimes a
# photo pasted in. Every file depends only on (seed, k); resized bases are cached per worker.
JPEG_SHARE = 0.8
JPEG_MP = [1, 2, 3, 4, 6, 8, 10, 12]
ASPECTS = [4 / 3, 3 / 2, 16 / 9, 3 / 4, 1.0]
PNG_SIZES = [(1366, 768), (1920, 1080), (1170, 2532), (2560, 1440), (2880, 1800), (3840, 2160), (1290, 2796), (4000, 3000)]
PHOTOS = ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "hubble_deep_field.jpg", "retina.jpg",
          "motorcycle_left.png", "motorcycle_right.png", "ihc.png", "camera.png", "moon.png", "coins.png",
          "gravel.png", "grass.png", "brick.png", "cell.png"]  # files shipped inside skimage.data
NOISE_SIDE = 4800
_cache = {}


def _photo(name):
    if ("photo", name) not in _cache:
        import skimage.data

        with Image.open(Path(skimage.data.__file__).parent / name) as im:
            _cache[("photo", name)] = im.convert("RGB")
    return _cache[("photo", name)]


def _resized(name, w, h):
    key = ("resized", name, w, h)
    if key not in _cache:
        resized = [k for k in _cache if k[0] == "resized"]
        if len(resized) >= 6:  # bounded memory: a handful of 12 MP bases per worker
            del _cache[resized[0]]
        _cache[key] = _photo(name).resize((w, h), Image.Resampling.BICUBIC)
    return _cache[key]


def _noise(seed):
    if "noise" not in _cache:  # one seeded grain field per worker, sliced at seeded offsets
        rng = np.random.default_rng([seed, 1 << 30])
        grain = np.clip(rng.normal(128, 4, size=(NOISE_SIDE, NOISE_SIDE, 3)), 0, 255).astype(np.uint8)
        _cache["noise"] = Image.fromarray(grain)
    return _cache["noise"]


def file_plan(k, count):
    """(kind, width, height) of file k: JPEG for the first JPEG_SHARE of every 10, PNG otherwise."""
    if k % 10 < round(JPEG_SHARE * 10):
        mp = JPEG_MP[k % len(JPEG_MP)] * 1_000_000
        aspect = ASPECTS[(k // len(JPEG_MP)) % len(ASPECTS)]
        w = int((mp * aspect) ** 0.5)
        return "jpg", w, mp // w
    w, h = PNG_SIZES[(k // 10) % len(PNG_SIZES)]
    return "png", w, h


def _shapes(draw, rng, w, h, n):
    for _ in range(n):
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, h, 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), outline=colour, width=int(rng.integers(2, 12)))
        else:
            draw.rectangle((x0, y0, x1, y1), outline=colour, width=int(rng.integers(2, 12)))


def make_jpeg(path, k, seed, w, h):
    rng = np.random.default_rng([seed, k])
    name = PHOTOS[int(rng.integers(len(PHOTOS)))]
    pad_w, pad_h = w // 8, h // 8
    base = _resized(name, w + pad_w, h + pad_h)
    x, y = int(rng.integers(0, pad_w + 1)), int(rng.integers(0, pad_h + 1))
    img = base.crop((x, y, x + w, y + h))
    gains = rng.uniform(0.85, 1.15, 3)
    lut = [min(255, int(v * g)) for g in gains for v in range(256)]
    img = img.point(lut)
    nx, ny = int(rng.integers(0, NOISE_SIDE - w + 1)), int(rng.integers(0, NOISE_SIDE - h + 1))
    img = ImageChops.add(img, _noise(seed).crop((nx, ny, nx + w, ny + h)), scale=1.0, offset=-128)
    _shapes(ImageDraw.Draw(img), rng, w, h, int(rng.integers(1, 6)))
    img.save(path, "JPEG", quality=int(rng.integers(75, 96)))


def make_png(path, k, seed, w, h):
    rng = np.random.default_rng([seed, k])
    light = rng.random() < 0.7
    bg = tuple(int(c) for c in (rng.integers(225, 256, 3) if light else rng.integers(15, 50, 3)))
    ink = (30, 30, 30) if light else (220, 220, 220)
    img = Image.new("RGB", (w, h), bg)
    draw = ImageDraw.Draw(img)
    bar = max(24, h // 25)
    draw.rectangle((0, 0, w, bar), fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    panels = []
    for _ in range(int(rng.integers(1, 4))):  # flat panels, like windows or cards
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(bar, h, 2))
        fill = tuple(int(c) for c in (rng.integers(200, 256, 3) if light else rng.integers(30, 80, 3)))
        draw.rectangle((x0, y0, x1, y1), fill=fill, outline=(128, 128, 128), width=2)
        panels.append((x0, y0, x1, y1))
    if rng.random() < 0.5:  # a photo shown on screen
        pw, ph = w // int(rng.integers(2, 5)), h // int(rng.integers(2, 5))
        px, py = int(rng.integers(0, w - pw)), int(rng.integers(bar, h - ph))
        img.paste(_photo(PHOTOS[int(rng.integers(len(PHOTOS)))]).resize((pw, ph), Image.Resampling.BILINEAR), (px, py))
    glyph = int(rng.integers(10, 22))  # text-like rows of word blocks
    margin = int(rng.integers(20, w // 8))
    y = bar + glyph
    lines = 0
    while y < h - glyph and lines < 120:
        x = margin
        end = w - margin - int(rng.integers(0, w // 3))
        while x < end:
            word = int(rng.integers(2, 10)) * glyph // 2
            draw.rectangle((x, y, min(x + word, end), y + glyph - 3), fill=ink)
            x += word + glyph // 2
        y += int(glyph * rng.uniform(1.6, 2.4))
        lines += 1
    img.save(path, "PNG")  # Pillow's default zlib level (6)


def make_one(job):
    out, k, seed, count = job
    kind, w, h = file_plan(k, count)
    path = Path(out) / f"img{k:06d}.{kind}"
    tmp = path.with_suffix(".part")
    (make_jpeg if kind == "jpg" else make_png)(tmp, k, seed, w, h)
    os.replace(tmp, path)  # an interrupted generation never leaves a truncated image behind
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
    jobs = [(str(out), k, args.seed, args.count) for k in range(args.count)
            if not (out / f"img{k:06d}.{file_plan(k, args.count)[0]}").exists()]
    # In file order, so that any finished prefix img000000..imgN has the full mix; the order
    # does not change any file.
    with multiprocessing.Pool(args.processes) as pool:
        for n, _ in enumerate(pool.imap(make_one, jobs, chunksize=4)):
            if n % 500 == 0:
                print(f"generate: {n}/{len(jobs)}", file=sys.stderr)


def _cpu_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_self():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load():
    return os.getloadavg()[0]


def _warm(files):
    for f in files:  # the same page-cache state for every pipeline: the slice is read just before
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass


def run_reference(files, processes):
    pool = multiprocessing.Pool(processes)
    results = list(pool.imap_unordered(reference_one, files, chunksize=4))
    pool.close()
    pool.join()  # the workers are waited for, so their CPU time lands in RUSAGE_CHILDREN
    assert len(results) == len(files)


def run_vigil(vigil, data, extra, files):
    subprocess.run([vigil, "scan", "--data", data, "--case", "bench", "--jobs", "2", *extra, *files],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(args):
    files = sorted(str(p) for p in Path(args.dir).iterdir() if p.suffix in (".jpg", ".png"))
    if args.count:
        files = files[: args.count]  # a prefix of the corpus has the full mix (file_plan cycles by 10)
    total = sum(os.path.getsize(f) for f in files)
    jpegs = sum(f.endswith(".jpg") for f in files)
    pixels = 0
    for f in files:
        with Image.open(f) as im:
            pixels += im.width * im.height
    pipelines = [(f"reference: Pillow + pdqhash + hashlib, multiprocessing × {args.processes}", None),
                 ("vigil scan --jobs 2", []), ("vigil scan --jobs 2 --fast", ["--fast"])]
    wall = [0.0] * len(pipelines)
    cpu = [0.0] * len(pipelines)
    loads = []
    datas = [tempfile.mkdtemp(prefix="vigil-triage-bench-") for _ in pipelines]
    size = -(-len(files) // max(1, args.slices))
    slices = [files[i : i + size] for i in range(0, len(files), size)]  # consecutive: each has the mix
    try:
        # Interleaved: every slice runs through each pipeline in turn, so that all of them see the
        # same machine load (the machine is shared); each Vigil mode scans its slices into one case.
        for n, part in enumerate(slices):
            for i, (label, extra) in enumerate(pipelines):
                _warm(part)
                loads.append(_load())
                c0, s0, t0 = _cpu_children(), _cpu_self(), time.perf_counter()
                if extra is None:
                    run_reference(part, args.processes)
                else:
                    run_vigil(args.vigil, datas[i], extra, part)
                wall[i] += time.perf_counter() - t0
                cpu[i] += _cpu_children() - c0 + (_cpu_self() - s0 if extra is None else 0)
            loads.append(_load())
            print(f"run: slice {n + 1}/{len(slices)} done, wall so far {[round(w) for w in wall]}", file=sys.stderr)
    finally:
        for d in datas:
            shutil.rmtree(d, ignore_errors=True)
    n = len(files)
    print(f"{n} files ({jpegs} JPEG, {n - jpegs} PNG), {total / 1e9:.2f} GB, {pixels / 1e6 / n:.1f} MP per file on average; "
          f"2 cores; {len(slices)} interleaved slices; page cache warm for every pipeline; 1-minute load average "
          f"{min(loads):.1f}–{max(loads):.1f} (mean {sum(loads) / len(loads):.1f}) during the run\n")
    print("| pipeline | wall s | files/s | MB/s | vs reference (wall) | CPU s | CPU ms/file | vs reference (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for (label, _), w, c in zip(pipelines, wall, cpu):
        print(f"| {label} | {w:.1f} | {n / w:.1f} | {total / 1e6 / w:.1f} | {wall[0] / w:.2f}× | {c:.1f} | "
              f"{1000 * c / n:.1f} | {cpu[0] / c:.2f}× |")
    print()
    for (label, _), w, c in zip(pipelines, wall, cpu):
        print(f"- {label}: 545,000 files of this mix in {545_000 * w / n / 3600:.1f} h at this run's rate, "
              f"{545_000 * c / n / 2 / 3600:.1f} h with 2 cores to itself (CPU time / 2)")


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
    r.add_argument("--count", type=int, default=0, help="use only the first COUNT files (0: all)")
    r.add_argument("--slices", type=int, default=4, help="interleave the pipelines over this many slices")
    args = ap.parse_args()
    generate(args) if args.command == "generate" else run(args)


if __name__ == "__main__":
    main()
