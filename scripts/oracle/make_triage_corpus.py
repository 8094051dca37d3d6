#!/usr/bin/env python3
"""Generate the benign triage corpus for `vigil scan` and its expected results.

Usage: make_triage_corpus.py --out DIR [--bases N] [--force]

Everything is made here from seeded noise and drawn shapes (nothing is downloaded):

* base/      N distinct images (drawn shapes or smooth noise), JPEG or PNG, 64–256 px;
* copies/    byte-identical copies of some bases (exact duplicates);
* near/      near-duplicates of some bases: resized 85 %, recompressed (JPEG q=40), cropped 1 %;
* archives/  ZIPs of bases and variants, one ZIP nested in a ZIP, and a zip bomb (one member
             inflating past the ratio limit) beside a normal image;
* junk/      random bytes and text (not media); video/ tiny MP4 headers (not hashed yet);
* corrupt/   JPEG and PNG signatures followed by garbage;
* banks/     known-md5.vics.json (VICS 2.0: MD5 of some bases) and known-pdq.txt (the
             reference PDQ, pdqhash, of other bases' pixels).

DIR/expected.json holds, for every item (archive members named `zip!/member`), its bytes'
digests (hashlib) and, for images, the reference PDQ and quality of Pillow's decoded pixels.
Bank entries are kept well away from the match threshold and quality floor (margins checked
here), so the expected matches and clusters do not hinge on decoder rounding.
"""

import argparse
import hashlib
import io
import json
import shutil
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageDraw, ImageFilter

SEED = 20261125
THRESHOLD = 31
QUALITY_FLOOR = 50
MARGIN = 8  # planted distances stay <= THRESHOLD - MARGIN, unrelated ones >= THRESHOLD + MARGIN


def rng_for(name):
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def shapes(w, h, rng):
    img = smooth_noise(w, h, rng)  # a textured ground keeps PDQ quality high
    draw = ImageDraw.Draw(img)
    for _ in range(14):
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, h, 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.integers(0, 2):
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    return img


def smooth_noise(w, h, rng):
    coarse = rng.integers(0, 256, size=(h // 16 + 2, w // 16 + 2, 3), dtype=np.uint8)
    return Image.fromarray(coarse).resize((w, h), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))


def encode(img, fmt, quality=90):
    out = io.BytesIO()
    if fmt == "jpeg":
        img.save(out, "JPEG", quality=quality)
    else:
        img.save(out, "PNG")
    return out.getvalue()


def variants(img):
    """The near-duplicates: resized to 85 %, recompressed at JPEG q=40, cropped 1 % per side."""
    w, h = img.size
    dx, dy = max(1, w // 100), max(1, h // 100)
    return [
        encode(img.resize((w * 85 // 100, h * 85 // 100), Image.Resampling.BILINEAR), "png"),
        encode(img, "jpeg", 40),
        encode(img.crop((dx, dy, w - dx, h - dy)), "jpeg", 85),
    ]


def pdq_of(data):
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    bits, quality = pdqhash.compute(rgb)
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality)


def dist(a, b):
    return (int(a, 16) ^ int(b, 16)).bit_count()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--bases", type=int, default=1100)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    root = Path(args.out).resolve()
    if root.exists():
        if not args.force:
            raise SystemExit(f"{root} exists (use --force)")
        shutil.rmtree(root)
    corpus = root / "corpus"
    for d in ("base", "copies", "near", "archives", "junk", "video", "corrupt"):
        (corpus / d).mkdir(parents=True)
    (root / "banks").mkdir()

    items = {}  # path -> {"bytes": ..., "image": bool, "kind": ...}
    bases = []
    for i in range(args.bases):
        fmt = "jpeg" if i % 2 else "png"
        for attempt in range(200):
            name = f"b{i:05d}-{attempt}"
            rng = rng_for(name)
            w, h = int(rng.integers(64, 257)), int(rng.integers(64, 257))
            img = shapes(w, h, rng) if i % 3 else smooth_noise(w, h, rng)
            data = encode(img, fmt)
            # Keep the base and its variants clear of the quality floor.
            base_hash, base_quality = pdq_of(data)
            near = [pdq_of(v) for v in variants(img)] if i % 4 == 0 else []
            if base_quality >= QUALITY_FLOOR + 8 and all(
                q >= QUALITY_FLOOR + 8 and dist(h, base_hash) <= THRESHOLD - MARGIN - 3 for h, q in near
            ):
                break
        name = f"b{i:05d}"
        path = corpus / "base" / f"{name}.{'jpg' if fmt == 'jpeg' else 'png'}"
        path.write_bytes(data)
        bases.append((img, fmt, data))
        items[str(path)] = {"bytes": data, "image": True, "base": i}

    def add(path, data, image, base=None):
        Path(path).write_bytes(data)
        items[str(path)] = {"bytes": data, "image": image, "base": base}

    # Exact copies of every 5th base.
    for i in range(0, args.bases, 5):
        add(corpus / "copies" / f"c{i:05d}.bin", bases[i][2], True, i)
    # Near-duplicates of every 4th base: resize 85 %, recompress q=40, crop 1 %.
    for i in range(0, args.bases, 4):
        for suffix, data in zip(("resize.png", "q40.jpg", "crop.jpg"), variants(bases[i][0])):
            add(corpus / "near" / f"n{i:05d}_{suffix}", data, True, i)

    # Archives: 20 ZIPs of 5 bases each (stored or deflated), one nested, and a bomb.
    archives = []
    for a in range(20):
        zpath = corpus / "archives" / f"a{a:03d}.zip"
        members = []
        with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED if a % 2 else zipfile.ZIP_STORED) as z:
            for k in range(5):
                i = (a * 37 + k * 11) % args.bases
                mname = f"dir{k % 2}/m{i:05d}.{'jpg' if bases[i][1] == 'jpeg' else 'png'}"
                z.writestr(mname, bases[i][2])
                members.append((f"{zpath}!/{mname}", bases[i][2], i))
            if a == 7:
                inner = io.BytesIO()
                with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zi:
                    zi.writestr("deep/inner.png", bases[3][2])
                    zi.writestr("deep/notes.txt", b"benign notes\n")
                z.writestr("nested.zip", inner.getvalue())
                members.append((f"{zpath}!/nested.zip!/deep/inner.png", bases[3][2], 3))
                members.append((f"{zpath}!/nested.zip!/deep/notes.txt", b"benign notes\n", None))
        for mpath, data, base in members:
            items[mpath] = {"bytes": data, "image": base is not None, "base": base, "member": True}
        archives.append(str(zpath))
    bomb = corpus / "archives" / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.bin", bytes(64 << 20))
        z.writestr("ok.png", bases[1][2])
    items[f"{bomb}!/zeros.bin"] = {"bytes": None, "image": False, "error": True, "member": True}
    items[f"{bomb}!/ok.png"] = {"bytes": bases[1][2], "image": True, "base": 1, "member": True}
    archives.append(str(bomb))

    # Junk, fake videos, corrupt files.
    rng = rng_for("junk")
    for j in range(120):
        add(corpus / "junk" / f"j{j:04d}.bin", rng.integers(0, 256, int(rng.integers(1, 4000)), dtype=np.uint8).tobytes(), False)
    for j in range(40):
        add(corpus / "junk" / f"t{j:04d}.txt", f"benign text file {j}\n".encode() * (j + 1), False)
    for v in range(10):
        ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(v + 1)
        add(corpus / "video" / f"v{v:02d}.mp4", ftyp, False)
    corrupt = []
    for c in range(30):
        head = b"\xff\xd8\xff\xe0" if c % 2 else b"\x89PNG\r\n\x1a\n"
        path = corpus / "corrupt" / f"x{c:03d}.{'jpg' if c % 2 else 'png'}"
        add(path, head + rng.integers(0, 256, 500, dtype=np.uint8).tobytes(), False)
        items[str(path)]["error"] = True
        corrupt.append(str(path))

    # Reference hashes of every image item.
    pdq_cache = {}
    for path, it in items.items():
        data = it["bytes"]
        if data is not None:
            it["md5"] = hashlib.md5(data).hexdigest()
            it["sha1"] = hashlib.sha1(data).hexdigest()
            it["sha256"] = hashlib.sha256(data).hexdigest()
        if it["image"]:
            key = it["sha256"]
            if key not in pdq_cache:
                pdq_cache[key] = pdq_of(data)
            it["pdq"], it["quality"] = pdq_cache[key]

    # Banks: MD5 of bases 2, 12, 22, ... (VICS 2.0); reference PDQ of bases 8, 28, 48, ...
    md5_bases = list(range(2, args.bases, 10))
    pdq_bases = list(range(8, args.bases, 20))
    vics = {
        "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",
        "value": [
            {"MediaID": 1000 + i, "Category": "3", "MD5": hashlib.md5(bases[i][2]).hexdigest().upper(), "Series": f"planted-{i}"}
            for i in md5_bases
        ],
    }
    (root / "banks" / "known-md5.vics.json").write_text(json.dumps(vics))
    bank_pdq = [pdq_of(bases[i][2])[0] for i in pdq_bases]
    (root / "banks" / "known-pdq.txt").write_text("".join(h + "\n" for h in bank_pdq))

    md5_set = {hashlib.md5(bases[i][2]).hexdigest() for i in md5_bases}
    expected_items = {}
    for path, it in items.items():
        record = {k: it.get(k) for k in ("md5", "sha1", "sha256", "pdq", "quality")}
        record["member"] = bool(it.get("member"))
        if it.get("error"):
            outcome = "error"
        elif not it["image"]:
            outcome = "other"
        else:
            outcome = "media"
            q = it["quality"]
            assert q >= QUALITY_FLOOR + 5, f"{path}: quality {q} too close to the floor"
            if q >= QUALITY_FLOOR:
                d = min(dist(it["pdq"], b) for b in bank_pdq)
                assert d <= THRESHOLD - MARGIN or d >= THRESHOLD + MARGIN, f"{path}: PDQ distance {d} too close to the threshold"
                if d <= THRESHOLD:
                    outcome = "match"
        if it.get("md5") in md5_set:
            outcome = "match"
        record["outcome"] = outcome
        expected_items[path] = record
    # Clusters by the reference hashes must not hinge on the threshold either.
    hashed = [(p, r["pdq"]) for p, r in expected_items.items() if r["pdq"] and r["quality"] >= QUALITY_FLOOR]
    base_of = np.array([-1 - k if items[p].get("base") is None else items[p]["base"] for k, (p, _) in enumerate(hashed)])
    bits = np.array([np.frombuffer(bytes.fromhex(h), dtype=np.uint8) for _, h in hashed])
    for a in range(len(hashed)):
        d = np.unpackbits(np.bitwise_xor(bits[a + 1 :], bits[a]), axis=1).sum(axis=1)
        unrelated = base_of[a + 1 :] != base_of[a]
        close = d[unrelated & (d > THRESHOLD - MARGIN) & (d < THRESHOLD + MARGIN)]
        assert len(close) == 0, f"{hashed[a][0]}: a PDQ distance near the threshold"
    expected = {
        "threshold": THRESHOLD,
        "quality_floor": QUALITY_FLOOR,
        "corpus": str(corpus),
        "archives": archives,
        "items": expected_items,
        "planted_md5_bases": md5_bases,
        "planted_pdq_bases": pdq_bases,
    }
    (root / "expected.json").write_text(json.dumps(expected, indent=1))
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    print(f"triage corpus: {files} files, {len(items)} items, {len(archives)} archives in {corpus}")


if __name__ == "__main__":
    main()
