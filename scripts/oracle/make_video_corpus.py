#!/usr/bin/env python3
"""Build the benign video corpus and the vpdq reference's answers for it.

Usage: make_video_corpus.py --out DIR [--force]

Every video is generated here with the ffmpeg CLI from its synthetic sources
(testsrc, mandelbrot, and moving shapes over seeded noise); nothing is
downloaded.  Writes:

* DIR/videos/*: conformance videos in MP4, MOV, WebM, MKV (variable frame
  rate), AVI and animated GIF at 25, 29.97 and 30 fps, one with its video
  track after an audio track;
* DIR/oracle.json: for each, the `vpdq` package's features
  (frame, quality, hex, timestamp) and its text format;
* DIR/bad/*: hostile inputs (zero-length, truncated, audio only, not a video);
* DIR/match/*: a 2-minute video, a 10-second clip cut from it at 60 s, a
  re-encoded copy (other CRF and resolution) and an unrelated video, with
  DIR/match.json holding the reference's features and the
  python-threatexchange match percentages computed from them.
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import vpdq

DISTANCE = 31  # python-threatexchange VPDQ distance threshold (inclusive)
QUALITY = 50  # python-threatexchange quality floor


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args], check=True)


def shapes(size: str, rate: str, seconds: float, seed: int, post: str = "") -> list[str]:
    """A red and a blue box moving over seeded noise: coarse blobs that change every frame (low
    frequencies, which PDQ keeps) under fine static grain."""
    w, h = (int(v) for v in size.split("x"))
    graph = (
        f"color=c=gray:s={w // 10}x{h // 10}:r={rate}:d={seconds},noise=alls=100:allf=t+u:all_seed={seed},"
        f"scale={size}:flags=bicubic,noise=alls=20:allf=u:all_seed={seed + 1}[bg];"
        f"color=c=red:s={w // 5}x{h // 5}:r={rate}:d={seconds}[a];"
        f"color=c=blue:s={w // 8}x{h // 3}:r={rate}:d={seconds}[b];"
        f"[bg][a]overlay=x='mod(t*{w // 3},{w - w // 5})':y='{h // 3}+{h // 5}*sin(t*1.3)'[c];"
        f"[c][b]overlay=x='{w // 2}+{w // 3}*cos(t*0.7)':y='mod(t*{h // 4},{h - h // 3})'{post}[v]"
    )
    return ["-filter_complex", graph, "-map", "[v]"]


def conformance(videos: Path) -> None:
    x264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast"]
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=6:size=320x240:rate=25", *x264, str(videos / "testsrc-25.mp4"))
    ffmpeg("-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=30000/1001", "-t", "5", *x264, str(videos / "mandelbrot-2997.mov"))
    ffmpeg(*shapes("352x288", "30", 5, 7), "-c:v", "libvpx-vp9", "-b:v", "300k", "-deadline", "realtime", str(videos / "shapes-30.webm"))
    ffmpeg(*shapes("320x180", "25", 5, 11), "-c:v", "mpeg4", "-q:v", "4", str(videos / "shapes-25.avi"))
    # Variable frame rate: every third frame is held half a frame longer.
    ffmpeg(*shapes("320x240", "25", 6, 13, post=",setpts='(N+floor(N/3)*0.5)/(25*TB)'"), "-fps_mode", "vfr", *x264, str(videos / "shapes-vfr.mkv"))
    ffmpeg("-f", "lavfi", "-i", "testsrc2=duration=3:size=160x120:rate=10", "-vf", "split[a][b];[a]palettegen[p];[b][p]paletteuse", str(videos / "testsrc2-10.gif"))
    # Many IDR frames (every 20 frames, off the 30-frame sampling grid), and an open GOP (I frames
    # that are not IDR): Vigil decodes the runs between IDR frames concurrently.
    ffmpeg(*shapes("320x240", "30", 8, 17), *x264, "-g", "20", "-keyint_min", "20", str(videos / "shapes-idr20-30.mp4"))
    ffmpeg("-f", "lavfi", "-i", "testsrc2=duration=6:size=320x240:rate=30", *x264, "-x264-params", "keyint=45:open-gop=1",
           str(videos / "testsrc2-open-gop.mp4"))
    # The video track is stream 1 (after an audio track): the reference does not drain the decoder then.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=5", "-f", "lavfi", "-i", "testsrc=duration=5:size=320x240:rate=29.97",
           "-map", "0:a", "-map", "1:v", *x264, "-c:a", "aac", str(videos / "audio-first-2997.mp4"))


def hostile(bad: Path, good: Path) -> None:
    (bad / "empty.mp4").write_bytes(b"")
    data = good.read_bytes()
    (bad / "truncated.mp4").write_bytes(data[: len(data) // 3])
    (bad / "not-a-video.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", str(bad / "audio-only.mp4"))
    # A Matroska header with nothing after it: a zero-length video.
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=25", "-frames:v", "0", "-c:v", "libx264", str(bad / "zero-frames.mkv"))


def matching(match: Path) -> None:
    x264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast"]
    long = match / "long.mp4"
    ffmpeg(*shapes("320x240", "25", 120, 21), *x264, "-crf", "26", "-g", "50", str(long))
    ffmpeg("-ss", "60", "-i", str(long), "-t", "10", *x264, "-crf", "23", str(match / "clip-60s.mp4"))
    ffmpeg("-i", str(long), "-vf", "scale=240:180", *x264, "-crf", "32", str(match / "reencoded.mp4"))
    ffmpeg("-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=25", "-t", "30", *x264, str(match / "unrelated.mp4"))


def features(path: Path) -> list[dict]:
    return [
        {"frame": f.frame_number, "quality": f.quality, "pdq": f.hex, "timestamp": f.timestamp}
        for f in vpdq.computeHash(str(path), seconds_per_hash=1, thread_count=1)
    ]


def text(feats: list[dict]) -> str:
    return "".join(f"{f['frame']},{f['quality']},{f['pdq']},{f['timestamp']:.3f}\n" for f in feats)


def usable(feats: list[dict]) -> list[dict]:
    seen, out = set(), []
    for f in feats:
        if f["pdq"] not in seen:
            seen.add(f["pdq"])
            if f["quality"] >= QUALITY:
                out.append(f)
    return out


def matched(a: list[dict], b: list[dict]) -> int:
    return sum(any((int(x["pdq"], 16) ^ int(y["pdq"], 16)).bit_count() <= DISTANCE for y in b) for x in a)


def percentages(query: list[dict], compared: list[dict]) -> tuple[float, float]:
    """python-threatexchange's match_VPDQ_hash_brute: (query match %, compared match %)."""
    q, c = usable(query), usable(compared)
    if not q or not c:
        return 0.0, 0.0
    return matched(q, c) * 100 / len(q), matched(c, q) * 100 / len(c)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    out: Path = args.out
    if out.exists():
        if not args.force:
            print(f"{out} exists (use --force)", file=sys.stderr)
            return 1
        shutil.rmtree(out)
    videos, bad, match = out / "videos", out / "bad", out / "match"
    for d in (videos, bad, match):
        d.mkdir(parents=True)
    conformance(videos)
    hostile(bad, videos / "testsrc-25.mp4")
    matching(match)

    oracle = {}
    for path in sorted(videos.iterdir()):
        feats = features(path)
        oracle[path.name] = {"vpdq": feats, "text": text(feats)}
    (out / "oracle.json").write_text(json.dumps(oracle, indent=1))

    bank = {p.name: features(p) for p in sorted(match.iterdir())}
    pairs = {}
    for query in ("clip-60s.mp4", "reencoded.mp4", "unrelated.mp4"):
        qp, cp = percentages(bank[query], bank["long.mp4"])
        pairs[query] = {"long.mp4": {"query_match_percent": qp, "compare_match_percent": cp}}
    (out / "match.json").write_text(json.dumps({"vpdq": bank, "percentages": pairs}, indent=1))
    print(f"video corpus: {len(oracle)} videos, {len(list(bad.iterdir()))} hostile, {len(bank)} for matching in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
