#!/usr/bin/env python3
"""vPDQ speed: seconds per minute of 720p video, Vigil against the vpdq package, same run.

Usage: video_bench.py --vigil PATH [--repeats N]

Generates (once) a benign one-minute 1280x720 30 fps H.264 video with the
ffmpeg CLI (testsrc2: moving shapes and colour bars, compressing like ordinary footage),
then times `vigil hash --json` and `vpdq.computeHash` on it (best of N,
wall clock, each as its own process), checks that both selected the same
frames and counts the bit-exact hashes, and prints a Markdown table.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts" / "oracle"))
import make_video_corpus as corpus  # noqa: E402

REFERENCE = """
import sys, json, vpdq
feats = vpdq.computeHash(sys.argv[1], seconds_per_hash=1, thread_count=int(sys.argv[2]))
print(json.dumps([[f.frame_number, f.hex] for f in feats]))
"""


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path(".build/video-bench"))
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    video = args.dir / "testsrc2-720p-60s.mp4"
    if not video.exists():
        corpus.ffmpeg("-f", "lavfi", "-i", "testsrc2=duration=60:size=1280x720:rate=30", "-c:v", "libx264",
                      "-pix_fmt", "yuv420p", "-preset", "veryfast", "-crf", "23", str(video))
    minutes = 1.0
    rows = []
    ref_frames = None
    for threads in (1, 0):
        best = min(timed([sys.executable, "-c", REFERENCE, str(video), str(threads)])[0] for _ in range(args.repeats))
        if ref_frames is None:
            ref_frames = json.loads(timed([sys.executable, "-c", REFERENCE, str(video), "1"])[1])
        rows.append((f"vpdq 0.2.5 `computeHash` (thread_count={threads})", best / minutes))
    runs = [timed([args.vigil, "hash", "--json", str(video)]) for _ in range(args.repeats)]
    best = min(t for t, _ in runs)
    ours = json.loads(runs[0][1].splitlines()[0])["vpdq"]
    rows.append(("Vigil `vigil hash --json` (release)", best / minutes))
    same = [f["frame"] for f in ours] == [f for f, _ in ref_frames]
    exact = sum(f["pdq"] == h for f, (_, h) in zip(ours, ref_frames))
    reference = min(r[1] for r in rows[:2])
    print(f"1280×720, 30 fps, 60 s H.264 (CRF 23), {len(ref_frames)} frames hashed; cores: {os.cpu_count()}; "
          f"best of {args.repeats}; same frames: {'yes' if same else 'NO'}; bit-exact: {exact}/{len(ref_frames)}")
    print()
    print("| implementation | s per minute of 720p | Vigil speed-up vs this |")
    print("|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / rows[-1][1]:.2f}× |")
    print()
    print(f"Vigil against the faster reference setting: {reference / rows[-1][1]:.2f}×")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
