"""A counting HTTP proxy for tests: forwards every request to an upstream (moto) unchanged,
Host header included so SigV4 signatures still verify, and counts calls per AWS action.

Usage: proxy.py UPSTREAM_URL [--record FILE]
Prints the listening port on stdout. With --record, every forwarded exchange is appended to FILE
as one JSON line: {"action", "request" (the body), "status", "content_type", "body"} (the
benchmarks record moto's answers this way). `GET /__counts` answers {"Action": count, ...};
`GET /__requests/ACTION` answers the form fields of each recorded request of that action
(the last 2,000; a CloudWatch request in CBOR as the same request's awsQuery form fields,
serialized by botocore from the decoded members, so one reading serves both protocols), `GET /__agents/ACTION` their User-Agent headers; `POST /__reset` forgets
everything. None of these are forwarded.
"""
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import base64

import cbor_wire
from forward import fetch, relay_head

UPSTREAM = urllib.parse.urlparse(sys.argv[1])
RECORD = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--record" else None
COUNTS = {}
REQUESTS = {}
AGENTS = {}
LOCK = threading.Lock()


def action_of(path, headers, body):
    operation = cbor_wire.operation_of(path)
    if operation:
        return operation
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    if body:
        fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in fields:
            return fields["Action"][0]
    return "(other)"


def form_fields(path, headers, body):
    """A request's members as awsQuery form fields, whichever protocol it came in."""
    operation = cbor_wire.operation_of(path)
    if operation and cbor_wire.is_cbor(headers):
        try:
            params = cbor_wire.decode_request(operation, body)
            return {k: str(v) for k, v in cbor_wire.query_fields(operation, params).items()}
        except Exception:  # not readable CBOR: the front refuses it; nothing to record
            return {}
    return {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}


def text(data, binary):
    return base64.b64encode(data).decode() if binary else data.decode("utf-8", "replace")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, value):
        data = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/__counts":
            with LOCK:
                return self.send_json(dict(COUNTS))
        if self.path.startswith("/__requests/"):
            with LOCK:
                return self.send_json(REQUESTS.get(self.path.rsplit("/", 1)[-1], []))
        if self.path.startswith("/__agents/"):
            with LOCK:
                return self.send_json(AGENTS.get(self.path.rsplit("/", 1)[-1], []))
        if self.path == "/__reset":
            with LOCK:
                COUNTS.clear()
                REQUESTS.clear()
                AGENTS.clear()
            return self.send_json({})
        action = action_of(self.path, self.headers, body)
        fields = form_fields(self.path, self.headers, body)
        with LOCK:
            COUNTS[action] = COUNTS.get(action, 0) + 1
            REQUESTS.setdefault(action, []).append(fields)
            del REQUESTS[action][:-2000]
            AGENTS.setdefault(action, []).append(self.headers.get("User-Agent", ""))
            del AGENTS[action][:-2000]
        resp, data = fetch(self, UPSTREAM, body)
        if RECORD:
            exchange = {
                "action": action,
                "request": text(body, cbor_wire.is_cbor(self.headers)),
                "status": resp.status,
                "content_type": resp.getheader("Content-Type", ""),
                "body": text(data, resp.getheader("Content-Type", "") == cbor_wire.CBOR),
            }
            with LOCK, open(RECORD, "a", encoding="utf-8") as f:
                f.write(json.dumps(exchange) + "\n")
        relay_head(self, resp, len(data))
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = forward


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
