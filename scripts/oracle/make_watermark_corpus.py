#!/usr/bin/env python3
"""Generate Vigil's invisible-watermark conformance corpus and its oracle.

Usage: make_watermark_corpus.py --out DIR [--force]

Writes
  DIR/images/<name>.png|jpg   benign generated images, clean or watermarked by the reference
                              encoder (invisible-watermark 0.2.0, dwtDct and dwtDctSvd)
  DIR/watermark.json          for every file and both methods: the reference decoder's
                              per-block votes and its bits for several payload lengths; and its
                              dwtDct bits for the known payloads' lengths on red/blue-swapped input

Every image is generated (patterns, seeded noise, drawn shapes, scikit-image samples); payloads
are the Stable Diffusion family's known ones and seeded random bits. Sizes include sides that are
not multiples of 4 and one image below the reference's 256x256-pixel minimum.

The expected values come from the reference itself, unmodified, on the pixels cv2.imread
delivers: `WatermarkDecoder('bits', L).decode(bgr, method)` for each length L. Per-block votes
are the same call with L = the number of blocks (each bit is then one block's vote).
"""

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "stubs"))  # a stand-in torch: imwatermark imports it for RivaGAN only
sys.path.insert(0, str(HERE))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from imwatermark import WatermarkDecoder, WatermarkEncoder  # noqa: E402

import make_corpus as base  # noqa: E402  (the benign generators of the PDQ corpus)

METHODS = ("dwtDct", "dwtDctSvd")
KNOWN = {
    "sd1": list(np.unpackbits(np.frombuffer(b"StableDiffusionV1", dtype=np.uint8))),
    "sd2": list(np.unpackbits(np.frombuffer(b"SDV2", dtype=np.uint8))),
    "sdxl": [int(b) for b in format(0xB3EC907BB19E, "048b")],
}
# Lengths whose bits are recorded for every file: the known payloads' and a few others.
LENGTHS = (1, 7, 32, 48, 64, 136)


def chroma_palette() -> dict[int, np.ndarray]:
    """An RGB colour for each reachable 8-bit U value (OpenCV's fixed-point BGR->YUV)."""
    r, g, b = np.meshgrid(np.arange(0, 256, 5), np.arange(0, 256, 5), np.arange(256), indexing="ij")
    rgb = np.stack([r.ravel(), g.ravel(), b.ravel()], axis=1).astype(np.int64)
    y = (4899 * rgb[:, 0] + 9617 * rgb[:, 1] + 1868 * rgb[:, 2] + 8192) >> 14
    u = np.clip(((rgb[:, 2] - y) * 8061 + (128 << 14) + 8192) >> 14, 0, 255)
    palette = {}
    for value, colour in zip(u, rgb):
        palette.setdefault(int(value), colour.astype(np.uint8))
    return palette


def structured(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """Flat 8x8 tiles (one LL block each) with one 2x2 quad, a row, or a column of other flat colours.

    Such blocks have exactly representable singular values; some lie exactly on dwtDctSvd's
    quantisation boundary (s0 = 18 (mod 36)), where only rounding noise decides the reference's vote.
    """
    palette = chroma_palette()
    values = np.array(sorted(palette))
    img = np.zeros((h, w, 3), np.uint8)
    for k, (ty, tx) in enumerate((y, x) for y in range(h // 8) for x in range(w // 8)):
        a, b, c = (palette[int(v)] for v in rng.choice(values, 3))
        tile = img[ty * 8:ty * 8 + 8, tx * 8:tx * 8 + 8]
        tile[:] = a
        p = int(rng.integers(16))
        if k % 3 == 0:
            tile[2 * (p // 4):2 * (p // 4) + 2, 2 * (p % 4):2 * (p % 4) + 2] = b
        elif k % 3 == 1:
            tile[2 * (p // 4):2 * (p // 4) + 2, :] = b
        else:
            tile[:, 2 * (p % 4):2 * (p % 4) + 2] = b
            q = int(rng.integers(16))
            tile[2 * (q // 4):2 * (q // 4) + 2, 2 * (q % 4):2 * (q % 4) + 2] = c
    return img


def all_pairs() -> np.ndarray:
    """One 8x8 tile per ordered pair (a, b) of reachable U values: flat a, one 2x2 quad of b.

    Covers every such block once; 35 of them lie exactly on 36k + 18 and 104 on 36k (dwtDctSvd).
    """
    palette = chroma_palette()
    pairs = [(a, b) for a in sorted(palette) for b in sorted(palette) if a != b]
    side = int(np.ceil(np.sqrt(len(pairs))))
    img = np.zeros((side * 8, side * 8, 3), np.uint8)
    for k, (a, b) in enumerate(pairs):
        ty, tx = divmod(k, side)
        p = k % 16
        img[ty * 8:ty * 8 + 8, tx * 8:tx * 8 + 8] = palette[a]
        img[ty * 8 + 2 * (p // 4):ty * 8 + 2 * (p // 4) + 2, tx * 8 + 2 * (p % 4):tx * 8 + 2 * (p % 4) + 2] = palette[b]
    return img


def sources():
    """Yield (name, rgb uint8 array)."""
    rng = base.rng_for
    yield "pattern_256x256", base.pattern(256, 256)
    yield "pattern_257x258", base.pattern(257, 258)
    yield "gradient_333x517", base.gradient(333, 517)
    yield "checker_400x300", base.checker_stripes(400, 300)
    yield "noise_259x263", base.uniform_noise(259, 263, rng("wm-noise"))
    yield "smooth_512x384", base.smooth_noise(512, 384, rng("wm-smooth"))
    yield "shapes_641x479", base.shapes(641, 479, rng("wm-shapes"))
    yield "wide_1030x66", base.smooth_noise(1030, 66, rng("wm-wide"))  # 67,980 px: accepted though a side < 256
    for name in ("coffee", "chelsea", "rocket", "astronaut"):
        img = base.sample(name)
        if img is not None:
            yield f"{name}_{img.shape[1]}x{img.shape[0]}", img
    yield "structured_1024x1024", structured(1024, 1024, rng("wm-structured"))
    photo = base.sample("coffee")
    if photo is not None:
        yield "photo_1024x1024", base.noisy_resize(photo, 1024, 1024, rng("wm-photo"))


def embed(bgr: np.ndarray, bits: list[int], method: str) -> np.ndarray:
    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", [int(b) for b in bits])
    return encoder.encode(bgr, method)


def reference_decode(bgr: np.ndarray, method: str) -> dict:
    """The reference decoder's votes and bits, or the error it raises."""
    rows, cols = bgr.shape[:2]
    blocks = (rows // 4 * 4 // 2 // 4) * (cols // 4 * 4 // 2 // 4)
    try:
        bits = {str(n): "".join("1" if b else "0" for b in WatermarkDecoder("bits", n).decode(bgr, method))
                for n in LENGTHS}
        votes = WatermarkDecoder("bits", blocks).decode(bgr, method) if blocks else []
    except RuntimeError as exc:  # "image too small, should be larger than 256x256"
        return {"error": str(exc)}
    packed = np.packbits(np.asarray(votes, dtype=np.uint8)).tobytes().hex()
    return {"blocks": blocks, "votes": packed, "bits": bits}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--force", action="store_true", help="replace an existing corpus")
    args = parser.parse_args()
    out: Path = args.out
    if out.exists():
        if not args.force:
            sys.exit(f"{out} exists; pass --force to replace it")
        shutil.rmtree(out)
    (out / "images").mkdir(parents=True)
    started = time.time()
    rng = base.rng_for("wm-payloads")

    files: list[tuple[str, np.ndarray, dict]] = []  # (file name, expected BGR pixels, facts)
    for index, (name, rgb) in enumerate(sources()):
        bgr = np.ascontiguousarray(rgb[..., ::-1])
        files.append((f"{name}.clean.png", bgr, {"kind": "clean"}))
        # Each source carries two marks: one known payload (cycling) and one random one,
        # alternating the method, so both methods see every size.
        known_id = list(KNOWN)[index % len(KNOWN)]
        length = int(rng.integers(8, 80))
        payloads = [(known_id, KNOWN[known_id]), (f"random{length}", list(rng.integers(0, 2, length)))]
        for k, (payload_id, bits) in enumerate(payloads):
            method = METHODS[(index + k) % 2]
            if rgb.shape[0] * rgb.shape[1] < 256 * 256:
                continue
            marked = embed(bgr, bits, method)
            files.append((f"{name}.{payload_id}.{method}.png", marked,
                          {"kind": "marked", "embedded_method": method, "payload": "".join(str(int(b)) for b in bits)}))
    # Decoder edge cases: exact dwtDctSvd quantisation boundaries, too small, grey, 16-bit, JPEG.
    files.append(("pairs_1784x1784.clean.png", np.ascontiguousarray(all_pairs()[..., ::-1]), {"kind": "boundary"}))
    small = base.pattern(255, 256)[..., ::-1]
    files.append(("pattern_255x256.clean.png", np.ascontiguousarray(small), {"kind": "too_small"}))
    grey = base.smooth_noise(300, 300, base.rng_for("wm-grey"))[..., 0]
    files.append(("grey_300x300.clean.png", np.ascontiguousarray(grey), {"kind": "grey"}))
    marked = embed(np.ascontiguousarray(base.smooth_noise(320, 280, base.rng_for("wm-16"))[..., ::-1]), KNOWN["sdxl"], "dwtDct")
    files.append(("smooth_320x280.sdxl.dwtDct.png16.png", marked.astype(np.uint16) * 256 + (marked.astype(np.uint16) * 37 & 255), {"kind": "png16"}))
    marked = embed(np.ascontiguousarray(base.smooth_noise(512, 512, base.rng_for("wm-jpeg"))[..., ::-1]), KNOWN["sd2"], "dwtDct")
    files.append(("smooth_512x512.sd2.dwtDct.q95.jpg", marked, {"kind": "jpeg"}))

    records = []
    for file_name, pixels, facts in files:
        path = out / "images" / file_name
        params = [cv2.IMWRITE_JPEG_QUALITY, 95] if file_name.endswith(".jpg") else []
        if not cv2.imwrite(str(path), pixels, params):
            sys.exit(f"cv2 could not write {path}")
        bgr = cv2.imread(str(path))  # what the reference is given: 8-bit BGR, grey replicated
        record = {"file": f"images/{file_name}", "width": int(bgr.shape[1]), "height": int(bgr.shape[0]), **facts}
        for method in METHODS:
            record[method] = reference_decode(bgr, method)
        if "error" not in record["dwtDct"]:
            # The red/blue-swapped hypothesis of the detector: the reference given RGB as if BGR.
            swapped = np.ascontiguousarray(bgr[..., ::-1])
            record["dwtDct_swapped_bits"] = {
                str(n): "".join("1" if b else "0" for b in WatermarkDecoder("bits", n).decode(swapped, "dwtDct"))
                for n in (32, 48, 136)}
        records.append(record)
    (out / "watermark.json").write_text(json.dumps(records, indent=1) + "\n")
    print(f"watermark corpus: {len(records)} files in {time.time() - started:.1f} s -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
