"""Takedown notices end to end against `vigil serve`.

Starts a local SMTP sink (aiosmtpd), a local HTTP server that serves benign generated images and
answers as an RDAP double, and `vigil serve` configured to relay through the sink, look contacts
up in the double and re-check every second. Then checks:
  * a notice with no contact given finds the abuse contact through DNS + RDAP, and the email that
    arrives carries From, To, Subject, the URL, the SHA-256 of the served image and the case
    reference, and no attachment;
  * when the server stops serving the image (404) the re-check records removal and the time to
    removal; when it serves a different image, the change counts as removal;
  * an image still served after the escalation delay gets one escalation email, audited;
  * a URL scan whose image matches a bank becomes a takedown candidate;
  * the public form accepts a report with a solved proof of work (its refusals are unit-tested);
  * `vigil stats --json` counts the notices and the removals.
Benign generated images only. Exit status 0 when every check passes.
"""
import argparse, email, email.policy, hashlib, http.server, json, os, socket, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.request

from aiosmtpd.controller import Controller

from crash_test import picture  # the same benign generated images

FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        FAILURES.append(what)


class Sink:
    """aiosmtpd handler: keeps every message with its envelope."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def snapshot(self):
        with self.lock:
            return list(self.messages)


class Content(http.server.BaseHTTPRequestHandler):
    """Serves /img/<name> from `files` (missing → 404) and /rdap/ip/<addr> as an RDAP double."""
    files = {}
    rdap_email = "abuse@hosting.test"

    def do_GET(self):
        if self.path.startswith("/rdap/ip/"):
            body = json.dumps({"objectClassName": "ip network", "entities": [
                {"roles": ["registrant"], "vcardArray": ["vcard", [["email", {}, "text", "owner@hosting.test"]]],
                 "entities": [{"roles": ["abuse"], "vcardArray": ["vcard", [["fn", {}, "text", "Abuse desk"],
                                                                             ["email", {}, "text", Content.rdap_email]]]}]}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rdap+json")
        elif self.path.startswith("/img/") and self.path[5:] in Content.files:
            body = Content.files[self.path[5:]]
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
        else:
            body = b"not found"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def api(port, key, path, body=None, method=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def wait_for(predicate, seconds=30, step=0.2):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--port", type=int, default=18790)
    args = ap.parse_args()
    vigil = os.path.abspath(args.vigil)
    data = tempfile.mkdtemp(prefix="vigil-takedown-")

    sink = Sink()
    smtp_port = _free_port()
    smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    content = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Content)
    threading.Thread(target=content.serve_forever, daemon=True).start()
    web = content.server_address[1]
    images = {name: picture(seed) for seed, name in enumerate(["a.png", "b.png", "c.png", "d.png"])}
    Content.files.update(images)
    url = lambda name: f"http://127.0.0.1:{web}/img/{name}"

    escalate_seconds = 6
    config = {
        "fetch": {"allow_private_networks": True, "allowed_ports": None},
        "rate_limit": {"requests_per_second": 1000},
        "takedown": {
            "smtp": {"host": "127.0.0.1", "port": smtp_port, "from": "notices@hotline.test"},
            "rdap_base": f"http://127.0.0.1:{web}/rdap", "recheck_seconds": 1, "retry_seconds": 1, "poll_seconds": 0.2,
            "escalate_after_days": escalate_seconds / 86400, "escalation_contact": "escalations@registry.test",
            "organisation": "Test Hotline",
        },
        "report_form": {"pow_bits": 8, "rate_limit": {"requests_per_second": 1, "burst": 10}},
    }
    config_path = os.path.join(data, "config.json")
    with open(config_path, "w") as f:
        json.dump(config, f)

    key = subprocess.run([vigil, "keys", "create", "--data", data, "--name", "t", "--scopes", "takedowns,scan,banks:write"],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    known = os.path.join(data, "d.png")
    with open(known, "wb") as f:
        f.write(images["d.png"])
    pdq = json.loads(subprocess.run([vigil, "hash", "--json", known], check=True, capture_output=True, text=True).stdout)["pdq"]
    listing = os.path.join(data, "known.txt")
    with open(listing, "w") as f:
        f.write(pdq + "\n")
    subprocess.run([vigil, "banks", "create", "--data", data, "known", "--category", "A1"], check=True, capture_output=True)
    subprocess.run([vigil, "banks", "import", "--data", data, "--bank", "known", "--format", "text", listing],
                   check=True, capture_output=True)

    log = open(os.path.join(data, "serve.log"), "ab")
    proc = subprocess.Popen([vigil, "serve", "--data", data, "--port", str(args.port), "--config", config_path],
                            stdout=log, stderr=log)
    try:
        if not wait_for(lambda: _healthy(args.port), seconds=30):
            raise SystemExit("takedown test: the server did not start")

        # A: contact from DNS + RDAP; the notice's fields; removal by 404 and the time to removal.
        status, a = api(args.port, key, "/v1/takedowns", {"url": url("a.png")})
        check(status == 201, "POST /v1/takedowns answers 201")
        mail = wait_for(lambda: [m for m in sink.snapshot() if a["case_ref"].encode() in m[2]])
        check(bool(mail), "the notice for A reached the SMTP sink")
        if mail:
            sender, recipients, raw = mail[0]
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            text = msg.get_content()
            check(sender == "notices@hotline.test", "envelope sender is the configured from address")
            check(recipients == ["abuse@hosting.test"], "the recipient is the RDAP abuse contact")
            check(msg["From"] == "notices@hotline.test" and msg["To"] == "abuse@hosting.test", "From and To headers")
            check(a["case_ref"] in msg["Subject"], "the subject carries the case reference")
            check(url("a.png") in text, "the body carries the URL")
            check(hashlib.sha256(images["a.png"]).hexdigest() in text, "the body carries the SHA-256 of the served image")
            check(not msg.is_multipart() and msg.get_content_type() == "text/plain", "no attachment: one text/plain part")
            check(msg["Message-ID"] is not None and msg["Date"] is not None, "Message-ID and Date headers")
        record = wait_for(lambda: _state(args.port, key, a["id"], "sent"))
        check(bool(record) and record["contact_source"] == "rdap-ip", "A is sent, its contact from RDAP (ip)")
        time.sleep(2.5)
        del Content.files["a.png"]
        removed_at = time.time()
        record = wait_for(lambda: _state(args.port, key, a["id"], "removed"))
        check(bool(record) and record["removal_reason"] == "http_404", "a 404 is recorded as removal (http_404)")
        if record:
            ttr = record["time_to_removal_seconds"]
            check(ttr is not None and 1 <= ttr <= removed_at - _epoch(record["sent_at"]) + 5, f"time to removal recorded ({ttr} s)")
            check(any(c["outcome"] == "present" for c in record["checks"]), "a re-check saw the content present before removal")

        # B: a different image at the same URL counts as removal.
        status, b = api(args.port, key, "/v1/takedowns", {"url": url("b.png"), "contact": "abuse@b.test"})
        check(status == 201, "B created with a contact entered by hand")
        wait_for(lambda: _state(args.port, key, b["id"], "sent"))
        Content.files["b.png"] = picture(99)
        record = wait_for(lambda: _state(args.port, key, b["id"], "removed"))
        check(bool(record) and record["removal_reason"] == "content_changed", "a changed image is recorded as removal")

        # C: still served after the escalation delay: one escalation email to the escalation contact.
        status, c = api(args.port, key, "/v1/takedowns", {"url": url("c.png"), "contact": "abuse@c.test"})
        record = wait_for(lambda: _state(args.port, key, c["id"], "escalated"), seconds=escalate_seconds + 20)
        check(bool(record), "C escalated after the delay")
        escalations = [m for m in sink.snapshot() if c["case_ref"].encode() in m[2] and m[1] == ["escalations@registry.test"]]
        check(len(escalations) == 1 and b"ESCALATION" in escalations[0][2], "one escalation email to the escalation contact")

        # D: a URL scan whose media matches a bank proposes a takedown candidate.
        status, scan = api(args.port, key, "/v1/scan", {"url": url("d.png")})
        check(status == 200 and scan.get("verdict") in ("block", "review"), "the URL scan of D matched the bank")
        status, listing = api(args.port, key, "/v1/takedowns?status=candidate")
        check(any(t["url"] == url("d.png") and t["source"] == "scan" for t in listing.get("takedowns", [])),
              "the matched URL is a takedown candidate")

        # The public form: a solved challenge is accepted.
        status, challenge = api(args.port, None, "/report/challenge")
        solution = _solve(challenge["challenge"], challenge["bits"])
        status, reply = api(args.port, None, "/report", {"url": url("a.png"), "challenge": challenge["challenge"], "pow": solution})
        check(status == 202 and reply.get("reference", "").startswith("VGL-"), "the public form accepts a solved report")
        status, transparency = api(args.port, None, "/v1/transparency")
        check(status == 200 and transparency["totals"]["notices_sent"] >= 3, "GET /v1/transparency counts the notices")
    finally:
        proc.terminate()
        proc.wait()
        smtp.stop()
        content.shutdown()

    stats = json.loads(subprocess.run([vigil, "stats", "--data", data, "--json"], check=True, capture_output=True, text=True).stdout)
    totals = stats["totals"]
    check(totals["notices_sent"] == 3, f"vigil stats: 3 notices sent ({totals['notices_sent']})")
    check(totals["removals"]["count"] == 2 and totals["removals"]["median_seconds"] is not None,
          f"vigil stats: 2 removals with a median time to removal ({totals['removals']})")
    if FAILURES:
        print(f"takedown test: {len(FAILURES)} check(s) failed; server log in {data}/serve.log", file=sys.stderr)
        sys.exit(1)
    print("takedown test: all checks passed")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
        return True
    except Exception:
        return False


def _state(port, key, tid, status):
    code, record = api(port, key, f"/v1/takedowns/{tid}")
    return record if code == 200 and record.get("status") == status else None


def _epoch(text):
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _solve(challenge, bits):
    for n in range(1 << 24):
        digest = hashlib.sha256(f"{challenge}:{n}".encode()).digest()
        value = int.from_bytes(digest, "big")
        if value >> (256 - bits) == 0:
            return str(n)
    raise SystemExit("no proof-of-work solution")


if __name__ == "__main__":
    main()
