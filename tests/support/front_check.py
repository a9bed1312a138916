"""Checks the CBOR front (moto_cbor.py) with an independent CBOR client: boto3 made to speak
Smithy RPC v2 CBOR (botocore's own RpcV2CBORSerializer and parser, CloudWatch's model with its
protocol set to smithy-rpc-v2-cbor), beside boto3 speaking awsJson 1.0 to moto directly.

Usage: front_check.py ENDPOINT < {"allowed": [key id, secret], "denied": [key id, secret]}
(moto seeded with points of Front/Check Load {InstanceId=i-front} in the last hour and the
alarm front-load on it; "denied" may not call CloudWatch)
Prints {"answers": {operation: {"cbor": answer, "json": answer}}, "refusals": {case: {"cbor":
[code, status], "query": [code, status]}}}: every CloudWatch operation Stratus calls, asked both
ways with the same arguments, and the same refusals (a wrong signature, an unknown key, an
action the key's policy denies) asked in CBOR and in awsQuery, the protocol moto writes its
refusals in.
"""
import copy
import datetime
import json
import os
import sys
import tempfile

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

NOW = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)


def speaking(protocol):
    """A botocore session whose CloudWatch model speaks only `protocol`."""
    data = copy.deepcopy(botocore.session.get_session().get_service_data("cloudwatch"))
    data["metadata"]["protocol"] = protocol
    data["metadata"]["protocols"] = [protocol]
    root = tempfile.mkdtemp()
    folder = os.path.join(root, "cloudwatch", data["metadata"]["apiVersion"])
    os.makedirs(folder)
    with open(os.path.join(folder, "service-2.json"), "w") as f:
        json.dump(data, f)
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, root)
    return session


def clients(endpoint, key):
    kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key[0],
              aws_secret_access_key=key[1], config=Config(retries={"max_attempts": 1}))
    return {"cbor": speaking("smithy-rpc-v2-cbor").create_client("cloudwatch", **kw),
            "json": boto3.client("cloudwatch", **kw),
            "query": speaking("query").create_client("cloudwatch", **kw)}


def plain(value):
    """An answer as JSON (timestamps as epoch seconds), without the transport's metadata."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    return value


def refusal(call):
    try:
        call()
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    return ["(accepted)", 200]


def main():
    endpoint = sys.argv[1]
    keys = json.load(sys.stdin)
    ok = clients(endpoint, keys["allowed"])
    dims = [{"Name": "InstanceId", "Value": "i-front"}]
    calls = {
        "GetMetricData": ("get_metric_data", dict(
            MetricDataQueries=[
                {"Id": "m", "MetricStat": {"Metric": {"Namespace": "Front/Check", "MetricName": "Load",
                                                      "Dimensions": dims}, "Period": 60, "Stat": "Sum"}},
                {"Id": "e", "Expression": "m * 2"},
            ],
            StartTime=NOW - datetime.timedelta(hours=1), EndTime=NOW + datetime.timedelta(minutes=1),
            ScanBy="TimestampAscending")),
        "ListMetrics": ("list_metrics", dict(Namespace="Front/Check")),
        "DescribeAlarms": ("describe_alarms", dict(AlarmNames=["front-load"])),
        "DescribeAlarmsForMetric": ("describe_alarms_for_metric", dict(
            Namespace="Front/Check", MetricName="Load", Dimensions=dims)),
    }
    answers = {}
    for operation, (method, args) in calls.items():
        answers[operation] = {way: plain(getattr(ok[way], method)(**args)) for way in ("cbor", "json")}
    wrong = clients(endpoint, [keys["allowed"][0], "not-the-secret"])
    unknown = clients(endpoint, ["AKIAUNKNOWNKEY000000", "whatever"])
    denied = clients(endpoint, keys["denied"])
    # moto writes its refusals in XML whatever the protocol, which boto3's awsJson parser cannot
    # read: they are compared with boto3 speaking awsQuery, moto's own protocol.
    refusals = {
        case: {w: refusal(lambda c=c: c.list_metrics()) for w, c in way.items() if w != "json"}
        for case, way in (("wrong signature", wrong), ("unknown key", unknown), ("denied action", denied))
    }
    json.dump({"answers": answers, "refusals": refusals}, sys.stdout)


if __name__ == "__main__":
    main()
