"""Seeds the moto AWS emulator for Stratus: the demo stack's seeder and the tests' fixture.

    seeder.py seed ENDPOINT < spec.json
        Creates the IAM users (allowed to read CloudWatch, CloudWatch Logs unless "logs" is
        false, and, unless "lookups" is false, what template variables look up), roles
        (trusting a seeded user or, with "trusted_arn", any principal; optionally with an
        sts:ExternalId trust condition; allowed sts:AssumeRole with "may_assume"), metric
        points, EC2 instances (with tags), metric alarms and log groups with events a spec
        names, arms moto's SigV4 checks, prints what it made as JSON.

    seeder.py demo ENDPOINT OUT_DIR [--once]
        Creates the demo identities, writes OUT_DIR/demo.env (the variables the provisioning
        files expand) and OUT_DIR/credentials (profiles for the credentials-file and SDK-default
        data sources), marks OUT_DIR/ready, then puts realistic metrics and application log
        lines (log group /stratus/demo/app) every minute (once with --once). docker-compose.yaml
        runs this; tests run it with --once.

Seeding runs unauthenticated. `seed` then arms moto's auth mode (`reset-auth 0`) so every later
request must carry a valid SigV4 signature of a seeded identity. `demo` leaves it off: moto
checks signatures against the form body re-encoded its own way (spaces as "+"), so requests
from the AWS SDK for Rust (spaces as "%20", equally valid) that carry a space, such as labels
and SEARCH expressions, would fail in the demo although AWS accepts them.
"""
import datetime
import json
import math
import os
import random
import sys
import time
import urllib.request

import boto3

ACCOUNT = "123456789012"
DEMO_EXTERNAL_ID = "stratus-demo-external-id"
DEMO_NAMESPACE = "Stratus/Demo"
SERVICES = {"checkout": 120.0, "search": 45.0, "login": 80.0}
INSTANCES = {"i-0a1b2c3d4e5f60001": 35.0, "i-0a1b2c3d4e5f60002": 55.0, "i-0a1b2c3d4e5f60003": 20.0}
BACKFILL_MINUTES = 60
DEMO_LOG_GROUP = "/stratus/demo/app"


def post(endpoint, path, body):
    req = urllib.request.Request(
        endpoint + path, data=body.encode(), method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(req) as resp:
        resp.read()


def client(endpoint, service, region="us-east-1", key="seed", secret="seed"):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret
    )


CLOUDWATCH_READ = [
    {"Effect": "Allow", "Action": ["monitoring:*", "cloudwatch:*"], "Resource": "*"},
    {"Effect": "Allow", "Action": ["sts:GetCallerIdentity"], "Resource": "*"},
]
# Logs Insights queries and the log group lookups, as Grafana's CloudWatch documents them.
LOGS_READ = [
    {"Effect": "Allow", "Resource": "*", "Action": [
        "logs:DescribeLogGroups", "logs:GetLogGroupFields", "logs:StartQuery", "logs:StopQuery",
        "logs:GetQueryResults", "logs:GetLogEvents"]},
]
# What Grafana's CloudWatch documentation asks for besides CloudWatch: template variables read
# EC2 and the tagging API, account lookups Observability Access Manager.
LOOKUPS = [
    {"Effect": "Allow", "Action": ["ec2:DescribeTags", "ec2:DescribeInstances", "ec2:DescribeRegions"], "Resource": "*"},
    # AWS names the tagging API's actions "tag:", moto "tagging:".
    {"Effect": "Allow", "Action": ["tag:GetResources", "tagging:GetResources"], "Resource": "*"},
    {"Effect": "Allow", "Action": ["oam:ListSinks", "oam:ListAttachedLinks"], "Resource": "*"},
]


def seed(endpoint, spec, arm_auth=True):
    """Creates what `spec` names; returns the users' keys and the roles' ARNs."""
    post(endpoint, "/moto-api/reset-auth", "1000000")
    iam = client(endpoint, "iam")
    out = {"account": ACCOUNT, "users": {}, "roles": {}}
    for user in spec.get("users", []):
        name = user["name"]
        arn = iam.create_user(UserName=name)["User"]["Arn"]
        statements = list(CLOUDWATCH_READ) if user.get("cloudwatch", True) else []
        if user.get("lookups", True):
            statements.extend(LOOKUPS)
        if user.get("logs", True):
            statements.extend(LOGS_READ)
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
        # A role trusts a seeded user, or any principal ARN (a role session, for a chain).
        principal = role.get("trusted_arn") or out["users"][role["trusted_user"]]["arn"]
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
        allowed = CLOUDWATCH_READ + (LOGS_READ if role.get("logs", True) else [])
        if role.get("may_assume"):
            allowed = allowed + [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]
        iam.put_role_policy(
            RoleName=role["name"],
            PolicyName="cw",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": allowed}),
        )
        out["roles"][role["name"]] = {"arn": arn}
    for metric in spec.get("metrics", []):
        put(client(endpoint, "cloudwatch", metric.get("region", "us-east-1")), metric)
    out["instances"] = [run_instance(endpoint, i) for i in spec.get("instances", [])]
    for alarm in spec.get("alarms", []):
        put_alarm(client(endpoint, "cloudwatch", alarm.get("region", "us-east-1")), alarm)
    out["log_groups"] = [put_logs(endpoint, g) for g in spec.get("log_groups", [])]
    if arm_auth:
        post(endpoint, "/moto-api/reset-auth", "0")
    return out


def run_instance(endpoint, instance):
    """Starts an EC2 instance with tags (and the root EBS volume the emulator gives it)."""
    ec2 = client(endpoint, "ec2", instance.get("region", "us-east-1"))
    image = ec2.describe_images()["Images"][0]["ImageId"]
    tags = [{"Key": k, "Value": v} for k, v in sorted(instance.get("tags", {}).items())]
    started = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType=instance.get("type", "t3.micro"),
        TagSpecifications=[{"ResourceType": "instance", "Tags": tags}] if tags else [],
    )["Instances"][0]
    volumes = [m["Ebs"]["VolumeId"] for m in started.get("BlockDeviceMappings", []) if "Ebs" in m]
    return {"id": started["InstanceId"], "region": instance.get("region", "us-east-1"), "volumes": volumes}


def put_alarm(cw, alarm):
    """A metric alarm: {"name", "namespace", "metric", "dimensions", "statistic" (standard or
    extended), "period", "actions"}."""
    stat = alarm.get("statistic", "Average")
    standard = stat in ("Average", "Sum", "Minimum", "Maximum", "SampleCount")
    cw.put_metric_alarm(
        AlarmName=alarm["name"],
        Namespace=alarm["namespace"],
        MetricName=alarm["metric"],
        Dimensions=[{"Name": k, "Value": v} for k, v in sorted(alarm.get("dimensions", {}).items())],
        Period=alarm.get("period", 300),
        EvaluationPeriods=1,
        Threshold=alarm.get("threshold", 1.0),
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=alarm.get("actions", []),
        **({"Statistic": stat} if standard else {"ExtendedStatistic": stat}),
    )


def put_logs(endpoint, group):
    """A log group with one stream of events: {"name", "region"?, "events": [[seconds ago,
    message]]}; returns its name, ARN and the events' epoch milliseconds."""
    logs = client(endpoint, "logs", group.get("region", "us-east-1"))
    logs.create_log_group(logGroupName=group["name"])
    logs.create_log_stream(logGroupName=group["name"], logStreamName="stream-1")
    now_ms = int(time.time() * 1000)
    events = sorted(({"timestamp": now_ms - int(ago * 1000), "message": m} for ago, m in group.get("events", [])),
                    key=lambda e: e["timestamp"])
    if events:
        logs.put_log_events(logGroupName=group["name"], logStreamName="stream-1", logEvents=events)
    arn = logs.describe_log_groups(logGroupNamePrefix=group["name"])["logGroups"][0]["arn"]
    return {"name": group["name"], "arn": arn, "timestamps": [e["timestamp"] for e in events]}


def put(cw, metric):
    dims = [{"Name": k, "Value": v} for k, v in sorted(metric.get("dimensions", {}).items())]
    data = [
        {"MetricName": metric["name"], "Dimensions": dims, "Timestamp": ts, "Value": value, "Unit": metric.get("unit", "None")}
        for ts, value in metric["points"]
    ]
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace=metric["namespace"], MetricData=data[i : i + 500])


def demo_points(minute):
    """One minute of demo metrics: a daily wave, some noise, an occasional error burst."""
    t = minute.timestamp()
    wave = 1 + 0.3 * math.sin(2 * math.pi * t / 86400) + 0.1 * math.sin(2 * math.pi * t / 900)
    ts = minute.strftime("%Y-%m-%dT%H:%M:%SZ")
    metrics = []
    for service, base in SERVICES.items():
        requests = round(base * 10 * wave * random.uniform(0.9, 1.1))
        errors = round(requests * random.choice([0.001, 0.002, 0.01, 0.05]))
        for name, value, unit in [
            ("Latency", base * wave * random.uniform(0.8, 1.3), "Milliseconds"),
            ("Requests", requests, "Count"),
            ("Errors", errors, "Count"),
        ]:
            metrics.append({"namespace": DEMO_NAMESPACE, "name": name, "unit": unit, "dimensions": {"Service": service}, "points": [[ts, value]]})
    for instance, base in INSTANCES.items():
        metrics.append(
            {"namespace": "AWS/EC2", "name": "CPUUtilization", "unit": "Percent", "dimensions": {"InstanceId": instance}, "points": [[ts, min(100.0, base * wave * random.uniform(0.7, 1.4))]]}
        )
    return metrics


def demo_log_lines(minute):
    """One minute of application log lines: a request line per service, sometimes an error."""
    lines = []
    for i, (service, base) in enumerate(SERVICES.items()):
        status = random.choice([200, 200, 200, 201, 404, 500])
        at = int(minute.timestamp() * 1000) + i * 1000
        latency = round(base * random.uniform(0.8, 1.3))
        level = "ERROR" if status >= 500 else "INFO"
        lines.append({"timestamp": at, "message": f"{level} service={service} status={status} latency_ms={latency}"})
    return lines


def put_log_lines(logs, lines):
    logs.put_log_events(logGroupName=DEMO_LOG_GROUP, logStreamName="web-1", logEvents=lines)


def write_demo_files(out_dir, seeded, endpoint):
    reader = seeded["users"]["grafana-demo"]
    instance = seeded["users"]["ec2-instance"]
    env = {
        "STRATUS_AWS_ENDPOINT": endpoint,
        "STRATUS_DEMO_ACCESS_KEY_ID": reader["access_key_id"],
        "STRATUS_DEMO_SECRET_ACCESS_KEY": reader["secret_access_key"],
        "STRATUS_DEMO_ROLE_ARN": seeded["roles"]["stratus-demo-reader"]["arn"],
        "STRATUS_DEMO_EXTERNAL_ID": DEMO_EXTERNAL_ID,
        "STRATUS_DEMO_INSTANCE_ROLE_ARN": seeded["roles"]["stratus-demo-instance"]["arn"],
        "STRATUS_DEMO_INSTANCE_ACCESS_KEY_ID": instance["access_key_id"],
        "STRATUS_DEMO_INSTANCE_SECRET_ACCESS_KEY": instance["secret_access_key"],
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "demo.env"), "w") as f:
        f.writelines("export %s='%s'\n" % (k, v) for k, v in env.items())
    profile = "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (reader["access_key_id"], reader["secret_access_key"])
    with open(os.path.join(out_dir, "credentials"), "w") as f:
        f.write("[default]\n" + profile + "\n[stratus-demo]\n" + profile)
    # Grafana runs as user 472 and must read these; they hold only the emulator's demo keys.
    for name in ("demo.env", "credentials"):
        os.chmod(os.path.join(out_dir, name), 0o644)
    with open(os.path.join(out_dir, "ready"), "w") as f:
        f.write("ok\n")


def demo(endpoint, out_dir, once):
    # A fresh emulator has new keys: nothing may wait on files from an earlier run.
    if os.path.exists(os.path.join(out_dir, "ready")):
        os.remove(os.path.join(out_dir, "ready"))
    seeded = seed(
        endpoint,
        {
            "users": [{"name": "grafana-demo"}, {"name": "ec2-instance", "cloudwatch": False}],
            "roles": [
                {"name": "stratus-demo-reader", "trusted_user": "grafana-demo", "external_id": DEMO_EXTERNAL_ID},
                {"name": "stratus-demo-instance", "trusted_user": "ec2-instance"},
            ],
        },
        arm_auth=False,
    )
    reader = seeded["users"]["grafana-demo"]
    cw = client(endpoint, "cloudwatch", key=reader["access_key_id"], secret=reader["secret_access_key"])
    logs = client(endpoint, "logs", key=reader["access_key_id"], secret=reader["secret_access_key"])
    logs.create_log_group(logGroupName=DEMO_LOG_GROUP)
    logs.create_log_stream(logGroupName=DEMO_LOG_GROUP, logStreamName="web-1")
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    backfill = []
    for m in range(BACKFILL_MINUTES, 0, -1):
        minute = now - datetime.timedelta(minutes=m)
        for metric in demo_points(minute):
            put(cw, metric)
        backfill.extend(demo_log_lines(minute))
    put_log_lines(logs, backfill)
    write_demo_files(out_dir, seeded, endpoint)
    print("demo seeded: %d minutes of metrics and logs; files in %s" % (BACKFILL_MINUTES, out_dir), flush=True)
    while not once:
        time.sleep(60 - time.time() % 60)
        minute = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
        for metric in demo_points(minute):
            put(cw, metric)
        put_log_lines(logs, demo_log_lines(minute))


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "seed" and len(sys.argv) == 3:
        json.dump(seed(sys.argv[2], json.load(sys.stdin)), sys.stdout)
    elif command == "demo" and len(sys.argv) in (4, 5):
        demo(sys.argv[2], sys.argv[3], once=sys.argv[4:] == ["--once"])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
