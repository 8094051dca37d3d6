#!/usr/bin/env python3
"""Generate Vigil's C2PA conformance corpus and c2pa-rs's answers for it (through c2pa-python).

Usage: make_c2pa_corpus.py --out DIR [--force]

Writes
  DIR/pki/               a throw-away test CA made here with openssl (P-256 root; leaves for ES256, ES384,
                         ES512, PS256, PS384, PS512 and Ed25519 with CA:FALSE, digitalSignature, emailProtection),
                         and a second, unrelated CA: the "wrong trust anchor". Never committed.
  DIR/files/<name>.*     benign generated JPEG/PNG/WebP images, signed by the reference with
                         manifests whose c2pa.created action has digitalSourceType
                         trainedAlgorithmicMedia, compositeWithTrainedAlgorithmicMedia or
                         digitalCapture, with claims v1 and v2; an unsigned copy; and tampered
                         copies: a flipped pixel byte, an edited claim, an edited assertion, a
                         truncated store; and sidecar stores (`<stem>.c2pa`) beside an unchanged
                         and a changed asset
  DIR/files/ingredients-v2-*.jpg  a JPEG signed with three ingredients (a valid parent, a component
                         whose own manifest is Invalid, an unsigned input)
  DIR/c2pa.json          for every file and every trust setting ("none": no anchors, "ca": the test
                         CA, "wrong": the unrelated CA): c2pa-rs's validation state ("absent" when
                         it finds no manifest, "error" when it refuses the file) and the set of
                         failure codes of the active manifest, and its ingredients (title, format,
                         relationship, active manifest label, the failure codes of their validation)

HEIC (pillow-heif's libheif/x265) and MP4 (ffmpeg's libx264, seeded noise) are signed the same way;
c2pa-rs binds them with c2pa.hash.bmff.v2 (claims v1) and c2pa.hash.bmff.v3 (claims v2). They get
the same tamper set (the flipped byte is inside `mdat`); sidecars are made for JPEG/PNG/WebP only.
"""

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

import c2pa

DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SOURCE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "digitalCapture")
FORMATS = {"jpg": ("image/jpeg", "JPEG"), "png": ("image/png", "PNG"), "webp": ("image/webp", "WEBP"),
           "heic": ("image/heic", "HEIF"), "mp4": ("video/mp4", None)}
BMFF = ("heic", "mp4")
# Markers the tamper steps edit: the first lives only in the claim, the second only in an assertion.
CLAIM_MARK = b"VigilCorpusGen"
ASSERTION_MARK = b"vigil-agent-x"


def sh(*args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_pki(pki: Path):
    """A root CA and leaves for each algorithm, plus an unrelated root."""
    pki.mkdir(parents=True)
    ext = pki / "leaf.ext"
    ext.write_text(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    ca_ext = pki / "ca.ext"
    ca_ext.write_text(
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n"
    )
    for ca in ("ca", "wrongca"):
        sh("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{ca}.key", cwd=pki)
        sh("openssl", "req", "-new", "-key", f"{ca}.key", "-subj", f"/CN=Vigil Test {ca}/O=Vigil Test", "-out",
           f"{ca}.csr", cwd=pki)
        sh("openssl", "x509", "-req", "-in", f"{ca}.csr", "-signkey", f"{ca}.key", "-days", "30", "-sha256",
           "-extfile", str(ca_ext), "-out", f"{ca}.pem", cwd=pki)
    keys = {
        "es256": ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "es384": ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        "es512": ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
        "ps256": ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        "ps384": ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
        "ps512": ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
        "ed25519": ["openssl", "genpkey", "-algorithm", "ED25519"],
    }
    for alg, cmd in keys.items():
        sh(*cmd, "-out", f"{alg}.key", cwd=pki)
        sh("openssl", "req", "-new", "-key", f"{alg}.key", "-subj", f"/CN=Vigil Test Signer {alg}/O=Vigil Test",
           "-out", f"{alg}.csr", cwd=pki)
        sh("openssl", "x509", "-req", "-in", f"{alg}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
           "-days", "20", "-sha256", "-extfile", str(ext), "-out", f"{alg}.crt", cwd=pki)
        chain = (pki / f"{alg}.crt").read_text() + (pki / "ca.pem").read_text()
        (pki / f"{alg}.chain.pem").write_text(chain)
    return list(keys)


def benign_image(seed: int, fmt: str) -> bytes:
    """Seeded noise over a gradient, with a drawn rectangle."""
    rng = np.random.default_rng(seed)
    h, w = 96 + seed % 7, 128 + seed % 5
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([(x * 2) % 256, (y * 2) % 256, (x + y) % 256], axis=-1).astype(np.int16)
    img += rng.integers(-20, 20, size=img.shape)
    img[h // 4:h // 2, w // 4:w // 2] = (30, 140, 200)
    if fmt == "mp4":
        return benign_video(np.clip(img, 0, 255).astype(np.uint8), seed)
    if fmt == "heic":
        import pillow_heif
        pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(out, format=FORMATS[fmt][1], quality=90)
    return out.getvalue()


def benign_video(frame: np.ndarray, seed: int) -> bytes:
    """Ten frames of the image drifting sideways, H.264 in MP4 (ffmpeg, no audio, no metadata)."""
    h, w = frame.shape[0] & ~1, frame.shape[1] & ~1
    frames = b"".join(np.roll(frame[:h, :w], 3 * i, axis=1).tobytes() for i in range(10))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"v{seed}.mp4"
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
                        "-s", f"{w}x{h}", "-r", "10", "-i", "-", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                        "-bitexact", "-map_metadata", "-1", str(out)], input=frames, check=True)
        return out.read_bytes()


def manifest(source_type: str, version: int) -> dict:
    m = {
        "claim_generator_info": [{"name": CLAIM_MARK.decode(), "version": "1.0"}],
        "title": "benign test image",
        "assertions": [{
            "label": "c2pa.actions",
            "data": {"actions": [{
                "action": "c2pa.created",
                "digitalSourceType": DST + source_type,
                "softwareAgent": {"name": ASSERTION_MARK.decode()},
            }]},
        }],
    }
    if version == 1:
        m["claim_version"] = 1
        m["claim_generator"] = CLAIM_MARK.decode() + "/1.0"
    else:
        m["claim_version"] = 2
    return m


def sign(src: bytes, mime: str, alg: str, pki: Path, source_type: str, version: int, sidecar: bool = False):
    """The signed asset; with `sidecar`, (the unchanged asset, the bare manifest store)."""
    info = c2pa.C2paSignerInfo(alg.encode(), (pki / f"{alg}.chain.pem").read_bytes(), (pki / f"{alg}.key").read_bytes(),
                               None)
    signer = c2pa.Signer.from_info(info)
    builder = c2pa.Builder(manifest(source_type, version))
    if sidecar:
        builder.set_no_embed()
    dst = io.BytesIO()
    store = builder.sign(signer, mime, io.BytesIO(src), dst)
    return (src, bytes(store)) if sidecar else dst.getvalue()


def flip_pixel(data: bytes, fmt: str) -> bytes:
    """Flips one byte of image data, outside any manifest."""
    b = bytearray(data)
    if fmt in BMFF:
        box = top_level_box(b, b"mdat")
        pos = box[0] + box[1] // 2
    elif fmt == "jpg":
        pos = len(b) - 40  # entropy-coded data just before EOI
    elif fmt == "png":
        pos = b.rfind(b"IDAT") + 20
    else:
        pos = b.find(b"VP8") + 30
    b[pos] ^= 0x01
    return bytes(b)


def replace_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new) and old in data, old
    return data.replace(old, new, 1)


def top_level_box(b: bytes, kind: bytes, uuid: bytes | None = None):
    """(offset, size) of the first top-level BMFF box of `kind` (with `uuid` for uuid boxes)."""
    at = 0
    while at + 8 <= len(b):
        size = int.from_bytes(b[at:at + 4], "big")
        if size == 1:
            size = int.from_bytes(b[at + 8:at + 16], "big")
        elif size == 0:
            size = len(b) - at
        if b[at + 4:at + 8] == kind and (uuid is None or b[at + 8:at + 24] == uuid):
            return at, size
        at += size
    raise ValueError(f"no {kind} box")


C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")


def truncate_store(data: bytes, fmt: str) -> bytes:
    """Cuts the manifest store in half while keeping the container well formed."""
    b = bytearray(data)
    if fmt in BMFF:
        at, size = top_level_box(b, b"uuid", C2PA_UUID)
        keep = size // 2
        return bytes(b[:at]) + keep.to_bytes(4, "big") + bytes(b[at + 4:at + keep]) + bytes(b[at + size:])
    if fmt == "png":
        i = b.find(b"caBX") - 4
        n = int.from_bytes(b[i:i + 4], "big")
        keep = n // 2
        import zlib
        chunk = bytes(b[i + 4:i + 8 + keep])
        new = keep.to_bytes(4, "big") + chunk + zlib.crc32(chunk).to_bytes(4, "big")
        return bytes(b[:i]) + new + bytes(b[i + 12 + n:])
    if fmt == "webp":
        i = b.find(b"C2PA")
        n = int.from_bytes(b[i + 4:i + 8], "little")
        keep = (n // 2) & ~1
        out = b[:i + 4] + keep.to_bytes(4, "little") + b[i + 8:i + 8 + keep] + b[i + 8 + n + (n & 1):]
        out[4:8] = (len(out) - 8).to_bytes(4, "little")
        return bytes(out)
    # JPEG: the store's APP11 segments; cut the last one's payload in half.
    segs, at = [], 2
    while at + 4 <= len(b) and b[at] == 0xFF and b[at + 1] not in (0xDA, 0xD9):
        length = int.from_bytes(b[at + 2:at + 4], "big")
        if b[at + 1] == 0xEB:
            segs.append((at, length))
        at += 2 + length
    at, length = segs[-1]
    keep = 16 + (length - 16) // 2
    seg = b"\xff\xeb" + keep.to_bytes(2, "big") + bytes(b[at + 4:at + 2 + keep])
    return bytes(b[:at]) + seg + bytes(b[at + 2 + length:])


def read(path: Path, mime: str, anchors: str | None):
    """c2pa-rs's answer for `path`, with its sidecar `<stem>.c2pa` when there is one."""
    settings = {"verify": {"verify_trust": True}}
    if anchors:
        settings["trust"] = {"user_anchors": anchors}
    ctx = c2pa.Context.from_dict(settings)
    sidecar = path.with_suffix(".c2pa")
    try:
        with open(path, "rb") as f:
            if sidecar.exists():
                reader = c2pa.Reader(mime, f, sidecar.read_bytes(), context=ctx)
            else:
                reader = c2pa.Reader(mime, f, context=ctx)
    except Exception as e:  # noqa: BLE001  the reference refusing the file is itself an answer
        if "ManifestNotFound" in type(e).__name__ or "ManifestNotFound" in str(e):
            return {"state": "absent", "failure_codes": []}
        return {"state": "error", "failure_codes": [], "error": type(e).__name__}
    results = reader.get_validation_results() or {}
    codes = set()
    active = results.get("activeManifest") or {}
    for entry in active.get("failure", []):
        codes.add(entry["code"])
    answer = {"state": reader.get_validation_state(), "failure_codes": sorted(codes)}
    store = json.loads(reader.json())
    ingredients = (store.get("manifests", {}).get(store.get("active_manifest"), {}) or {}).get("ingredients") or []
    if ingredients:
        answer["ingredients"] = [ingredient_summary(i) for i in ingredients]
    return answer


def ingredient_summary(ingredient: dict) -> dict:
    """What c2pa-rs reports of an ingredient: title, format, relationship, the label of its active
    manifest, and the failure codes of its validation (v3 `validation_results`, older `validation_status`)."""
    results = ingredient.get("validation_results") or {}
    failures = [e["code"] for e in (results.get("activeManifest") or {}).get("failure", [])]
    failures += [e["code"] for e in ingredient.get("validation_status") or []]
    return {"title": ingredient.get("title"), "format": ingredient.get("format"),
            "relationship": ingredient.get("relationship"), "active_manifest": ingredient.get("active_manifest"),
            "failure_codes": sorted(set(failures))}


def sign_with_ingredients(src: bytes, pki: Path, version: int, ingredients) -> bytes:
    """`src` signed (ES256) with `ingredients`: (title, relationship, mime, bytes) each."""
    info = c2pa.C2paSignerInfo(b"es256", (pki / "es256.chain.pem").read_bytes(), (pki / "es256.key").read_bytes(), None)
    builder = c2pa.Builder(manifest("compositeWithTrainedAlgorithmicMedia", version))
    for title, relationship, mime, data in ingredients:
        builder.add_ingredient({"title": title, "relationship": relationship}, mime, io.BytesIO(data))
    dst = io.BytesIO()
    builder.sign(c2pa.Signer.from_info(info), "image/jpeg", io.BytesIO(src), dst)
    return dst.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    if args.out.exists():
        if not args.force:
            sys.exit(f"{args.out} exists (use --force)")
        shutil.rmtree(args.out)
    args.out = args.out.resolve()
    pki, files = args.out / "pki", args.out / "files"
    algs = make_pki(pki)
    files.mkdir(parents=True)
    entries = []  # (name, mime)
    seed = 0
    for fmt, (mime, _) in FORMATS.items():
        plain = benign_image(seed, fmt)
        (files / f"unsigned.{fmt}").write_bytes(plain)
        entries.append((f"unsigned.{fmt}", mime))
        for version in (1, 2):
            for i, source_type in enumerate(SOURCE_TYPES):
                seed += 1
                alg = algs[(seed + version) % len(algs)]
                signed = sign(benign_image(seed, fmt), mime, alg, pki, source_type, version)
                name = f"v{version}-{source_type}-{alg}.{fmt}"
                (files / name).write_bytes(signed)
                entries.append((name, mime))
                if i == 0 and version == 2 and fmt not in BMFF:
                    # A sidecar store beside an unchanged asset, and a sidecar for a changed one.
                    seed += 1
                    asset, store = sign(benign_image(seed, fmt), mime, alg, pki, source_type, version, sidecar=True)
                    for kind, data in (("sidecar", asset), ("sidecar-pixel", flip_pixel(asset, fmt))):
                        (files / f"{kind}-{fmt}.{fmt}").write_bytes(data)
                        (files / f"{kind}-{fmt}.c2pa").write_bytes(store)
                        entries.append((f"{kind}-{fmt}.{fmt}", mime))
                if i == 0:
                    tampered = {
                        "pixel": flip_pixel(signed, fmt),
                        "claim": replace_once(signed, CLAIM_MARK, CLAIM_MARK[:-1] + b"X"),
                        "assertion": replace_once(signed, ASSERTION_MARK, ASSERTION_MARK[:-1] + b"y"),
                        "truncated": truncate_store(signed, fmt),
                    }
                    for kind, data in tampered.items():
                        tname = f"tampered-{kind}-v{version}.{fmt}"
                        (files / tname).write_bytes(data)
                        entries.append((tname, mime))
    # A JPEG with three ingredients: a validly signed parent, a component whose own manifest is
    # Invalid (its pixels were changed after signing), and an unsigned input. c2pa-python builds
    # c2pa.ingredient.v3, which a v1 claim cannot carry ("ingredient version too new"), so v2 only.
    for version in (1, 2):
        seed += 1
        try:
            data = sign_with_ingredients(benign_image(seed, "jpg"), pki, version, [
                ("signed parent.jpg", "parentOf", "image/jpeg", next(files.glob("v2-digitalCapture-*.jpg")).read_bytes()),
                ("changed component.jpg", "componentOf", "image/jpeg", (files / "tampered-pixel-v1.jpg").read_bytes()),
                ("plain input.png", "inputTo", "image/png", (files / "unsigned.png").read_bytes()),
            ])
        except c2pa.C2paError as e:
            print(f"c2pa corpus: no v{version} ingredient file: {e}", file=sys.stderr)
            continue
        # Named after its source type, like the other signed files.
        name = f"ingredients-v{version}-compositeWithTrainedAlgorithmicMedia.jpg"
        (files / name).write_bytes(data)
        entries.append((name, "image/jpeg"))
    anchors = {"none": None, "ca": (pki / "ca.pem").read_text(), "wrong": (pki / "wrongca.pem").read_text()}
    oracle = {}
    for name, mime in entries:
        oracle[name] = {key: read(files / name, mime, pem) for key, pem in anchors.items()}
    (args.out / "c2pa.json").write_text(json.dumps({"files": oracle}, indent=1, sort_keys=True))
    print(f"c2pa corpus: {len(entries)} files in {files}", file=sys.stderr)


if __name__ == "__main__":
    main()
