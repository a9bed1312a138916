"""Writes the cache an `aws login` leaves behind, for a profile with `login_session`.

Usage: login_cache.py ENDPOINT ACCESS_KEY SECRET_KEY ROLE_ARN LOGIN_SESSION_ARN CACHE_DIR
Gets temporary credentials from the emulator's STS (AssumeRole into ROLE_ARN with the given
keys: the emulator accepts temporary credentials of that kind, as the sign-in service's are),
and writes them where the AWS SDKs look: CACHE_DIR/<sha256 of the login session ARN>.json, in
the AWS CLI's format, valid for an hour (so no refresh through the sign-in service is due).
Prints {"path", "expires", "arn"} (the ARN the credentials identify as).
"""
import datetime
import hashlib
import json
import os
import subprocess
import sys

import boto3

endpoint, key, secret, role_arn, session_arn, cache_dir = sys.argv[1:7]
sts = boto3.client(
    "sts",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id=key,
    aws_secret_access_key=secret,
)
assumed = sts.assume_role(RoleArn=role_arn, RoleSessionName="aws-login", DurationSeconds=3600)
creds = assumed["Credentials"]
expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime(
    "%Y-%m-%dT%H:%M:%SZ"
)
# The DPoP key `aws login` creates; only a refresh through the sign-in service uses it.
dpop_key = subprocess.run(
    ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout"],
    check=True,
    capture_output=True,
    text=True,
).stdout
token = {
    "accessToken": {
        "accessKeyId": creds["AccessKeyId"],
        "secretAccessKey": creds["SecretAccessKey"],
        "sessionToken": creds["SessionToken"],
        "accountId": session_arn.split(":")[4],
        "expiresAt": expires,
    },
    "tokenType": "aws_sigv4",
    "refreshToken": "stratus-test-refresh-token",
    "clientId": "arn:aws:signin:::devtools/same-device",
    "dpopKey": dpop_key,
}
os.makedirs(cache_dir, exist_ok=True)
path = os.path.join(cache_dir, hashlib.sha256(session_arn.strip().encode()).hexdigest() + ".json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(token, f)
os.chmod(path, 0o600)
print(json.dumps({"path": path, "expires": expires, "arn": assumed["AssumedRoleUser"]["Arn"]}))
