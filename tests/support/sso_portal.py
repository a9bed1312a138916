"""An IAM Identity Center (SSO) portal for tests: GetRoleCredentials, the one call the SDKs make
with the token `aws sso login` caches, answering with role credentials minted by moto's STS.

Faithful to the portal API (restJson1): `GET /federation/credentials?account_id=A&role_name=R`
with the bearer token in `x-amz-sso_bearer_token`, unsigned. A token it does not know is
refused 401 UnauthorizedException "Session token not found or invalid"; an account and role the
signed-in user has no assignment for, 403 ForbiddenException "No access"; success answers
{"roleCredentials": {accessKeyId, secretAccessKey, sessionToken, expiration (epoch ms)}}.
Errors carry their type in `x-amzn-ErrorType`, as AWS's do.

Usage: sso_portal.py MOTO ROLE_ARN ACCESS_KEY SECRET_KEY ACCOUNT_ID ROLE_NAME TOKEN
Prints its port, then serves until killed. `GET /__stats` (a test path) answers
{"served", "refused": [error types], "secrets": [every secret key and session token handed out]}.
"""
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

MOTO, ROLE_ARN, ACCESS_KEY, SECRET_KEY, ACCOUNT_ID, ROLE_NAME, TOKEN = sys.argv[1:8]
LOCK = threading.Lock()
STATE = {"served": 0, "refused": [], "secrets": []}


def mint():
    sts = boto3.client(
        "sts", endpoint_url=MOTO, region_name="us-east-1", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )
    creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="sso-user", DurationSeconds=3600)["Credentials"]
    STATE["secrets"] += [creds["SecretAccessKey"], creds["SessionToken"]]
    return {
        "accessKeyId": creds["AccessKeyId"],
        "secretAccessKey": creds["SecretAccessKey"],
        "sessionToken": creds["SessionToken"],
        "expiration": int(creds["Expiration"].timestamp() * 1000),
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, value, error_type=None):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def refuse(self, status, error_type, message):
        STATE["refused"].append(error_type)
        return self.reply(status, {"message": message}, error_type)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        with LOCK:
            if url.path == "/__stats":
                return self.reply(200, STATE)
            if url.path != "/federation/credentials":
                return self.reply(404, {"message": "not found"})
            query = urllib.parse.parse_qs(url.query)
            if self.headers.get("x-amz-sso_bearer_token") != TOKEN:
                return self.refuse(401, "UnauthorizedException", "Session token not found or invalid")
            if query.get("account_id") != [ACCOUNT_ID] or query.get("role_name") != [ROLE_NAME]:
                return self.refuse(403, "ForbiddenException", "No access")
            STATE["served"] += 1
            return self.reply(200, {"roleCredentials": mint()})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
