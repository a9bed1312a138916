"""Records moto's GetMetricData answer to the benchmark dashboard's request, one series at a time.

    record.py ENDPOINT < {"exchange": {...}, "metrics": [...]}   (prints the filled exchange)

`exchange` is the plugin's own 100-query GetMetricData request as the recording proxy saw it
(CBOR, turned here into the same request's awsQuery form), with moto's answer while it held no
points. moto scans every point of the region for every
query and every period (its cost is queries x periods x points), so the whole day of 100
series in one moto would take hours. Instead, for each query of the request: reset moto, put
only that query's series (`metrics[i]`, a seeder.py metric), send moto that query exactly as
the plugin wrote it (its form fields, renumbered as the only member), and keep moto's result.
The results, in request order, replace the empty ones in moto's original answer.
"""
import base64
import json
import os
import re
import sys
import urllib.parse
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "provisioning", "demo"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "support"))
import cbor_wire  # noqa: E402
from seeder import client, post, put  # noqa: E402

RESULTS = re.compile(r"(<MetricDataResults>)(.*?)(</MetricDataResults>)", re.S)
MEMBER = re.compile(r"^MetricDataQueries\.member\.(\d+)\.(.*)$")


def single_query_body(fields, index):
    """The plugin's request narrowed to its query `index` (1-based), renumbered as member 1."""
    out = []
    for key, value in fields:
        m = MEMBER.match(key)
        if m is None:
            out.append((key, value))
        elif int(m.group(1)) == index:
            out.append(("MetricDataQueries.member.1." + m.group(2), value))
    return urllib.parse.urlencode(out)


def ask(endpoint, body):
    """POSTs a CloudWatch form body, signed (moto picks the service from the signature)."""
    signed = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials("seed", "seed"), "monitoring", "us-east-1").add_auth(signed)
    req = urllib.request.Request(signed.url, data=signed.body, method="POST", headers=dict(signed.headers))
    with urllib.request.urlopen(req) as resp:
        return resp.read().decode()


def main():
    endpoint = sys.argv[1]
    spec = json.load(sys.stdin)
    exchange, metrics = spec["exchange"], spec["metrics"]
    if exchange["content_type"] == cbor_wire.CBOR:
        # The plugin speaks CBOR: the same request's awsQuery form, and moto's empty answer to it.
        params = cbor_wire.decode_request("GetMetricData", base64.b64decode(exchange["request"]))
        form = urllib.parse.urlencode(cbor_wire.query_fields("GetMetricData", params))
        post(endpoint, "/moto-api/reset", "")
        exchange = dict(exchange, request=form, content_type="text/xml", body=ask(endpoint, form))
    fields = urllib.parse.parse_qsl(exchange["request"], keep_blank_values=True)
    count = len({MEMBER.match(k).group(1) for k, _ in fields if MEMBER.match(k)})
    if count != len(metrics):
        sys.exit("the request has %d queries but %d series were given" % (count, len(metrics)))
    members = []
    for i, metric in enumerate(metrics, start=1):
        post(endpoint, "/moto-api/reset", "")
        put(client(endpoint, "cloudwatch"), metric)
        answer = ask(endpoint, single_query_body(fields, i))
        found = RESULTS.search(answer)
        if found is None or "<member>" not in found.group(2):
            sys.exit("moto gave no result for query %d: %s" % (i, answer[:500]))
        members.append(found.group(2).strip())
        print("recorded %d/%d" % (i, len(metrics)), file=sys.stderr, flush=True)
    body = RESULTS.sub(lambda m: m.group(1) + "".join(members) + m.group(3), exchange["body"], count=1)
    json.dump(dict(exchange, body=body), sys.stdout)


if __name__ == "__main__":
    main()
