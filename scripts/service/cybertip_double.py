#!/usr/bin/env python3
"""A local test double of NCMEC's CyberTipline ESP web service (standard library + xmllint).

It serves /status, /xsd, /submit, /upload, /fileinfo, /finish and /retract under /ispws, as the
facts note describes: HTTP Basic auth (2000 without credentials, 3000 with wrong ones), every
XML body VALIDATED with `xmllint --schema` against Vigil's own schema fixture (4110 when not
well-formed, 4100 when invalid: wrong element order, a missing required field such as the
reporter's email), the report life cycle (5001/5002 unknown report or file, 5101 already
retracted, 5102 already finished) and, on demand, any response code or hang.

Control endpoints (no auth):
  POST /_control/fail  {"endpoint": "submit", "code": 1000, "times": 1}   answer `code` (HTTP 500 when code is 500)
  POST /_control/hang  {"endpoint": "finish", "seconds": 30, "after": true}  sleep before answering
                       (after=true: the call takes effect first, e.g. the report is finished, then it hangs)
  POST /_control/reset
  GET  /_state         every report with its status and files, the call log and the validation failures

Usage: cybertip_double.py --port 0 --user U --password P --xsd FILE   (prints "port N" when ready)
"""
import argparse
import base64
import hashlib
import http.server
import json
import signal
import subprocess
import threading
import time
import urllib.parse

LOCK = threading.Lock()
STATE = {}


def reset():
    STATE.clear()
    STATE.update(reports={}, calls=[], invalid=[], faults=[], hangs=[], next_id=1000)


def response(code, description, **fields):
    extra = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items() if v is not None)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<reportResponse><responseCode>{code}</responseCode>'
            f"<responseDescription>{description}</responseDescription>{extra}</reportResponse>\n")


def validate(xsd, body):
    """(ok, code, message) from xmllint: 4110 when not well-formed, 4100 when the schema refuses it."""
    wellformed = subprocess.run(["xmllint", "--noout", "-"], input=body, capture_output=True)
    if wellformed.returncode != 0:
        return False, 4110, wellformed.stderr.decode(errors="replace")[-400:]
    checked = subprocess.run(["xmllint", "--noout", "--schema", xsd, "-"], input=body, capture_output=True)
    if checked.returncode != 0:
        return False, 4100, checked.stderr.decode(errors="replace")[-400:]
    return True, 0, ""


def text_of(body, tag):
    start, end = body.find(f"<{tag}".encode()), body.find(f"</{tag}>".encode())
    if start < 0 or end < 0:
        return None
    return body[body.index(b">", start) + 1:end].decode().strip()


def multipart(body, content_type):
    boundary = content_type.split("boundary=", 1)[1].strip().strip('"').encode()
    fields = {}
    for part in body.split(b"--" + boundary):
        if b"\r\n\r\n" not in part:
            continue
        head, value = part.split(b"\r\n\r\n", 1)
        if value.endswith(b"\r\n"):
            value = value[:-2]
        for line in head.decode(errors="replace").split("\r\n"):
            if line.lower().startswith("content-disposition"):
                name = line.split('name="', 1)[1].split('"', 1)[0]
                fields[name] = value
    return fields


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cybertip-double"

    def log_message(self, *args):
        pass

    def reply(self, status, text, content_type="text/xml"):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        if self.path == "/_state":
            with LOCK:
                return self.reply(200, json.dumps(STATE), "application/json")
        self.handle_service(b"")

    def do_POST(self):
        body = self.body()
        if self.path.startswith("/_control/"):
            what = self.path.split("/")[-1]
            with LOCK:
                if what == "reset":
                    reset()
                elif what == "fail":
                    STATE["faults"].append(json.loads(body))
                elif what == "hang":
                    STATE["hangs"].append(json.loads(body))
            return self.reply(200, "{}", "application/json")
        self.handle_service(body)

    def handle_service(self, body):
        endpoint = self.path.split("?")[0].rstrip("/").split("/")[-1]
        if not self.path.startswith("/ispws/"):
            return self.reply(404, "not found", "text/plain")
        auth = self.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{self.server.user}:{self.server.password}".encode()).decode()
        if not auth.startswith("Basic "):
            self.log(endpoint, 2000)
            return self.reply(401, response(2000, "Authentication required"))
        if auth != expected:
            self.log(endpoint, 3000)
            return self.reply(401, response(3000, "Not authorized"))
        with LOCK:
            fault = next((f for f in STATE["faults"] if f["endpoint"] == endpoint and f.get("times", 1) > 0), None)
            if fault:
                fault["times"] = fault.get("times", 1) - 1
            hang = next((h for h in STATE["hangs"] if h["endpoint"] == endpoint), None)
            if hang:
                STATE["hangs"].remove(hang)
        if fault:
            self.log(endpoint, fault["code"], injected=True)
            if fault["code"] == 500:
                return self.reply(500, "internal error", "text/plain")
            return self.reply(200, response(fault["code"], "Injected failure"))
        if hang and not hang.get("after"):
            time.sleep(hang["seconds"])
        status, text = self.serve(endpoint, body)
        if hang and hang.get("after"):
            time.sleep(hang["seconds"])
        return self.reply(status, text)

    def log(self, endpoint, code, **extra):
        with LOCK:
            STATE["calls"].append({"endpoint": endpoint, "code": code, **extra})

    def serve(self, endpoint, body):
        handler = getattr(self, "ep_" + endpoint, None)
        if handler is None:
            return 404, response(4000, "Unknown endpoint")
        with LOCK:
            code, text = handler(body)
            STATE["calls"].append({"endpoint": endpoint, "code": code})
        return 200, text

    def ep_status(self, body):
        return 0, response(0, "Server is up")

    def ep_xsd(self, body):
        return 0, open(self.server.xsd).read()

    def checked(self, body, kind):
        ok, code, message = validate(self.server.xsd, body)
        if not ok:
            STATE["invalid"].append({"kind": kind, "code": code, "message": message})
        return ok, code

    def ep_submit(self, body):
        ok, code = self.checked(body, "report")
        if not ok:
            return code, response(code, "Validation failed")
        rid = str(STATE["next_id"])
        STATE["next_id"] += 1
        STATE["reports"][rid] = {"status": "open", "files": {}, "xml": body.decode(), "fileinfo": []}
        return 0, response(0, "Success", reportId=rid)

    def ep_upload(self, body):
        fields = multipart(body, self.headers.get("Content-Type", ""))
        rid = fields.get("id", b"").decode()
        report = STATE["reports"].get(rid)
        if report is None:
            return 5001, response(5001, "Report does not exist")
        if report["status"] != "open":
            code = 5102 if report["status"] == "finished" else 5101
            return code, response(code, "Report is " + report["status"])
        data = fields.get("file")
        if data is None:
            return 4000, response(4000, "No file")
        fid = hashlib.sha1(rid.encode() + str(len(report["files"])).encode()).hexdigest()[:16]
        md5 = hashlib.md5(data).hexdigest()
        report["files"][fid] = {"md5": md5, "bytes": len(data), "details": None}
        return 0, response(0, "Success", reportId=rid, fileId=fid, hash=md5)

    def ep_fileinfo(self, body):
        ok, code = self.checked(body, "fileDetails")
        if not ok:
            return code, response(code, "Validation failed")
        rid, fid = text_of(body, "reportId"), text_of(body, "fileId")
        report = STATE["reports"].get(rid)
        if report is None:
            return 5001, response(5001, "Report does not exist")
        if report["status"] != "open":
            code = 5102 if report["status"] == "finished" else 5101
            return code, response(code, "Report is " + report["status"])
        if fid not in report["files"]:
            return 5002, response(5002, "File does not exist")
        if text_of(body, "originalFileHash") != report["files"][fid]["md5"]:
            STATE["invalid"].append({"kind": "fileDetails", "code": 4100, "message": "originalFileHash differs from the upload"})
            return 4100, response(4100, "originalFileHash does not match the uploaded file")
        report["files"][fid]["details"] = body.decode()
        return 0, response(0, "Success", reportId=rid)

    def report_for(self, body):
        form = urllib.parse.parse_qs(body.decode())
        rid = (form.get("id") or [""])[0]
        return rid, STATE["reports"].get(rid)

    def close_report(self, body, status):
        """/finish and /retract: only an open report can be closed, once."""
        rid, report = self.report_for(body)
        if report is None:
            return 5001, response(5001, "Report does not exist")
        if report["status"] == "retracted":
            return 5101, response(5101, "Report already retracted")
        if report["status"] == "finished":
            return 5102, response(5102, "Report already finished")
        report["status"] = status
        return 0, response(0, "Success", reportId=rid)

    def ep_finish(self, body):
        return self.close_report(body, "finished")

    def ep_retract(self, body):
        return self.close_report(body, "retracted")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--user", default="esp")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--xsd", required=True)
    args = parser.parse_args()
    # A parent (a test runner) may have left SIGTERM ignored; terminate() must stop the double.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    reset()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.user, server.password, server.xsd = args.user, args.password, args.xsd
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
