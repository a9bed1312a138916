"""A container credentials endpoint for tests (the ECS agent's, the EKS Pod Identity Agent's),
serving role credentials minted by moto's STS.

Faithful to the documented container credential provider: the SDK sends `GET <path>` with the
`Authorization` header holding its token (from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, read on
every request, or AWS_CONTAINER_AUTHORIZATION_TOKEN) and takes a JSON answer of AccessKeyId,
SecretAccessKey, Token, AccountId and Expiration; any other status is a refusal. Like the Pod
Identity Agent, it only accepts the token it currently accepts: a request without one is
answered 401, one with another token 403.

Usage: container_creds.py MOTO ROLE_ARN ACCESS_KEY SECRET_KEY SESSION_NAME DURATION [TOKEN]
Without TOKEN, no Authorization header is required (an ECS task role). Prints its port, then
serves until killed. Like the agent, it hands out the current credentials until half their life
is left, then new ones. Test paths, outside the agent's: `POST /__accept` (body: the token to
accept from now on, as after the kubelet rotates it); `GET /__stats` answers
{"served", "refused": [statuses], "secrets": [every secret key and session token handed out]}.
"""
import datetime
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

MOTO, ROLE_ARN, ACCESS_KEY, SECRET_KEY, SESSION_NAME, DURATION = sys.argv[1:7]
DURATION = int(DURATION)
LOCK = threading.Lock()
STATE = {"token": sys.argv[7] if len(sys.argv) > 7 else None, "creds": None, "served": 0, "refused": [], "secrets": []}


def mint():
    sts = boto3.client(
        "sts", endpoint_url=MOTO, region_name="us-east-1", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )
    # STS's minimum session is 15 minutes; the expiry stated below may be shorter.
    out = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName=SESSION_NAME, DurationSeconds=max(900, DURATION))
    creds = out["Credentials"]
    expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=DURATION)
    STATE["secrets"] += [creds["SecretAccessKey"], creds["SessionToken"]]
    return {
        "AccessKeyId": creds["AccessKeyId"],
        "SecretAccessKey": creds["SecretAccessKey"],
        "Token": creds["SessionToken"],
        "AccountId": out["AssumedRoleUser"]["Arn"].split(":")[4],
        "Expiration": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "_expires": expiry.timestamp(),
    }


def current():
    c = STATE["creds"]
    if c is None or c["_expires"] - time.time() < DURATION / 2:
        STATE["creds"] = c = mint()
    return {k: v for k, v in c.items() if not k.startswith("_")}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, value):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if self.path != "/__accept":
            return self.reply(404, {"message": "not found"})
        with LOCK:
            STATE["token"] = body
        return self.reply(200, {})

    def do_GET(self):
        with LOCK:
            if self.path == "/__stats":
                return self.reply(200, {k: STATE[k] for k in ("served", "refused", "secrets")})
            token = self.headers.get("Authorization")
            expected = STATE["token"]
            if expected is not None and not token:
                STATE["refused"].append(401)
                return self.reply(401, {"code": "Unauthorized", "message": "no Authorization token"})
            if expected is not None and token != expected:
                STATE["refused"].append(403)
                return self.reply(403, {"code": "AccessDenied", "message": "the token is not valid"})
            STATE["served"] += 1
            return self.reply(200, current())


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
