#!/usr/bin/env python3
"""CyberTipline reports survive `kill -9` of `vigil serve` without a duplicate finished report.

Starts the local CyberTipline double (scripts/service/cybertip_double.py, xmllint-validated) and
`vigil serve` pointed at it; scans two benign generated pictures that match a bank, confirms both
in the console over HTTP (login, claim, reveal one, confirm A1 with the CSRF token), drafts one
report per item through the API and submits each. Then:
  A. the double hangs at /fileinfo (the report is open at NCMEC): SIGKILL, restart → the open
     report is retracted, the draft resubmitted and finished;
  B. the double finishes the report but hangs before answering: SIGKILL, restart → the retract
     answers 5102 (already finished) and the draft is done with that id, not filed twice.
Checks: exactly one finished NCMEC report per draft, NCMEC ids and receipts stored, every XML
body valid against the schema fixture, the audit chain intact.
Usage: cybertip_crash_test.py --vigil .build/debug/vigil [--port N]
"""
import argparse
import hashlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
XSD = os.path.join(ROOT, "Tests", "VigilReportingTests", "Fixtures", "cybertip.xsd")
USER, PASSWORD = "esp-crash", "double-secret"


def picture_bmp(seed, width=96, height=64):
    """A benign generated picture: gradients and stripes that differ per seed."""
    stride = (width * 3 + 3) // 4 * 4
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            row += bytes([(x * 4 + seed * 40) % 256, (y * 3 + seed * 17) % 256, ((x // (4 + seed)) % 2) * 200])
        rows.append(bytes(row) + b"\0" * (stride - width * 3))
    pixels = b"".join(rows)
    header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 0, 0, 0, 0)
    return header + info + pixels


def check(condition, message):
    if not condition:
        raise SystemExit("cybertip crash test: FAILED: " + message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigil", default=".build/debug/vigil")
    parser.add_argument("--port", type=int, default=int(os.environ.get("VIGIL_CYBERTIP_TEST_PORT", "18791")))
    args = parser.parse_args()
    vigil = os.path.abspath(args.vigil)
    base = f"http://127.0.0.1:{args.port}"
    data = tempfile.mkdtemp(prefix="vigil-cybertip-")
    double = server = None
    try:
        double = subprocess.Popen([sys.executable, "-u", os.path.join(HERE, "cybertip_double.py"), "--port", "0",
                                   "--user", USER, "--password", PASSWORD, "--xsd", XSD],
                                  stdout=subprocess.PIPE, text=True)
        dport = int(double.stdout.readline().split()[1])
        dbase = f"http://127.0.0.1:{dport}"

        def double_call(path, body=None):
            req = urllib.request.Request(dbase + path, data=json.dumps(body).encode() if body is not None else None)
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read())

        run = lambda *a, **k: subprocess.run([vigil, *a], check=True, capture_output=True, text=True, **k)
        password = "correct horse battery staple"
        run("users", "create", "--data", data, "--name", "alice", "--role", "analyst", input=password + "\n")
        key = run("keys", "create", "--data", data, "--name", "crash", "--scopes", "scan,reports").stdout.strip().splitlines()[-1]
        pictures = [picture_bmp(1), picture_bmp(2)]
        listing = os.path.join(data, "list.txt")
        with open(listing, "w") as f:
            f.writelines("md5:" + hashlib.md5(p).hexdigest() + "\n" for p in pictures)
        run("banks", "import", "--data", data, "--bank", "known", "--create", "--category", "A1", "--format", "text", listing)

        env = dict(os.environ, VIGIL_CYBERTIP_URL=dbase + "/ispws", VIGIL_CYBERTIP_USERNAME=USER,
                   VIGIL_CYBERTIP_PASSWORD=PASSWORD, VIGIL_CYBERTIP_REPORTER_FIRST_NAME="Rae",
                   VIGIL_CYBERTIP_REPORTER_LAST_NAME="Porter", VIGIL_CYBERTIP_REPORTER_EMAIL="safety@example.org",
                   VIGIL_CYBERTIP_COMPANY="Example Photos Inc.", VIGIL_RATE_LIMIT_RPS="0")

        def start():
            log = open(os.path.join(data, "serve.log"), "ab")
            proc = subprocess.Popen([vigil, "serve", "--data", data, "--host", "127.0.0.1", "--port", str(args.port)],
                                    env=env, stdout=log, stderr=log)
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    return proc
                except OSError:
                    time.sleep(0.1)
            raise SystemExit("cybertip crash test: vigil serve did not start")

        def api(method, path, body=None):
            req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read() or b"{}")

        server = start()
        for p in pictures:
            req = urllib.request.Request(base + "/v1/scan", data=p, headers={"Authorization": f"Bearer {key}"})
            verdict = json.load(urllib.request.urlopen(req))["verdict"]
            check(verdict in ("review", "block"), f"scan verdict {verdict}")

        # The console over HTTP: login (double-submit CSRF), then claim, reveal, confirm.
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = browser.open(base + "/console/login").read().decode()
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        form = lambda d: urllib.parse.urlencode(d).encode()
        queue = browser.open(base + "/console/login", form({"csrf": csrf, "name": "alice", "password": password})).read().decode()
        items = re.findall(r'href="/console/items/([0-9a-f-]{36})"', queue)
        check(len(items) == 2, f"expected 2 queued items, found {len(items)}")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', queue).group(1)
        for i, item in enumerate(items):
            browser.open(f"{base}/console/items/{item}/claim", form({"csrf": csrf}))
            if i == 0:
                browser.open(f"{base}/console/items/{item}/reveal", form({"csrf": csrf}))
            done = browser.open(f"{base}/console/items/{item}/decide",
                                form({"csrf": csrf, "action": "confirm", "category": "A1"})).read().decode()
            check("confirmed" in done, f"item {item} was not confirmed")

        drafts = []
        for item in items:
            status, draft = api("POST", "/v1/reports", {"items": [item], "details": {
                "reported": {"esp_identifier": "acct-1", "screen_name": "uploader",
                             "ip_capture_events": [{"ip_address": "203.0.113.9", "event_name": "Upload"}]}}})
            check(status == 201 and draft["status"] == "draft", f"draft: {status} {draft}")
            check(draft["problems"] == [] and draft["xml"], f"draft problems: {draft['problems']}")
            drafts.append(draft["id"])

        def wait(predicate, what, seconds=60):
            deadline = time.time() + seconds
            while time.time() < deadline:
                result = predicate()
                if result:
                    return result
                time.sleep(0.1)
            raise SystemExit(f"cybertip crash test: FAILED: timed out waiting for {what}")

        def finished_report(draft):
            status, body = api("GET", f"/v1/reports/{draft}")
            return body if status == 200 and body["status"] == "finished" else None

        # A: crash while the report is open at NCMEC (hanging in /fileinfo).
        double_call("/_control/hang", {"endpoint": "fileinfo", "seconds": 20})
        status, queued = api("POST", f"/v1/reports/{drafts[0]}/submit")
        check(status == 202 and queued["status"] == "queued", f"submit: {status} {queued}")
        wait(lambda: not double_call("/_state")["hangs"], "the first report to reach /fileinfo")
        server.send_signal(signal.SIGKILL)
        server.wait()
        opened_a = [r for r, v in double_call("/_state")["reports"].items() if v["status"] == "open"]
        check(len(opened_a) == 1, f"expected one open report at the crash, got {opened_a}")
        server = start()
        first = wait(lambda: finished_report(drafts[0]), "report A to finish after the restart")
        state = double_call("/_state")
        check(state["reports"][opened_a[0]]["status"] == "retracted", "the interrupted report was not retracted")
        check(first["ncmec_report_id"] != opened_a[0] and state["reports"][first["ncmec_report_id"]]["status"] == "finished",
              "report A's NCMEC id is not the finished report")
        check("<responseCode>0</responseCode>" in (first["receipt"] or ""), "report A has no receipt")
        print(f"cybertip crash test: A (killed mid-report): open report {opened_a[0]} retracted, "
              f"resubmitted and finished as {first['ncmec_report_id']}", flush=True)

        # B: crash after NCMEC finished the report but before its answer arrived.
        double_call("/_control/hang", {"endpoint": "finish", "seconds": 20, "after": True})
        api("POST", f"/v1/reports/{drafts[1]}/submit")
        before = set(double_call("/_state")["reports"])
        wait(lambda: not double_call("/_state")["hangs"], "the second report to reach /finish")
        server.send_signal(signal.SIGKILL)
        server.wait()
        new = [r for r in double_call("/_state")["reports"] if r not in before]
        check(len(new) == 1 and double_call("/_state")["reports"][new[0]]["status"] == "finished",
              f"expected one report finished at the crash, got {new}")
        server = start()
        second = wait(lambda: finished_report(drafts[1]), "report B to be recorded after the restart")
        check(second["ncmec_report_id"] == new[0], f"report B recorded {second['ncmec_report_id']}, NCMEC finished {new[0]}")

        state = double_call("/_state")
        finished = sorted(r for r, v in state["reports"].items() if v["status"] == "finished")
        check(len(finished) == len(drafts), f"{len(finished)} finished NCMEC reports for {len(drafts)} drafts")
        check(not [r for r, v in state["reports"].items() if v["status"] == "open"], "an open report was left behind")
        check(state["invalid"] == [], f"XML the schema refused: {state['invalid']}")
        retract_5102 = [c for c in state["calls"] if c["endpoint"] == "retract" and c["code"] == 5102]
        check(len(retract_5102) == 1, "report B's retry did not find the report already finished")
        print(f"cybertip crash test: B (killed after NCMEC finished): the retry's retract answered 5102, "
              f"recorded as {new[0]}, not filed twice", flush=True)
        server.terminate()
        server.wait()
        server = None
        audit = run("audit", "verify", "--data", data).stdout
        print(f"cybertip crash test: ok: {len(drafts)} drafts, {len(finished)} finished reports, "
              f"{len(state['reports']) - len(finished)} retracted; audit: {audit.strip().splitlines()[-1]}")
    finally:
        if server:
            server.send_signal(signal.SIGKILL)
            server.wait()
        if double:
            double.terminate()
            double.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
