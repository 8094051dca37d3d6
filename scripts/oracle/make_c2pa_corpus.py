#!/usr/bin/env python3
"""Generate Vigil's C2PA conformance corpus and c2pa-rs's answers for it (through c2pa-python).

Usage: make_c2pa_corpus.py --out DIR [--force]

Writes
  DIR/pki/               a throw-away test CA made here with openssl (P-256 root; leaves for ES256,
                         ES384, PS256 and Ed25519 with CA:FALSE, digitalSignature, emailProtection),
                         and a second, unrelated CA: the "wrong trust anchor". Never committed.
  DIR/files/<name>.*     benign generated JPEG/PNG/WebP images, signed by the reference with
                         manifests whose c2pa.created action has digitalSourceType
                         trainedAlgorithmicMedia, compositeWithTrainedAlgorithmicMedia or
                         digitalCapture, with claims v1 and v2; an unsigned copy; and tampered
                         copies: a flipped pixel byte, an edited claim, an edited assertion, a
                         truncated store; and sidecar stores (`<stem>.c2pa`) beside an unchanged
                         and a changed asset
  DIR/c2pa.json          for every file and every trust setting ("none": no anchors, "ca": the test
                         CA, "wrong": the unrelated CA): c2pa-rs's validation state ("absent" when
                         it finds no manifest, "error" when it refuses the file) and the set of
                         failure codes of the active manifest

HEIC and MP4 are not signed here: the reference's BMFF hashing (c2pa.hash.bmff) is not implemented
in Vigil yet, so they are left out of the corpus rather than compared.
"""

import argparse
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

import c2pa

DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SOURCE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "digitalCapture")
FORMATS = {"jpg": ("image/jpeg", "JPEG"), "png": ("image/png", "PNG"), "webp": ("image/webp", "WEBP")}
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
        "ps256": ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
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
    out = io.BytesIO()
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(out, format=FORMATS[fmt][1], quality=90)
    return out.getvalue()


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
    if fmt == "jpg":
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


def truncate_store(data: bytes, fmt: str) -> bytes:
    """Cuts the manifest store in half while keeping the container well formed."""
    b = bytearray(data)
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
    return {"state": reader.get_validation_state(), "failure_codes": sorted(codes)}


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
                if i == 0 and version == 2:
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
    anchors = {"none": None, "ca": (pki / "ca.pem").read_text(), "wrong": (pki / "wrongca.pem").read_text()}
    oracle = {}
    for name, mime in entries:
        oracle[name] = {key: read(files / name, mime, pem) for key, pem in anchors.items()}
    (args.out / "c2pa.json").write_text(json.dumps({"files": oracle}, indent=1, sort_keys=True))
    print(f"c2pa corpus: {len(entries)} files in {files}", file=sys.stderr)


if __name__ == "__main__":
    main()
