"""Seeds a moto server for Stratus's tests and prints what it created as JSON.

Usage: seed.py ENDPOINT < spec.json

The spec names IAM users, roles (with an optional sts:ExternalId trust condition) and
metric data points. Seeding runs unauthenticated; afterwards moto's auth mode is armed
(`reset-auth 0`) so every later request must carry a valid SigV4 signature of a seeded user.
"""
import json
import sys
import urllib.request

import boto3

ACCOUNT = "123456789012"


def post(endpoint, path, body):
    req = urllib.request.Request(
        endpoint + path, data=body.encode(), method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(req) as resp:
        resp.read()


def client(endpoint, service, region="us-east-1"):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="seed",
        aws_secret_access_key="seed",
    )


CLOUDWATCH_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["monitoring:*", "cloudwatch:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["sts:GetCallerIdentity"], "Resource": "*"},
    ],
}


def main():
    endpoint = sys.argv[1]
    spec = json.load(sys.stdin)
    post(endpoint, "/moto-api/reset-auth", "1000000")
    iam = client(endpoint, "iam")
    out = {"account": ACCOUNT, "users": {}, "roles": {}}
    for user in spec.get("users", []):
        name = user["name"]
        arn = iam.create_user(UserName=name)["User"]["Arn"]
        statements = []
        if user.get("cloudwatch", True):
            statements += CLOUDWATCH_READ["Statement"]
        statements.append({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
        iam.put_user_policy(
            UserName=name,
            PolicyName="stratus-test",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )
        key = iam.create_access_key(UserName=name)["AccessKey"]
        out["users"][name] = {
            "arn": arn,
            "access_key_id": key["AccessKeyId"],
            "secret_access_key": key["SecretAccessKey"],
        }
    for role in spec.get("roles", []):
        principal = out["users"][role["trusted_user"]]["arn"]
        statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
        if role.get("external_id"):
            statement["Condition"] = {"StringEquals": {"sts:ExternalId": role["external_id"]}}
        trust = {"Version": "2012-10-17", "Statement": [statement]}
        if role.get("web_identity"):
            trust["Statement"].append(
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "arn:aws:iam::%s:oidc-provider/example.com" % ACCOUNT},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                }
            )
        arn = iam.create_role(RoleName=role["name"], AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.put_role_policy(RoleName=role["name"], PolicyName="cw", PolicyDocument=json.dumps(CLOUDWATCH_READ))
        out["roles"][role["name"]] = {"arn": arn}
    for metric in spec.get("metrics", []):
        cw = client(endpoint, "cloudwatch", metric.get("region", "us-east-1"))
        dims = [{"Name": k, "Value": v} for k, v in sorted(metric.get("dimensions", {}).items())]
        data = [
            {
                "MetricName": metric["name"],
                "Dimensions": dims,
                "Timestamp": ts,
                "Value": value,
                "Unit": metric.get("unit", "None"),
            }
            for ts, value in metric["points"]
        ]
        for i in range(0, len(data), 500):
            cw.put_metric_data(Namespace=metric["namespace"], MetricData=data[i : i + 500])
    post(endpoint, "/moto-api/reset-auth", "0")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
