"""A fault-injecting HTTP proxy for tests, between the plugin and moto.

Usage: faults.py UPSTREAM_URL  (prints its port on stdout)

Control (answered by the proxy, never forwarded):
  POST /__fault {"mode": MODE, "count": N, "delay": SECONDS}
      MODE: pass | blackhole | delay | reset | 500 | 503 | throttle (errors in AWS's CBOR
      shape for a CBOR request, in XML otherwise). The fault applies to the
      next N requests (all when N is absent), then requests pass again.
      "session_seconds": S rewrites the <Expiration> of AssumeRole answers to S seconds from
      now, to test refreshes without waiting for STS's 15-minute minimum session.
  GET  /__attempts  -> {"Action": attempts, ...} since the last /__fault
"""
import datetime
import json
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cbor_wire
from forward import fetch, relay_head

UPSTREAM = urllib.parse.urlparse(sys.argv[1])
LOCK = threading.Lock()
STATE = {"mode": "pass", "left": None, "delay": 0.0, "attempts": {}, "session_seconds": None}
THROTTLE = (
    b'<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>'
    b"<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault-1</RequestId></ErrorResponse>"
)
UNAVAILABLE = (
    b'<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service is unavailable'
    b"</Message></Error><RequestId>fault-2</RequestId></ErrorResponse>"
)
INTERNAL = (
    b"<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>Internal failure"
    b"</Message></Error><RequestId>fault-3</RequestId></ErrorResponse>"
)


def action_of(path, body):
    operation = cbor_wire.operation_of(path)
    if operation:
        return operation
    fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    return fields.get("Action", ["(other)"])[0]


def take_fault():
    with LOCK:
        mode = STATE["mode"]
        if mode == "pass":
            return "pass", 0.0
        if STATE["left"] is not None:
            if STATE["left"] <= 0:
                return "pass", 0.0
            STATE["left"] -= 1
        return mode, STATE["delay"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="text/xml"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, cbor, status, xml, code, message):
        """AWS's error: in CBOR for a CBOR request (CloudWatch), else in XML (STS, ...)."""
        if not cbor:
            return self.reply(status, xml)
        body, headers = cbor_wire.error(code, message, sender=status < 500)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reset(self):
        # RST instead of FIN: the client sees "connection reset by peer".
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/__fault":
            spec = json.loads(body or b"{}")
            with LOCK:
                STATE.update(
                    mode=spec.get("mode", "pass"),
                    left=spec.get("count"),
                    delay=float(spec.get("delay", 0)),
                    attempts={},
                    session_seconds=spec.get("session_seconds"),
                )
            return self.reply(200, b"{}", "application/json")
        if self.path == "/__attempts":
            with LOCK:
                return self.reply(200, json.dumps(STATE["attempts"]).encode(), "application/json")
        action = action_of(self.path, body)
        cbor = cbor_wire.is_cbor(self.headers)
        with LOCK:
            STATE["attempts"][action] = STATE["attempts"].get(action, 0) + 1
        mode, delay = take_fault()
        if mode == "blackhole":
            # Hold the connection and never answer.
            while True:
                time.sleep(1)
                try:
                    if self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                        return
                except BlockingIOError:
                    continue
                except OSError:
                    return
        if mode == "500":
            return self.error(cbor, 500, INTERNAL, "InternalFailure", "Internal failure")
        if mode == "503":
            return self.error(cbor, 503, UNAVAILABLE, "ServiceUnavailable", "Service is unavailable")
        if mode == "throttle":
            return self.error(cbor, 400, THROTTLE, "Throttling", "Rate exceeded")
        if mode == "delay":
            time.sleep(delay)
        resp, data = fetch(self, UPSTREAM, body)
        with LOCK:
            session = STATE["session_seconds"]
        if session is not None and action == "AssumeRole" and resp.status == 200:
            expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=session)
            stamp = expiry.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
            data = re.sub(rb"<Expiration>[^<]*</Expiration>", b"<Expiration>" + stamp + b"</Expiration>", data)
        if mode == "reset":
            # Headers and half the body, then a reset.
            relay_head(self, resp, len(data))
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            return self.reset()
        relay_head(self, resp, len(data))
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = handle_one


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
