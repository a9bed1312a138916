"""Puts metric points signed with the given keys, for tests that add data after moto's auth
checks are armed (the seeded users may put metric data).

Usage: put_metrics.py ENDPOINT KEY SECRET < metrics.json
metrics.json: [{"namespace", "name", "dimensions": {key: value}, "points": [[epoch_s, value]],
"region"?}]. Prints {}.
"""
import datetime
import json
import sys

import boto3

endpoint, key, secret = sys.argv[1:4]
clients = {}
for m in json.load(sys.stdin):
    region = m.get("region", "us-east-1")
    if region not in clients:
        clients[region] = boto3.client(
            "cloudwatch", endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret
        )
    dims = [{"Name": k, "Value": v} for k, v in sorted(m.get("dimensions", {}).items())]
    clients[region].put_metric_data(
        Namespace=m["namespace"],
        MetricData=[
            {
                "MetricName": m["name"],
                "Dimensions": dims,
                "Timestamp": datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc),
                "Value": float(v),
            }
            for ts, v in m["points"]
        ],
    )
print("{}")
