"""A small EC2 instance metadata (IMDSv2) endpoint for tests, serving role credentials
minted by moto's STS.

Faithful to AWS's documented IMDSv2 behaviour: a session token comes from
`PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` (1-21600); every GET
must carry a live token in `X-aws-ec2-metadata-token` (401 otherwise); unknown paths are 404.

Usage: imds.py MOTO_ENDPOINT ROLE_ARN ACCESS_KEY SECRET_KEY [DURATION_SECONDS [HOST:PORT]]
Listens on HOST:PORT (default 127.0.0.1 and a free port), prints the port on stdout, then
serves until killed. Like EC2, it hands out the current credentials until half their life is
left, then new ones. `GET /__stats` (a test path, outside IMDS's tree) answers how many were
minted and served.
"""
import datetime
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

MOTO, ROLE_ARN, ACCESS_KEY, SECRET_KEY = sys.argv[1:5]
DURATION = int(sys.argv[5]) if len(sys.argv) > 5 else 3600
HOST, PORT = (sys.argv[6].rsplit(":", 1) if len(sys.argv) > 6 else ("127.0.0.1", "0"))
ROLE_NAME = ROLE_ARN.rsplit("/", 1)[-1]
TOKENS = {}
LOCK = threading.Lock()
STATE = {"creds": None, "minted": 0, "served": 0}


def mint():
    sts = boto3.client(
        "sts",
        endpoint_url=MOTO,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    # STS's minimum session is 15 minutes; the expiry stated below may be shorter.
    creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="imds", DurationSeconds=max(900, DURATION))["Credentials"]
    now = datetime.datetime.now(datetime.timezone.utc)
    # moto's expiry follows its own clock; state ours so the SDK's refresh is predictable.
    expiry = now + datetime.timedelta(seconds=DURATION)
    STATE["minted"] += 1
    return {
        "Code": "Success",
        "LastUpdated": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Type": "AWS-HMAC",
        "AccessKeyId": creds["AccessKeyId"],
        "SecretAccessKey": creds["SecretAccessKey"],
        "Token": creds["SessionToken"],
        "Expiration": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "_expires": expiry.timestamp(),
    }


def current():
    with LOCK:
        c = STATE["creds"]
        if c is None or c["_expires"] - time.time() < DURATION / 2:
            STATE["creds"] = c = mint()
        STATE["served"] += 1
        return {k: v for k, v in c.items() if not k.startswith("_")}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, content_type="text/plain"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.path != "/latest/api/token":
            return self.reply(404, "Not Found")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.reply(400, "Bad Request")
        token = secrets.token_urlsafe(32)
        with LOCK:
            TOKENS[token] = time.time() + int(ttl)
        self.send_response(200)
        self.send_header("X-aws-ec2-metadata-token-ttl-seconds", ttl)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(token)))
        self.end_headers()
        self.wfile.write(token.encode())

    def do_GET(self):
        if self.path == "/__stats":
            with LOCK:
                return self.reply(200, json.dumps({"minted": STATE["minted"], "served": STATE["served"]}), "application/json")
        token = self.headers.get("X-aws-ec2-metadata-token")
        with LOCK:
            live = token is not None and TOKENS.get(token, 0) > time.time()
        if not live:
            return self.reply(401, "Unauthorized")
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path in (base, base.rstrip("/")):
            return self.reply(200, ROLE_NAME)
        if self.path == base + ROLE_NAME:
            return self.reply(200, json.dumps(current()), "application/json")
        if self.path == "/latest/meta-data/placement/region":
            return self.reply(200, "us-east-1")
        return self.reply(404, "Not Found")


def main():
    server = ThreadingHTTPServer((HOST, int(PORT)), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
