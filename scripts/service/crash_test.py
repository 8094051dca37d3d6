"""Crash test for `vigil serve`: durability of accepted scans and of webhook events.

Starts the server (with a webhook receiver), sends a burst of synchronous and asynchronous scans
with Idempotency-Keys from several threads, kills the server with SIGKILL in the middle of the
burst, restarts it, retries what got no answer (same keys), and checks:
  * every scan id the server accepted (200 or 202) resolves to a finished scan after the restart;
  * every blocking scan's webhook event reached the receiver at least once, duplicates carrying
    the same Vigil-Event-Id (so the receiver can drop them), with a valid signature.
Benign generated images only. Exit status 0 when every check passes.
"""
import argparse, hashlib, hmac, http.server, io, json, os, random, signal, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.request

from PIL import Image, ImageDraw

SECRET = "crash-test-secret"


def picture(seed, size=(320, 240)):
    rng = random.Random(seed)
    img = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.ellipse([x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 120)],
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


class Receiver(http.server.BaseHTTPRequestHandler):
    events = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        sig = dict(p.split("=", 1) for p in self.headers["Vigil-Signature"].split(","))
        expected = hmac.new(SECRET.encode(), f"{sig['t']}.".encode() + body, hashlib.sha256).hexdigest()
        with Receiver.lock:
            Receiver.events.append((self.headers["Vigil-Event-Id"], json.loads(body), hmac.compare_digest(expected, sig["v1"])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def request(port, key, path, body=None, headers=None, timeout=30):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers={"Authorization": f"Bearer {key}", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--scans", type=int, default=120)
    ap.add_argument("--port", type=int, default=18780)
    args = ap.parse_args()
    data = tempfile.mkdtemp(prefix="vigil-crash-")
    vigil = os.path.abspath(args.vigil)

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook_port = receiver.server_address[1]

    key = subprocess.run([vigil, "keys", "create", "--data", data, "--name", "crash", "--scopes", "scan,admin"],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    images = [picture(i) for i in range(8)]
    known = os.path.join(data, "known.png")
    with open(known, "wb") as f:
        f.write(images[0])
    pdq = json.loads(subprocess.run([vigil, "hash", "--json", known], check=True, capture_output=True, text=True).stdout)["pdq"]
    listing = os.path.join(data, "known.txt")
    with open(listing, "w") as f:
        f.write(pdq + "\n")
    subprocess.run([vigil, "banks", "create", "--data", data, "known", "--category", "A1"], check=True, capture_output=True)
    subprocess.run([vigil, "banks", "import", "--data", data, "--bank", "known", "--format", "text", listing], check=True, capture_output=True)

    env = dict(os.environ, VIGIL_WEBHOOK_URL=f"http://127.0.0.1:{hook_port}/hook", VIGIL_WEBHOOK_SECRET=SECRET,
               VIGIL_FETCH_ALLOW_PRIVATE="false", VIGIL_RATE_LIMIT_RPS="0")

    def start():
        log = open(os.path.join(data, "serve.log"), "ab")
        proc = subprocess.Popen([vigil, "serve", "--data", data, "--port", str(args.port)], env=env, stdout=log, stderr=log)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1)
                return proc
            except Exception:
                time.sleep(0.1)
        raise SystemExit("crash test: the server did not start")

    # The burst: scan i sends image i % 8 (image 0 is in the bank → block), async when i is odd.
    plan = [(f"crash-{i}", images[i % len(images)], i % 2 == 1) for i in range(args.scans)]
    accepted, unanswered, lock = {}, [], threading.Lock()

    def send(item):
        idem, body, is_async = item
        path = "/v1/scan?async=true" if is_async else "/v1/scan"
        try:
            status, reply = request(args.port, key, path, body, {"Idempotency-Key": idem, "Content-Type": "image/png"})
        except Exception:
            with lock:
                unanswered.append(item)
            return
        with lock:
            if status in (200, 202):
                accepted[idem] = reply["id"]
            else:
                unanswered.append(item)

    server = start()
    threads = [threading.Thread(target=lambda part=plan[k::4]: [send(x) for x in part]) for k in range(4)]
    for t in threads:
        t.start()
    # Kill once a third of the burst is accepted: scans are then in flight, queued and half-sent.
    while len(accepted) < args.scans // 3 and any(t.is_alive() for t in threads):
        time.sleep(0.005)
    server.send_signal(signal.SIGKILL)
    server.wait()
    killed_after = len(accepted)
    for t in threads:
        t.join()
    queued_at_kill = sum(1 for i, _, a in plan if a and i in accepted)
    print(f"crash test: SIGKILL after {killed_after} accepted scans ({queued_at_kill} async); "
          f"{len(unanswered)} requests got no answer", flush=True)

    server = start()
    try:
        for item in list(unanswered):
            unanswered.remove(item)
            send(item)
        if unanswered:
            raise SystemExit(f"crash test: {len(unanswered)} retries failed after the restart")
        # Every accepted id resolves.
        deadline, pending = time.time() + 120, dict(accepted)
        results = {}
        while pending and time.time() < deadline:
            for idem, sid in list(pending.items()):
                status, reply = request(args.port, key, f"/v1/scans/{sid}")
                if status == 200 and reply.get("status") in ("done", "failed"):
                    results[idem] = reply
                    del pending[idem]
            time.sleep(0.2)
        if pending:
            raise SystemExit(f"crash test: {len(pending)} accepted scans never resolved")
        failed = [i for i, r in results.items() if r["status"] != "done"]
        if failed:
            raise SystemExit(f"crash test: {len(failed)} accepted scans failed: {results[failed[0]]}")
        blocked = {r["id"] for r in results.values() if r["verdict"] == "block"}
        expected_blocked = {accepted[i] for i, body, _ in plan if body == images[0]}
        if blocked != expected_blocked:
            raise SystemExit(f"crash test: {len(blocked)} blocked scans, expected {len(expected_blocked)}")
        # Every blocked scan's event arrives (at least once), signed, duplicates sharing an event id.
        deadline = time.time() + 60
        while time.time() < deadline:
            with Receiver.lock:
                seen = {e[1]["scan"]["id"] for e in Receiver.events}
            if blocked <= seen:
                break
            time.sleep(0.2)
        with Receiver.lock:
            events = list(Receiver.events)
        missing = blocked - {e[1]["scan"]["id"] for e in events}
        if missing:
            raise SystemExit(f"crash test: {len(missing)} blocked scans have no webhook event")
        if not all(e[2] for e in events):
            raise SystemExit("crash test: a webhook signature did not verify")
        by_scan = {}
        for event_id, payload, _ in events:
            by_scan.setdefault(payload["scan"]["id"], set()).add(event_id)
        if any(len(ids) != 1 for ids in by_scan.values()):
            raise SystemExit("crash test: one scan produced events with different ids")
        duplicates = len(events) - len({e[0] for e in events})
        audit = subprocess.run([vigil, "audit", "verify", "--data", data], capture_output=True, text=True)
        if audit.returncode != 0:
            raise SystemExit(f"crash test: {audit.stderr.strip()}")
        print(f"crash test: passed — {len(accepted)} accepted scans all resolved ({len(blocked)} blocked), "
              f"{len(events)} webhook deliveries for {len(by_scan)} events ({duplicates} duplicates, same event id), "
              f"{audit.stdout.strip()}")
    finally:
        server.terminate()
        server.wait()
        receiver.shutdown()


if __name__ == "__main__":
    main()
