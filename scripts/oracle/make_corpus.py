#!/usr/bin/env python3
"""Generate Vigil's benign test corpus and its PDQ oracle.

Usage: make_corpus.py --out DIR [--quick] [--force]

Writes
  DIR/images/<source>.<variant>.<ext>  benign images in many encodings
  DIR/oracle.json                       reference PDQ results for every image
  DIR/bad/...                           hostile / broken inputs
  DIR/bad.json                          what each hostile input is

Every image is generated deterministically (fixed seeds, no network).  The
reference hash is computed by pdqhash (Meta's C++ PDQ via Python bindings) on
the pixels the file is *expected* to decode to:

* 8-bit formats: exactly what Pillow decodes, then ``.convert("RGB")`` (alpha
  dropped, not composited; palette expanded; grey replicated; EXIF orientation
  not applied).
* 16-bit PNGs: the high byte of every sample (grey replicated), computed from
  the numpy source array.  Pillow is not used here because its I;16 -> RGB
  conversion clamps to 255 instead of taking the high byte.
"""

import argparse
import hashlib
import io
import json
import shutil
import struct
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pdqhash
import skimage.data
from PIL import Image, ImageDraw, ImageFile, ImageFilter

SEED = 0x5EED_2024

# Pillow sizes its progressive-JPEG output buffer as ~1 byte per pixel, which
# high-frequency patterns overflow ("Suspension not allowed here").  MAXBLOCK
# is the minimum encoder buffer size.
ImageFile.MAXBLOCK = 1 << 24

# Correspondence between the order of pdqhash.compute_dihedral's outputs and a
# numpy transform of the HxWx3 pixel array (axis 0 = row y, axis 1 = column x).
# Found empirically: for each dihedral output, the pixel-space transform whose
# pdqhash.compute result is nearest in Hamming distance (on every photo and
# ~96% of the non-degenerate corpus images; exceptions are periodic patterns).
# The reference derives the variants from one DCT by sign flips, so they are
# not bit-identical to hashing transformed pixels: typically 0-16 bits apart
# on photos, more on periodic patterns and low-quality (near-flat) images.
# np.rot90(a, 1) is a 90-degree counter-clockwise turn as displayed.
DIHEDRAL_PIXEL_TRANSFORMS = (
    ("original", lambda a: a),
    ("rot90", lambda a: np.rot90(a, 1)),
    ("rot180", lambda a: np.rot90(a, 2)),
    ("rot270", lambda a: np.rot90(a, 3)),
    ("flipX", np.flipud),  # mirror across the horizontal axis: rows reversed
    ("flipY", np.fliplr),  # mirror across the vertical axis: columns reversed
    ("flipPlus1", lambda a: a.transpose(1, 0, 2)),  # main-diagonal transpose
    ("flipMinus1", lambda a: np.rot90(a, 2).transpose(1, 0, 2)),  # anti-transpose
)


# --------------------------------------------------------------------------
# PDQ helpers


def pdq_hex(bits) -> str:
    """256 hash bits -> 64 lowercase hex characters."""
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def pdq_record(rgb: np.ndarray) -> dict:
    """Reference hash, quality, dihedral hashes and pixel-transform hashes."""
    bits, quality = pdqhash.compute(rgb)
    dihedral, _ = pdqhash.compute_dihedral(rgb)
    transforms = [
        pdq_hex(pdqhash.compute(np.ascontiguousarray(fn(rgb)))[0])
        for _, fn in DIHEDRAL_PIXEL_TRANSFORMS
    ]
    return {
        "pdq": pdq_hex(bits),
        "quality": int(quality),
        "pdq_dihedral": [pdq_hex(b) for b in dihedral],
        "pixel_transforms": transforms,
    }


# --------------------------------------------------------------------------
# Source images: uint8 arrays of shape (height, width, 3)


def rng_for(name: str) -> np.random.Generator:
    """A generator seeded from the source name, so sources are order-independent."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def pattern(w: int, h: int) -> np.ndarray:
    """Decoder-free pattern: R=(x²+3y)&255, G=(7x+y²)&255, B=(x·y)&255."""
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    return np.stack([(x * x + 3 * y) & 255, (7 * x + y * y) & 255, (x * y) & 255], axis=-1).astype(np.uint8)


def gradient(w: int, h: int) -> np.ndarray:
    """Horizontal red, vertical green and diagonal blue ramps."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    fx = x / max(w - 1, 1)
    fy = y / max(h - 1, 1)
    return np.rint(np.stack([fx, fy, (fx + fy) / 2], axis=-1) * 255).astype(np.uint8)


def checker_stripes(w: int, h: int) -> np.ndarray:
    """8-pixel checkerboard in the red channel, stripes in green and blue."""
    y, x = np.mgrid[0:h, 0:w]
    r = (((x // 8) + (y // 8)) % 2) * 255
    g = ((x // 3) % 2) * 200
    b = ((y // 5) % 3) * 120
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def uniform_noise(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def smooth_noise(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """Coarse noise upsampled bicubically and blurred: cloud-like blobs."""
    coarse = rng.integers(0, 256, size=(h // 16 + 2, w // 16 + 2, 3), dtype=np.uint8)
    img = Image.fromarray(coarse).resize((w, h), Image.Resampling.BICUBIC)
    return np.asarray(img.filter(ImageFilter.GaussianBlur(2)))


def shapes(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """Random filled ellipses, rectangles, polygons and lines on white."""
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)

    def colour():
        return tuple(int(c) for c in rng.integers(0, 256, 3))

    def point():
        return int(rng.integers(0, w)), int(rng.integers(0, h))

    for _ in range(12):
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, h, 2))
        box = (x0, y0, x1, y1)
        draw.ellipse(box, fill=colour(), outline=colour())
        draw.rectangle(tuple(v // 2 for v in box), fill=colour())
        draw.polygon([point() for _ in range(5)], fill=colour())
        draw.line([point(), point()], fill=colour(), width=int(rng.integers(1, 8)))
    return np.asarray(img)


def flat(w: int, h: int, value: int) -> np.ndarray:
    return np.full((h, w, 3), value, dtype=np.uint8)


def sample(name: str) -> np.ndarray | None:
    """A scikit-image sample photo as RGB, or None if it is not bundled offline."""
    try:
        img = getattr(skimage.data, name)()
    except Exception as exc:  # not in the wheel, needs pooch/network, ...
        print(f"skipping skimage.data.{name}: {type(exc).__name__}", file=sys.stderr)
        return None
    if img.dtype == bool:
        img = img.astype(np.uint8) * 255
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    return np.ascontiguousarray(img[..., :3])


def noisy_resize(img: np.ndarray, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """Upscale a photo and add mild seeded sensor-like noise (realistic JPEG size)."""
    big = np.asarray(Image.fromarray(img).resize((w, h), Image.Resampling.LANCZOS), dtype=np.int16)
    big = big + rng.normal(0, 3, size=big.shape).round().astype(np.int16)
    return np.clip(big, 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------
# Minimal PNG encoder (for what Pillow cannot write: 48-bit RGB, Adam7)

# Adam7 passes as (x0, y0, dx, dy).
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_filter_rows(raw: np.ndarray, bpp: int) -> bytes:
    """Filter a (rows, bytes) uint8 array, cycling filter types 0-4 by row.

    Filters are defined on the unfiltered bytes, so every row can be encoded
    independently from `raw`.  Cycling exercises all five unfilter paths.
    """
    out = bytearray()
    prev = np.zeros(raw.shape[1], dtype=np.int16)
    for y, row in enumerate(raw.astype(np.int16)):
        left = np.concatenate([np.zeros(bpp, np.int16), row[:-bpp]])
        upleft = np.concatenate([np.zeros(bpp, np.int16), prev[:-bpp]])
        kind = y % 5
        if kind == 0:
            pred = np.zeros_like(row)
        elif kind == 1:
            pred = left
        elif kind == 2:
            pred = prev
        elif kind == 3:
            pred = (left + prev) // 2
        else:  # Paeth
            p = left + prev - upleft
            pa, pb, pc = np.abs(p - left), np.abs(p - prev), np.abs(p - upleft)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, prev, upleft))
        out.append(kind)
        out += ((row - pred) & 0xFF).astype(np.uint8).tobytes()
        prev = row
    return bytes(out)


def encode_png(pixels: np.ndarray, interlace: bool = False) -> bytes:
    """Encode uint8/uint16 grey (HxW) or RGB (HxWx3) pixels as PNG."""
    height, width = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else 3
    depth = 16 if pixels.dtype == np.uint16 else 8
    bpp = channels * depth // 8
    big_endian = pixels.astype(">u2") if depth == 16 else pixels

    def scanlines(sub: np.ndarray) -> bytes:
        rows = np.ascontiguousarray(sub).view(np.uint8).reshape(sub.shape[0], -1)
        return png_filter_rows(rows, bpp)

    if interlace:
        passes = (big_endian[y0::dy, x0::dx] for x0, y0, dx, dy in ADAM7)
        data = b"".join(scanlines(p) for p in passes if p.shape[0] and p.shape[1])
    else:
        data = scanlines(big_endian)

    compressed = zlib.compress(data, 6)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, 0 if channels == 1 else 2, 0, 0, int(interlace))
    # Several IDAT chunks, so decoders must concatenate them.
    idats = b"".join(png_chunk(b"IDAT", compressed[i:i + 8192]) for i in range(0, len(compressed), 8192))
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + idats + png_chunk(b"IEND", b"")


# --------------------------------------------------------------------------
# Encodings.  Each returns (file bytes, intended pixels or None).  The intended
# pixels are what a lossless file must decode to (HxWx3 uint8); None for lossy.


def pil_bytes(img: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def grey_of(rgb: np.ndarray) -> Image.Image:
    return Image.fromarray(rgb).convert("L")


def replicate(grey: np.ndarray) -> np.ndarray:
    return np.stack([grey] * 3, axis=-1)


def quantized(rgb: np.ndarray) -> Image.Image:
    """256-colour palette image (median cut, Floyd-Steinberg dithering)."""
    return Image.fromarray(rgb).quantize(256)


def orientation6_exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display; must NOT be applied
    return exif.tobytes()


def enc_png(rgb, rng):
    return pil_bytes(Image.fromarray(rgb), "PNG"), rgb


def enc_png_grey(rgb, rng):
    grey = grey_of(rgb)
    return pil_bytes(grey, "PNG"), replicate(np.asarray(grey))


def enc_png_rgba(rgb, rng):
    alpha = rng.integers(0, 256, size=rgb.shape[:2], dtype=np.uint8)
    rgba = np.dstack([rgb, alpha])
    return pil_bytes(Image.fromarray(rgba), "PNG"), rgb


def enc_png_palette(rgb, rng):
    pal = quantized(rgb)
    return pil_bytes(pal, "PNG"), np.asarray(pal.convert("RGB"))


def enc_png16_rgb(rgb, rng):
    # High byte = source value; random low byte, so rounding (v / 257) differs
    # from taking the high byte (v >> 8).
    low = rng.integers(0, 256, size=rgb.shape, dtype=np.uint16)
    return encode_png((rgb.astype(np.uint16) << 8) | low), rgb


def enc_png16_grey(rgb, rng):
    grey = np.asarray(grey_of(rgb))
    low = rng.integers(0, 256, size=grey.shape, dtype=np.uint16)
    sixteen = (grey.astype(np.uint16) << 8) | low
    return pil_bytes(Image.fromarray(sixteen), "PNG"), replicate(grey)  # Pillow mode I;16


def enc_png_interlaced(rgb, rng):
    return encode_png(rgb, interlace=True), rgb


def enc_png_exif6(rgb, rng):
    return pil_bytes(Image.fromarray(rgb), "PNG", exif=orientation6_exif()), rgb


def enc_gif(rgb, rng):
    pal = quantized(rgb)
    return pil_bytes(pal, "GIF"), np.asarray(pal.convert("RGB"))


def enc_bmp(rgb, rng):
    return pil_bytes(Image.fromarray(rgb), "BMP"), rgb


def enc_webp_lossless(rgb, rng):
    return pil_bytes(Image.fromarray(rgb), "WEBP", lossless=True, quality=100), rgb


def enc_webp_lossy(rgb, rng):
    return pil_bytes(Image.fromarray(rgb), "WEBP", quality=80), None


def enc_jpeg_q95_444(rgb, rng):
    return pil_bytes(Image.fromarray(rgb), "JPEG", quality=95, subsampling=0), None


def enc_jpeg_q85_420(rgb, rng):
    return pil_bytes(Image.fromarray(rgb), "JPEG", quality=85, subsampling=2), None


def enc_jpeg_progressive(rgb, rng):
    # 4:2:2 so that a third chroma layout is covered.
    return pil_bytes(Image.fromarray(rgb), "JPEG", quality=90, subsampling=1, progressive=True), None


def enc_jpeg_grey(rgb, rng):
    return pil_bytes(grey_of(rgb), "JPEG", quality=90), None


def enc_jpeg_exif6(rgb, rng):
    return pil_bytes(Image.fromarray(rgb), "JPEG", quality=90, subsampling=0, exif=orientation6_exif()), None


# File suffix (variant + extension) -> (format, encoder, expected pixels come
# from the numpy source instead of Pillow's decoder).  A variant is lossless
# iff its encoder returns intended pixels.
VARIANTS = {
    "rgb.png": ("png", enc_png, False),
    "grey.png": ("png", enc_png_grey, False),
    "rgba.png": ("png", enc_png_rgba, False),
    "palette.png": ("png", enc_png_palette, False),
    "rgb16.png": ("png", enc_png16_rgb, True),
    "grey16.png": ("png", enc_png16_grey, True),
    "interlaced.png": ("png", enc_png_interlaced, False),
    "exif6.png": ("png", enc_png_exif6, False),
    "palette.gif": ("gif", enc_gif, False),
    "rgb.bmp": ("bmp", enc_bmp, False),
    "lossless.webp": ("webp", enc_webp_lossless, False),
    "q80.webp": ("webp", enc_webp_lossy, False),
    "q95_444.jpg": ("jpeg", enc_jpeg_q95_444, False),
    "q85_420.jpg": ("jpeg", enc_jpeg_q85_420, False),
    "progressive.jpg": ("jpeg", enc_jpeg_progressive, False),
    "grey.jpg": ("jpeg", enc_jpeg_grey, False),
    "exif6.jpg": ("jpeg", enc_jpeg_exif6, False),
}

# Everything except the EXIF-orientation probes.
EXIF = ("exif6.png", "exif6.jpg")
STANDARD = tuple(v for v in VARIANTS if v not in EXIF)


def sources(quick: bool):
    """Yield (name, rgb array, variant names)."""
    for w, h in [(4, 9), (5, 5), (63, 65), (2000, 37), (1, 1), (64, 64), (333, 517)]:
        extra = EXIF if (w, h) == (333, 517) else ()
        yield f"pattern_{w}x{h}", pattern(w, h), STANDARD + extra
    yield "gradient_256x256", gradient(256, 256), STANDARD
    yield "checker_200x120", checker_stripes(200, 120), STANDARD
    yield "noise_97x131", uniform_noise(97, 131, rng_for("noise")), STANDARD
    yield "smooth_640x480", smooth_noise(640, 480, rng_for("smooth")), STANDARD
    yield "shapes_500x400", shapes(500, 400, rng_for("shapes")), STANDARD
    yield "flat128_50x70", flat(50, 70, 128), STANDARD
    yield "flat0_1x1", flat(1, 1, 0), ("rgb.png", "q95_444.jpg")

    photos = ["astronaut", "camera", "coffee", "chelsea", "rocket", "coins", "page",
              "moon", "hubble_deep_field", "immunohistochemistry", "logo", "text", "horse"]
    for name in photos:
        img = sample(name)
        if img is not None:
            extra = EXIF if name == "chelsea" else ()
            yield f"{name}_{img.shape[1]}x{img.shape[0]}", img, STANDARD + extra

    if quick:
        return
    # Big photo-like images; the two q85_420 JPEGs are Benchmarks/pdq_reference.py's files.
    astronaut, coffee = sample("astronaut"), sample("coffee")
    if astronaut is not None:
        yield ("photo_1024x1024", noisy_resize(astronaut, 1024, 1024, rng_for("photo1024")),
               ("rgb.png", "q95_444.jpg", "q85_420.jpg", "progressive.jpg", "q80.webp"))
    if coffee is not None:
        yield "photo_4000x3000", noisy_resize(coffee, 4000, 3000, rng_for("photo4000")), ("rgb.png", "q85_420.jpg")


# --------------------------------------------------------------------------
# Hostile inputs


def bad_files() -> list[tuple[str, bytes, str]]:
    """(file name, bytes, description) of inputs Vigil must reject cleanly."""
    rng = rng_for("bad")
    jpeg = pil_bytes(Image.fromarray(pattern(333, 517)), "JPEG", quality=85)
    small = pil_bytes(Image.fromarray(pattern(5, 5)), "JPEG", quality=85)
    assert small[:4] == b"\xff\xd8\xff\xe0", "expected SOI followed by APP0"

    bomb_ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    bomb = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", bomb_ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 4)) + png_chunk(b"IEND", b""))

    def gif(screen: int, frame: int) -> bytes:
        # 2-colour global palette, one frame; LZW (min code size 2) stream
        # "clear, pixel 0, end": codes 4, 0, 5 packed LSB-first as 0x44 0x01.
        return (b"GIF89a" + struct.pack("<HHBBB", screen, screen, 0x80, 0, 0)
                + b"\x00\x00\x00\xff\xff\xff"
                + b"," + struct.pack("<HHHHB", 0, 0, frame, frame, 0)
                + b"\x02" + b"\x02\x44\x01" + b"\x00" + b";")

    bmp_pixels = b"\x00" * 12
    bmp_info = struct.pack("<IiiHHIIiiII", 40, 100_000, 100_000, 1, 24, 0, len(bmp_pixels), 2835, 2835, 0, 0)
    bmp_offset = 14 + len(bmp_info)
    bmp = b"BM" + struct.pack("<IHHI", bmp_offset + len(bmp_pixels), 0, 0, bmp_offset) + bmp_info + bmp_pixels

    return [
        ("empty.jpg", b"", "empty file"),
        ("onebyte.jpg", b"\xff", "a single byte"),
        ("random.png", rng.integers(0, 256, 4096, dtype=np.uint8).tobytes(), "4096 seeded random bytes"),
        ("random_sig.png", b"\x89PNG\r\n\x1a\n" + rng.integers(0, 256, 4096, dtype=np.uint8).tobytes(),
         "PNG signature followed by 4096 seeded random bytes"),
        ("notes.jpg", b"Meeting notes\nNothing to see here, this is plain text.\n", "text file with a .jpg name"),
        ("truncated.jpg", jpeg[: len(jpeg) * 4 // 10], "first 40% of a valid 333x517 baseline JPEG"),
        ("badmarker.jpg", small[:4] + b"\x00\x01" + small[6:], "first segment after SOI (APP0) has length 0x0001 "
         "(libjpeg/Pillow warn, resync at the next marker and decode it anyway)"),
        ("badmarker_long.jpg", small[:4] + b"\xff\xff" + small[6:],
         f"first segment after SOI (APP0) has length 0xFFFF in a {len(small)}-byte file"),
        ("bomb.png", bomb, "IHDR declares 100000x100000 RGB (valid CRCs), tiny IDAT"),
        ("huge_frame.gif", gif(65535, 65535), "GIF screen and frame declare 65535x65535, one pixel of LZW data"),
        ("huge_screen.gif", gif(65535, 1),
         "GIF logical screen declares 65535x65535 (a 4.3 Gpixel canvas), complete 1x1 frame"),
        ("huge.bmp", bmp, "24-bit BMP header declares 100000x100000, 12 bytes of pixel data"),
    ]


# --------------------------------------------------------------------------
# Driver


def pillow_rgb(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img.convert("RGB"))


def digests(data: bytes) -> dict:
    return {algo: hashlib.new(algo, data).hexdigest() for algo in ("md5", "sha1", "sha256")}


def prepare_out(out: Path, force: bool) -> None:
    """Make `out` ready; with --force remove only what this script creates."""
    if force:
        for sub in ("images", "bad"):
            shutil.rmtree(out / sub, ignore_errors=True)
        for name in ("oracle.json", "bad.json"):
            (out / name).unlink(missing_ok=True)
    if out.exists() and any(out.iterdir()):
        sys.exit(f"{out} is not empty (use --force to regenerate)")
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "bad").mkdir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="corpus directory to create")
    parser.add_argument("--quick", action="store_true", help="skip the big (1024x1024, 4000x3000) photos")
    parser.add_argument("--force", action="store_true", help="replace a corpus previously written to --out")
    args = parser.parse_args()

    started = time.monotonic()
    prepare_out(args.out, args.force)

    entries = []
    # Many lossless variants decode to identical pixels: hash those only once.
    pdq_cache: dict[tuple, dict] = {}
    for name, rgb, variants in sources(args.quick):
        for variant in variants:
            fmt, encode, from_source = VARIANTS[variant]
            data, intended = encode(rgb, rng_for(f"{name}/{variant}"))
            lossless = intended is not None
            if from_source:
                expected = intended
            else:
                expected = pillow_rgb(data)
                if lossless and not np.array_equal(expected, intended):
                    sys.exit(f"self-check failed: {name}.{variant} does not round-trip through Pillow")

            expected = np.ascontiguousarray(expected)
            pixels_key = (expected.shape, hashlib.sha256(expected.tobytes()).digest())
            if pixels_key not in pdq_cache:
                pdq_cache[pixels_key] = pdq_record(expected)

            rel = f"images/{name}.{variant}"
            (args.out / rel).write_bytes(data)
            entries.append({
                "file": rel,
                "source": name,
                "variant": variant,
                "format": fmt,
                "lossless": lossless,
                "width": int(expected.shape[1]),
                "height": int(expected.shape[0]),
                **pdq_cache[pixels_key],
                **digests(data),
            })

    bad = []
    for fname, data, description in bad_files():
        (args.out / "bad" / fname).write_bytes(data)
        bad.append({"file": f"bad/{fname}", "description": description, **digests(data)})

    (args.out / "oracle.json").write_text(json.dumps(entries, indent=1) + "\n")
    (args.out / "bad.json").write_text(json.dumps(bad, indent=1) + "\n")
    print(f"wrote {len(entries)} images and {len(bad)} hostile files to {args.out} "
          f"in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
