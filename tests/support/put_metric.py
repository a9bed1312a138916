"""Puts one data point a minute for a few minutes, signed with the given keys (tests).

Usage: put_metric.py ENDPOINT KEY SECRET NAMESPACE METRIC START_MS VALUE
"""
import datetime
import sys

import boto3

endpoint, key, secret, namespace, metric, start_ms, value = sys.argv[1:8]
cw = boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
ts = datetime.datetime.fromtimestamp(int(start_ms) / 1000, tz=datetime.timezone.utc)
cw.put_metric_data(Namespace=namespace, MetricData=[{"MetricName": metric, "Timestamp": ts, "Value": float(value)}])
