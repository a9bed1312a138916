"""Records moto's Logs Insights answer of 10,000 rows: the logs panel the benchmark measures.

    record_logs.py ENDPOINT OUT   (writes moto's GetQueryResults answer, gzipped, as it came)

Puts a day of application log lines (10,000 events, one stream) into /bench/app, runs
QUERY over it and keeps the bytes of moto's complete GetQueryResults answer.
"""
import gzip
import json
import os
import random
import sys
import time
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "provisioning", "demo"))
from seeder import client  # noqa: E402

GROUP = "/bench/app"
ROWS = 10_000
QUERY = "fields @timestamp, @message, @logStream, @log | sort @timestamp desc | limit 10000"


def lines(now_ms):
    """ROWS events over the last day, shaped like a web service's request log."""
    rnd = random.Random(1)
    for i in range(ROWS):
        service = rnd.choice(["checkout", "search", "login", "cart"])
        status = rnd.choices([200, 201, 404, 500], [90, 5, 4, 1])[0]
        level = "error" if status >= 500 else "info"
        yield {
            "timestamp": now_ms - (ROWS - i) * 8_640,
            "message": f"level={level} service={service} method=GET path=/api/{service}/{rnd.randrange(10**6)} "
            f"status={status} duration_ms={rnd.randrange(2, 900)} request_id={rnd.getrandbits(64):016x}",
        }


def ask(endpoint, action, body):
    """POSTs a signed CloudWatch Logs call and returns the answer's bytes untouched."""
    signed = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"Logs_20140328.{action}"},
    )
    SigV4Auth(Credentials("seed", "seed"), "logs", "us-east-1").add_auth(signed)
    req = urllib.request.Request(signed.url, data=signed.body, method="POST", headers=dict(signed.headers))
    with urllib.request.urlopen(req) as resp:
        return resp.read()


def main():
    endpoint, out = sys.argv[1], sys.argv[2]
    logs = client(endpoint, "logs")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="web-1")
    now_ms = int(time.time() * 1000)
    events = list(lines(now_ms))
    for i in range(0, len(events), 2_000):
        logs.put_log_events(logGroupName=GROUP, logStreamName="web-1", logEvents=events[i : i + 2_000])
    started = json.loads(ask(endpoint, "StartQuery", {
        "logGroupNames": [GROUP], "startTime": now_ms // 1000 - 86_400 - 60, "endTime": now_ms // 1000 + 60,
        "queryString": QUERY}))
    while True:
        answer = ask(endpoint, "GetQueryResults", {"queryId": started["queryId"]})
        parsed = json.loads(answer)
        if parsed["status"] == "Complete":
            break
        time.sleep(0.2)
    if len(parsed["results"]) != ROWS:
        sys.exit(f"moto answered {len(parsed['results'])} rows, not {ROWS}")
    with gzip.open(out, "wb", compresslevel=9) as f:
        f.write(answer)
    print(f"{out}: {len(answer)} bytes, {ROWS} rows")


if __name__ == "__main__":
    main()
