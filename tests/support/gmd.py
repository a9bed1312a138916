"""An independent GetMetricData client for tests (boto3), printing each result's id, label,
timestamps (ms) and values as JSON.

Usage: gmd.py ENDPOINT ACCESS_KEY SECRET_KEY START_MS END_MS < metric_data_queries.json
"""
import datetime
import json
import sys

import boto3

endpoint, key, secret, start_ms, end_ms = sys.argv[1:6]
cw = boto3.client(
    "cloudwatch",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id=key,
    aws_secret_access_key=secret,
)


def ts(ms):
    return datetime.datetime.fromtimestamp(int(ms) / 1000, tz=datetime.timezone.utc)


resp = cw.get_metric_data(
    MetricDataQueries=json.load(sys.stdin),
    StartTime=ts(start_ms),
    EndTime=ts(end_ms),
    ScanBy="TimestampAscending",
)
out = [
    {
        "id": r["Id"],
        "label": r.get("Label", ""),
        "timestamps": [int(t.timestamp() * 1000) for t in r["Timestamps"]],
        "values": r["Values"],
    }
    for r in resp["MetricDataResults"]
]
json.dump(out, sys.stdout)
