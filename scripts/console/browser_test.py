#!/usr/bin/env python3
"""Real-browser test of the review console: headless Chromium (Debian's package) driven over the
Chrome DevTools protocol on a pipe (--remote-debugging-pipe; standard library only).

It starts `vigil serve` on a fresh data directory with a console analyst, a bank (Project VIC 2:
the shipped policy's `review` verdict) holding the MD5 of a generated benign picture, scans that
picture, then in the browser: logs in, opens the queue, checks the preview is blurred (small, and
its edge energy far below the revealed rendering's), reveals it (the exposure counter goes 0 → 1),
claims and confirms it with a category, and finds the decision in the console's audit view (as a
lead, with the chain verified). A benign test-pattern video (made with the ffmpeg CLI) shows
blurred greyscale stills first, reveals (counted) and plays only muted, without autoplay, after
a counted playback; the signals column names the bank. Then it edits,
deletes and reorders audit rows in copies of the database, and `vigil audit verify` must catch
each. Screenshots go to .ci/artifacts/console/. Usage: browser_test.py --vigil .build/debug/vigil [--port N]
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", ".ci", "artifacts", "console")


def picture_bmp(width=160, height=120):
    """A benign generated picture: gradients, stripes and a disc."""
    stride = (width * 3 + 3) // 4 * 4
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            disc = (x - 60) ** 2 + (y - 50) ** 2 < 900
            row += bytes([30, 200, 240]) if disc else bytes([x * 255 // width, (y * 2) % 256, (x // 10) % 2 * 220])
        rows.append(bytes(row) + b"\0" * (stride - width * 3))
    pixels = b"".join(rows)
    header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 0, 0, 0, 0)
    return header + info + pixels


class Browser:
    """Chromium over --remote-debugging-pipe: fd 3 carries commands in, fd 4 answers out, NUL-separated."""

    def __init__(self, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire():
            # Our pipe ends may sit on 3 or 4 themselves: move both out of the way first.
            read_end, write_end = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            sys.exit("browser_test: chromium is not installed (scripts/bootstrap installs it)")
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "--window-size=1200,900", "about:blank"],
            preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL, stderr=open(os.path.join(profile, "stderr.log"), "w"))
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)

    def read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium exited")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            answer = self.read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_load(self, timeout=300):
        # Generous: a login verifies a scrypt hash (N=2^16), which takes a minute in a debug build on a busy machine.
        deadline = time.time() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == "Page.loadEventFired":
                    del self.events[: i + 1]
                    return
            self.events.append(self.read_message(deadline))

    def navigate(self, url):
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_load()

    def js(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                           session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {expression[:80]}")
        return result["result"].get("value")

    def submit(self, expression):
        """Runs `expression` (which clicks a submit button) and waits for the next page."""
        self.events.clear()
        self.js(expression)
        self.wait_load()

    def screenshot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        with open(os.path.join(ARTIFACTS, name), "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        self.process.kill()
        self.process.wait()


# Edge energy of the preview image, read through a canvas (same origin).
EDGE_ENERGY = """(async () => {
  const img = document.querySelector('#preview');
  if (!img.complete) await new Promise(r => img.onload = r);
  const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let sum = 0, n = 0;
  for (let y = 0; y < c.height; y++) for (let x = 1; x < c.width; x++) {
    const a = d[4 * (y * c.width + x)], b = d[4 * (y * c.width + x - 1)]; sum += (a - b) * (a - b); n++;
  }
  const grey = Array.from({length: c.width * c.height}, (_, i) => d[4*i] === d[4*i+1] && d[4*i+1] === d[4*i+2]).every(v => v);
  return {energy: sum / n, width: img.naturalWidth, grey: grey, cls: img.className};
})()"""


# The video stills strip: size, greyness and edge energy, as for a still preview.
STILLS = EDGE_ENERGY.replace("return {energy", "return {height: img.naturalHeight, energy")


def test_video(seconds=4):
    """A benign test-pattern video (ffmpeg's testsrc) with a sine audio track."""
    path = tempfile.mktemp(suffix=".mp4", prefix="vigil-browser-")
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=5",
                    "-f", "lavfi", "-i", "sine=frequency=440", "-t", str(seconds), "-c:v", "mpeg4", "-q:v", "3",
                    "-c:a", "aac", "-shortest", path], check=True)
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    return data


def tamper_checks(vigil, data):
    """Edits, deletes and reorders audit rows directly in copies of the database: `vigil audit
    verify` must fail (exit 1) and name the first bad entry."""
    import sqlite3
    columns = "at, actor, action, subject, detail, previous, sha256"
    tampers = {
        "edit": ("UPDATE audit SET actor = 'user:mallory' WHERE seq = 3", 3),
        "delete": ("DELETE FROM audit WHERE seq = 3", 4),
        # Entries 2 and 3 trade places (seq is the row id, so their contents swap).
        "reorder": (f"""CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (2, 3);
            UPDATE audit SET ({columns}) = (SELECT {columns} FROM t WHERE t.seq = 5 - audit.seq) WHERE seq IN (2, 3)""", 2),
    }
    for name, (sql, first_bad) in tampers.items():
        copy = tempfile.mkdtemp(prefix=f"vigil-tamper-{name}-")
        try:
            for file in os.listdir(data):
                if file.startswith("vigil.sqlite"):
                    shutil.copy(os.path.join(data, file), copy)
            db = sqlite3.connect(os.path.join(copy, "vigil.sqlite"))
            db.executescript(sql)
            db.commit()
            db.close()
            result = subprocess.run([vigil, "audit", "verify", "--data", copy], capture_output=True, text=True)
            assert result.returncode == 1, f"{name}: audit verify passed a tampered log"
            assert f"broken at entry {first_bad}:" in result.stderr, f"{name}: {result.stderr.strip()}"
        finally:
            shutil.rmtree(copy, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigil", default=".build/debug/vigil")
    parser.add_argument("--port", type=int, default=int(os.environ.get("VIGIL_BROWSER_PORT", "18766")))
    args = parser.parse_args()
    vigil = os.path.abspath(args.vigil)
    data = tempfile.mkdtemp(prefix="vigil-browser-")
    profile = tempfile.mkdtemp(prefix="vigil-chromium-")
    base = f"http://127.0.0.1:{args.port}"
    password = "correct horse battery staple"
    server = browser = None
    try:
        run = lambda *a, **k: subprocess.run([vigil, *a], check=True, capture_output=True, text=True, **k)
        run("users", "create", "--data", data, "--name", "alice", "--role", "analyst", input=password + "\n")
        run("users", "create", "--data", data, "--name", "lena", "--role", "lead", input=password + "\n")
        key = run("keys", "create", "--data", data, "--name", "browser", "--scopes", "scan,admin").stdout.strip().splitlines()[-1]
        picture = picture_bmp()
        video = test_video()
        listing = os.path.join(data, "list.txt")
        with open(listing, "w") as f:
            f.write("md5:" + hashlib.md5(picture).hexdigest() + "\n")
            f.write("md5:" + hashlib.md5(video).hexdigest() + "\n")
        run("banks", "import", "--data", data, "--bank", "vic2", "--create", "--category", "2", "--format", "text", listing)
        server = subprocess.Popen([vigil, "serve", "--data", data, "--host", "127.0.0.1", "--port", str(args.port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        request = urllib.request.Request(base + "/v1/scan", data=picture, headers={"Authorization": f"Bearer {key}"})
        verdict = json.load(urllib.request.urlopen(request))["verdict"]
        assert verdict == "review", f"the scan's verdict is {verdict}, expected review"
        request = urllib.request.Request(base + "/v1/scan", data=video, headers={"Authorization": f"Bearer {key}"})
        verdict = json.load(urllib.request.urlopen(request))["verdict"]
        assert verdict == "review", f"the video scan's verdict is {verdict}, expected review"

        browser = Browser(profile)
        browser.navigate(base + "/console/login")
        browser.screenshot("1-login.png")
        browser.submit(f"""document.querySelector('input[name=name]').value = 'alice';
            document.querySelector('input[name=password]').value = {json.dumps(password)};
            document.querySelector('#login').click()""")
        assert browser.js("location.pathname") == "/console/queue", "login did not reach the queue"
        assert browser.js("document.querySelectorAll('a.item').length") == 2, "the scanned items are not queued"
        browser.screenshot("2-queue.png")
        # The picture came first: same category and confidence, older.
        browser.submit("document.querySelector('a.item').click()")
        assert browser.js("document.querySelector('#matches td.bank').textContent") == "vic2", "no bank in the signals"
        assert browser.js("document.querySelector('#matches td.distance').textContent") == "0"
        blurred = browser.js(EDGE_ENERGY)
        assert blurred["cls"] == "blurred" and blurred["width"] <= 96 and blurred["grey"], f"preview not safe: {blurred}"
        assert browser.js("document.querySelector('#exposure').textContent") == "0"
        browser.screenshot("3-item-blurred.png")
        browser.submit("document.querySelector('#reveal').click()")
        revealed = browser.js(EDGE_ENERGY)
        assert revealed["cls"] == "revealed" and revealed["grey"], f"reveal failed: {revealed}"
        assert blurred["energy"] * 4 < revealed["energy"], f"the preview was not blurred: {blurred} vs {revealed}"
        assert browser.js("document.querySelector('#exposure').textContent") == "1", "the exposure counter did not count"
        browser.screenshot("4-item-revealed.png")
        browser.submit("document.querySelector('#claim').click()")
        assert browser.js("document.querySelector('#claimed').textContent") == "alice"
        browser.submit("document.querySelector('#category').value = 'A2'; document.querySelector('#confirm').click()")
        assert "confirmed" in browser.js("document.querySelector('#message').textContent")
        browser.screenshot("5-confirmed.png")

        # The video: blurred greyscale stills first, no player until a reveal and a counted playback.
        browser.submit("document.querySelector('a.item').click()")
        assert browser.js("document.querySelector('video')") is None, "a video player before any reveal"
        stills = browser.js(STILLS)
        assert stills["cls"] == "blurred stills" and stills["grey"], f"video stills not safe: {stills}"
        assert stills["height"] <= 96 and stills["width"] > 3 * stills["height"], f"not a strip of stills: {stills}"
        browser.screenshot("6-video-stills-blurred.png")
        browser.submit("document.querySelector('#reveal').click()")
        sharp = browser.js(STILLS)
        assert sharp["cls"] == "revealed stills" and sharp["grey"] and stills["energy"] * 4 < sharp["energy"], sharp
        assert browser.js("document.querySelector('#exposure').textContent") == "2", "the stills reveal was not counted"
        assert browser.js("document.querySelector('video')") is None, "a video player before playback was asked for"
        browser.submit("document.querySelector('#play').click()")
        player = browser.js("""(() => { const v = document.querySelector('video#player');
            return {muted: v.muted, attr: v.hasAttribute('muted'), autoplay: v.autoplay, paused: v.paused}; })()""")
        assert player == {"muted": True, "attr": True, "autoplay": False, "paused": True}, f"player not safe: {player}"
        assert browser.js("document.querySelector('#exposure').textContent") == "3", "playback was not counted"
        browser.screenshot("7-video-playback-muted.png")

        # The audit entry, found by a lead in the console's audit view, with the chain verified.
        browser.submit("document.querySelector('header form button').click()")
        browser.submit(f"""document.querySelector('input[name=name]').value = 'lena';
            document.querySelector('input[name=password]').value = {json.dumps(password)};
            document.querySelector('#login').click()""")
        browser.navigate(base + "/console/audit")
        assert browser.js("document.querySelector('#verify').textContent").startswith("Chain verified")
        rows = browser.js("""Array.from(document.querySelectorAll('#audit tr')).slice(1).map(r =>
            [r.querySelector('.actor').textContent, r.querySelector('.action').textContent])""")
        for expected in [["user:alice", "login"], ["user:alice", "review.reveal"], ["user:alice", "review.confirmed"],
                         ["user:alice", "review.play"], ["user:lena", "login"]]:
            assert expected in rows, f"no audit entry {expected} in the console's audit view"
        assert any(actor.startswith("cli:") and action == "key.create" for actor, action in rows), "key creation not audited"
        assert any(actor.startswith("cli:") and action == "user.create" for actor, action in rows), "user creation not audited"
        assert any(actor.startswith("cli:") and action == "bank.import" for actor, action in rows), "bank edit not audited"
        assert any(actor == "key:browser" and action == "scan.review" for actor, action in rows), "scan not audited"
        browser.screenshot("8-audit.png")
        run("audit", "verify", "--data", data)
        print("browser_test: login, queue, blurred preview, reveal (counted), confirm A2, video stills and muted playback"
              " (counted), signals, audit entry in the console's audit view: ok")
        server.terminate()
        server.wait()
        server = None
        tamper_checks(vigil, data)
        print("browser_test: audit rows edited, deleted and reordered in the database: vigil audit verify caught each")
    finally:
        if browser:
            browser.close()
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
