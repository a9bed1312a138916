"""An independent client (boto3) answering the questions template variables ask, for tests.

Usage: lookup.py ENDPOINT ACCESS_KEY SECRET_KEY < questions.json
Each question is one of:
  {"kind": "regions"}
  {"kind": "metrics"|"dimension_keys"|"dimension_values", "region", "namespace",
   "metric"?, "key"?, "filters": {key: [values]}, "account"?: "all" | ACCOUNT_ID}
  {"kind": "instance_attribute", "region", "attribute", "filters": {name: [values]}}
  {"kind": "volumes", "region", "instance_ids": [...]}
  {"kind": "resource_arns", "region", "resource_type", "tags": {key: [values]}}
  {"kind": "alarms_for_metric", "region", "namespace", "metric", "dimensions": {key: value},
   "statistic", "period"}   (the alarms' names)
Prints the sorted, distinct answer of each, in order, as a JSON list of lists.
"""
import json
import sys

import boto3

endpoint, key, secret = sys.argv[1:4]


def client(service, region):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret
    )


def metrics(q):
    cw = client("cloudwatch", q.get("region", "us-east-1"))
    dims = [{"Name": k, **({"Value": v[0]} if len(v) == 1 else {})} for k, v in q.get("filters", {}).items()]
    if q["kind"] == "dimension_values" and q["key"] not in q.get("filters", {}):
        dims.append({"Name": q["key"]})
    args = {"Namespace": q["namespace"], "Dimensions": dims}
    if "account" in q:
        args["IncludeLinkedAccounts"] = True
        if q["account"] != "all":
            args["OwningAccount"] = q["account"]
    if q.get("metric"):
        args["MetricName"] = q["metric"]
    found = set()
    for page in cw.get_paginator("list_metrics").paginate(**args):
        for m in page["Metrics"]:
            if q["kind"] == "metrics":
                found.add(m["MetricName"])
            for d in m.get("Dimensions", []):
                if q["kind"] == "dimension_keys" and d["Name"] not in q.get("filters", {}):
                    found.add(d["Name"])
                if q["kind"] == "dimension_values" and d["Name"] == q["key"]:
                    found.add(d["Value"])
    return found


def instances(q, ids=None):
    ec2 = client("ec2", q.get("region", "us-east-1"))
    filters = [{"Name": k, "Values": v} for k, v in q.get("filters", {}).items() if v]
    args = {"Filters": filters}
    if ids:
        args["InstanceIds"] = ids
    for page in ec2.get_paginator("describe_instances").paginate(**args):
        for r in page["Reservations"]:
            yield from r["Instances"]


def attribute(instance, path):
    if path.startswith("Tags."):
        tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
        return tags.get(path[5:])
    value = instance
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return None if value is None else str(value)


def answer(q):
    kind = q["kind"]
    if kind == "regions":
        return {r["RegionName"] for r in client("ec2", "us-east-1").describe_regions()["Regions"]}
    if kind in ("metrics", "dimension_keys", "dimension_values"):
        return metrics(q)
    if kind == "instance_attribute":
        return {v for v in (attribute(i, q["attribute"]) for i in instances(q)) if v is not None}
    if kind == "volumes":
        return {
            m["Ebs"]["VolumeId"]
            for i in instances(q, q["instance_ids"])
            for m in i.get("BlockDeviceMappings", [])
            if "Ebs" in m
        }
    if kind == "resource_arns":
        tagging = client("resourcegroupstaggingapi", q.get("region", "us-east-1"))
        tags = [{"Key": k, **({"Values": v} if v else {})} for k, v in q.get("tags", {}).items()]
        found = set()
        for page in tagging.get_paginator("get_resources").paginate(ResourceTypeFilters=[q["resource_type"]], TagFilters=tags):
            found.update(r["ResourceARN"] for r in page["ResourceTagMappingList"])
        return found
    if kind == "alarms_for_metric":
        cw = client("cloudwatch", q.get("region", "us-east-1"))
        out = cw.describe_alarms_for_metric(
            Namespace=q["namespace"],
            MetricName=q["metric"],
            Dimensions=[{"Name": k, "Value": v} for k, v in q.get("dimensions", {}).items()],
            Statistic=q["statistic"],
            Period=q["period"],
        )
        return {a["AlarmName"] for a in out["MetricAlarms"]}
    raise SystemExit(f"unknown question {kind}")


print(json.dumps([sorted(answer(q)) for q in json.load(sys.stdin)]))
