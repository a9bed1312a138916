"""What moto 5.2.5 lacks, for tests: CloudWatch DescribeAlarmHistory, Observability Access
Manager (ListSinks, ListAttachedLinks), ListMetrics' linked source accounts, and of CloudWatch
Logs StopQuery, GetLogGroupFields and queries that run for a while (moto answers every query
Complete at once, evaluates no stats, and fails on logGroupIdentifiers). Everything else is
forwarded unchanged to UPSTREAM (moto, or the counting proxy in front of it).

Usage: missing_apis.py UPSTREAM_URL  (prints its port on stdout)

The answers follow the CloudWatch and OAM API references:
- DescribeAlarmHistory is first forwarded upstream, so moto checks the signature and the IAM
  policy (cloudwatch:DescribeAlarmHistory) as for any CloudWatch call; a refusal is relayed,
  and when moto lets it through (and then fails, having no such action) the answer comes from
  the posted history: AlarmName, AlarmTypes (MetricAlarm unless asked), HistoryItemType,
  StartDate..EndDate, ScanBy (TimestampDescending unless asked), MaxRecords (1-100, 50 by
  default) and NextToken.
- OAM is REST-JSON (`POST /ListSinks`, `POST /ListAttachedLinks`) signed for service `oam`.
  moto cannot check those signatures, so this fixture does, with botocore's SigV4 signer and the
  keys posted to it: an unknown key is UnrecognizedClientException, a wrong signature
  InvalidSignatureException, a key not allowed OAM AccessDeniedException (all 403).
- CloudWatch calls come in CloudWatch's CBOR (Smithy RPC v2, as the SDK speaks it) and are
  answered in it, through tests/support/cbor_wire.py.
- ListMetrics with IncludeLinkedAccounts=true is forwarded (moto answers the monitoring
  account's own metrics and checks the call), then OwningAccounts is added, the posted source
  accounts' metrics are appended to the last page, and OwningAccount narrows to one account.
- CloudWatch Logs (awsJson 1.1, X-Amz-Target Logs_20140328.*) is forwarded first, so moto
  checks the signature and the IAM policy. A StartQuery whose queryString contains a posted
  script's `match` is then answered here: with the script's `error` (e.g.
  LimitExceededException, 400), or as a query of its own whose GetQueryResults go through the
  script's `statuses` one per call (the last repeats: ["Running"] runs until stopped), or with
  `complete_after_s` runs until that many seconds after StartQuery, with `partial` rows while
  Running and `results` at the end, or with `poll_error` ({"code", "message"}) refuses every
  GetQueryResults of it. StopQuery (which moto lacks) stops a
  running scripted query ({"success": true}) and refuses an ended one (InvalidParameterException,
  "not running"), as AWS documents; a stopped query then reports Cancelled. GetLogGroupFields
  answers the posted fields of a group.

Control (never forwarded):
  POST /__history [{"AlarmName", "Timestamp" (ISO 8601), "HistoryItemType", "HistorySummary",
                    "AlarmType"?}]   replaces the history
  POST /__oam {"keys": {access key: secret key}, "denied": [access key], "sinks": [{"Arn", "Id",
               "Name"}], "links": [{"Label", "LinkArn", "ResourceTypes"}], "page_size": N,
               "linked_metrics": [{"Account", "Namespace", "MetricName",
               "Dimensions": [{"Name", "Value"}]}]}
  POST /__logs {"scripts": [{"match", "error"?, "statuses"?, "complete_after_s"?, "partial"?,
               "results"?, "statistics"?, "poll_error"?}], "fields": {group name or ARN: [{"name", "percent"}]}}
  GET  /__started -> [StartQuery parameters of every query started, scripted or moto's, with
                      `_region`, the region it was signed for]
  GET  /__counts  -> {"Action": calls this fixture answered, and Logs StopQuery calls of any
                      query; "MaxRunning": the most scripted queries running at once}
"""
import datetime
import hmac
import json
import re
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import cbor_wire
from forward import fetch, relay_head

UPSTREAM = urllib.parse.urlparse(sys.argv[1])
LOCK = threading.Lock()
STATE = {"history": [], "oam": {}, "counts": {}, "logs": {}, "queries": {}, "started": []}
LOGS_JSON = "application/x-amz-json-1.1"


def count(action):
    with LOCK:
        STATE["counts"][action] = STATE["counts"].get(action, 0) + 1


def parse_time(text):
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)


def when(value):
    """A timestamp member (a datetime from the CBOR decode) as an aware datetime."""
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def describe_alarm_history(params):
    """DescribeAlarmHistory over the posted history: (status, output) or (status, (code, message))."""
    try:
        max_records = int(params.get("MaxRecords", 50))
        offset = int(params.get("NextToken") or 0)
    except ValueError:
        return 400, ("InvalidNextToken", "The NextToken or MaxRecords value is not valid.")
    if not 1 <= max_records <= 100:
        return 400, ("ValidationError", "MaxRecords must be between 1 and 100.")
    name = params.get("AlarmName")
    types = params.get("AlarmTypes") or ["MetricAlarm"]
    kind = params.get("HistoryItemType")
    start = when(params["StartDate"]) if "StartDate" in params else None
    end = when(params["EndDate"]) if "EndDate" in params else None
    with LOCK:
        items = list(STATE["history"])
    chosen = [
        i for i in items
        if (name is None or i["AlarmName"] == name)
        and i.get("AlarmType", "MetricAlarm") in types
        and (kind is None or i["HistoryItemType"] == kind)
        and (start is None or parse_time(i["Timestamp"]) >= start)
        and (end is None or parse_time(i["Timestamp"]) <= end)
    ]
    chosen.sort(key=lambda i: parse_time(i["Timestamp"]),
                reverse=params.get("ScanBy", "TimestampDescending") == "TimestampDescending")
    page = chosen[offset:offset + max_records]
    out = {"AlarmHistoryItems": [
        {
            "AlarmName": i["AlarmName"],
            "AlarmType": i.get("AlarmType", "MetricAlarm"),
            "Timestamp": parse_time(i["Timestamp"]),
            "HistoryItemType": i["HistoryItemType"],
            "HistorySummary": i["HistorySummary"],
            "HistoryData": json.dumps(i.get("HistoryData", {})),
        }
        for i in page
    ]}
    if offset + max_records < len(chosen):
        out["NextToken"] = str(offset + max_records)
    return 200, out


def metric_matches(metric, params):
    if "Namespace" in params and metric["Namespace"] != params["Namespace"]:
        return False
    if "MetricName" in params and metric["MetricName"] != params["MetricName"]:
        return False
    dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
    return all(
        f["Name"] in dims and ("Value" not in f or dims[f["Name"]] == f["Value"])
        for f in params.get("Dimensions", [])
    )


def linked(params, own_metrics, last_page):
    """The metrics a monitoring account lists with IncludeLinkedAccounts, and their owners."""
    with LOCK:
        oam = dict(STATE["oam"])
    sinks = oam.get("sinks", [])
    own = sinks[0]["Arn"].split(":")[4] if sinks else "123456789012"
    wanted = params.get("OwningAccount")
    metrics = [] if wanted is not None and wanted != own else list(own_metrics)
    owners = [own] * len(metrics)
    if last_page and sinks:
        accounts = {l["LinkArn"].split(":")[4] for l in oam.get("links", [])}
        for m in oam.get("linked_metrics", []):
            if m["Account"] in accounts and wanted in (None, m["Account"]) and metric_matches(m, params):
                metrics.append({k: m[k] for k in ("Namespace", "MetricName", "Dimensions")})
                owners.append(m["Account"])
    return metrics, owners


def linked_list_metrics_json(params, status, data):
    """The same for the awsJson protocol (boto3's)."""
    out = json.loads(data)
    out["Metrics"], out["OwningAccounts"] = linked(params, out.get("Metrics", []), not out.get("NextToken"))
    return status, "application/x-amz-json-1.0", json.dumps(out).encode()


def json_error(code, message):
    body = json.dumps({"message": message}).encode()
    return 403, "application/json", body, {"x-amzn-ErrorType": code}


def check_sigv4(handler, body):
    """None when the request is signed for `oam` with a posted key, else the error answer."""
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return json_error("MissingAuthenticationTokenException", "Missing Authentication Token")
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    key_id, date, region, service, _ = parts["Credential"].split("/")
    with LOCK:
        oam = dict(STATE["oam"])
    secret = oam.get("keys", {}).get(key_id)
    if secret is None:
        return json_error("UnrecognizedClientException", "The security token included in the request is invalid.")
    signed = parts["SignedHeaders"].split(";")
    headers = {h: handler.headers.get(h, "") for h in signed}
    request = AWSRequest(method=handler.command, url=f"http://{handler.headers['Host']}{handler.path}",
                         data=body, headers=headers)
    request.context["timestamp"] = handler.headers.get("X-Amz-Date", "")
    signer = SigV4Auth(Credentials(key_id, secret, handler.headers.get("X-Amz-Security-Token")), service, region)
    # Sign exactly the headers the client signed.
    signer.headers_to_sign = lambda r: _headers(r, signed)
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    if service != "oam" or not hmac.compare_digest(expected, parts["Signature"]):
        return json_error("InvalidSignatureException",
                          "The request signature we calculated does not match the signature you provided.")
    if key_id in oam.get("denied", []):
        action = handler.path.strip("/")
        return json_error("AccessDeniedException", f"User is not authorized to perform: oam:{action}")
    return None


def _headers(request, signed):
    from botocore.awsrequest import HTTPHeaders
    out = HTTPHeaders()
    for name in signed:
        out[name] = request.headers.get(name, "")
    return out


def oam_page(items, body, page_size):
    try:
        offset = int(json.loads(body or b"{}").get("NextToken") or 0)
    except (ValueError, AttributeError):
        offset = 0
    page = items[offset:offset + page_size]
    token = str(offset + page_size) if offset + page_size < len(items) else None
    return {"Items": page, "NextToken": token}


def oam_answer(handler, body):
    denied = check_sigv4(handler, body)
    if denied:
        return denied
    action = handler.path.strip("/").split("?")[0]
    count(action)
    with LOCK:
        oam = dict(STATE["oam"])
    size = oam.get("page_size", 100)
    if action == "ListSinks":
        out = oam_page(oam.get("sinks", []), body, size)
    elif action == "ListAttachedLinks":
        sink = json.loads(body or b"{}").get("SinkIdentifier")
        if not any(s["Arn"] == sink for s in oam.get("sinks", [])):
            return 404, "application/json", json.dumps({"message": "Sink not found"}).encode(), {
                "x-amzn-ErrorType": "ResourceNotFoundException"}
        out = oam_page(oam.get("links", []), body, size)
    else:
        return 404, "application/json", json.dumps({"message": "Unknown operation"}).encode(), {
            "x-amzn-ErrorType": "UnknownOperationException"}
    return 200, "application/json", json.dumps(out).encode(), {}


def logs_error(status, code, message):
    return status, LOGS_JSON, json.dumps({"__type": code, "message": message}).encode()


def logs_answer(action, params, upstream_status, region):
    """The answer to a Logs call moto accepted (or lacks), or None to relay moto's."""
    with LOCK:
        scripts = STATE["logs"].get("scripts", [])
        fields = STATE["logs"].get("fields", {})
    if action == "StartQuery":
        script = next((s for s in scripts if s["match"] in params.get("queryString", "")), None)
        if script is None:
            if upstream_status == 200:
                with LOCK:
                    STATE["started"].append(dict(params, _region=region))
            return None
        count(action)
        if "error" in script:
            return logs_error(400, script["error"], f"{script['error']} (scripted)")
        query_id = f"fixture-{uuid.uuid4()}"
        with LOCK:
            STATE["queries"][query_id] = {"script": script, "polls": 0, "stopped": False, "params": params,
                                          "status": "Running" if "complete_after_s" in script
                                          else script.get("statuses", ["Complete"])[0],
                                          "started": time.monotonic()}
            STATE["started"].append(dict(params, _region=region))
            running = sum(1 for q in STATE["queries"].values() if q["status"] == "Running" and not q["stopped"])
            STATE["counts"]["MaxRunning"] = max(STATE["counts"].get("MaxRunning", 0), running)
        return 200, LOGS_JSON, json.dumps({"queryId": query_id}).encode()
    if action in ("GetQueryResults", "StopQuery"):
        query_id = params.get("queryId", "")
        with LOCK:
            q = STATE["queries"].get(query_id)
        if action == "StopQuery":
            count(action)
            if q is None or q["stopped"] or q["status"] != "Running":
                return logs_error(400, "InvalidParameterException", f"Query {query_id} is not running")
            with LOCK:
                q["stopped"] = True
            return 200, LOGS_JSON, json.dumps({"success": True}).encode()
        if q is None:
            return None
        count(action)
        script = q["script"]
        if "poll_error" in script:
            return logs_error(400, script["poll_error"]["code"], script["poll_error"]["message"])
        with LOCK:
            statuses = script.get("statuses", ["Complete"])
            if "complete_after_s" in script:
                done = time.monotonic() - q["started"] >= script["complete_after_s"]
                statuses = ["Complete" if done else "Running"]
            status = "Cancelled" if q["stopped"] else statuses[min(q["polls"], len(statuses) - 1)]
            q["polls"] += 1
            q["status"] = status
        rows = script.get("partial", []) if status in ("Running", "Cancelled") else script.get("results", [])
        out = {"status": status, "results": [[{"field": f, "value": v} for f, v in r] for r in rows],
               "statistics": script.get("statistics", {"recordsMatched": float(len(rows)),
                                                        "recordsScanned": float(len(rows)),
                                                        "bytesScanned": 100.0 * len(rows)})}
        return 200, LOGS_JSON, json.dumps(out).encode()
    if action == "GetLogGroupFields" and upstream_status == 500:
        count(action)
        group = params.get("logGroupIdentifier") or params.get("logGroupName")
        if group not in fields:
            return logs_error(400, "ResourceNotFoundException", "The specified log group does not exist.")
        return 200, LOGS_JSON, json.dumps({"logGroupFields": fields[group]}).encode()
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, content_type, data, extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/__"):
            return self.control(body)
        if "/oam/" in self.headers.get("Authorization", ""):
            status, ctype, data, extra = oam_answer(self, body)
            return self.answer(status, ctype, data, extra)
        operation = cbor_wire.operation_of(self.path) if cbor_wire.is_cbor(self.headers) else None
        resp, data = fetch(self, UPSTREAM, body)
        if operation == "DescribeAlarmHistory" and resp.status == 500:
            # moto checked the caller and then had no such action: answer it here.
            count(operation)
            return self.cbor(operation, *describe_alarm_history(cbor_wire.decode_request(operation, body)))
        if operation == "ListMetrics" and resp.status == 200:
            params = cbor_wire.decode_request(operation, body)
            if params.get("IncludeLinkedAccounts"):
                out = cbor_wire.decode_output(operation, data)
                out["Metrics"], out["OwningAccounts"] = linked(
                    params, out.get("Metrics", []), not out.get("NextToken"))
                return self.cbor(operation, 200, out)
        target = self.headers.get("X-Amz-Target", "")
        if target.startswith("Logs_20140328.") and resp.status != 403:
            # Past moto's checks of signature and policy (their refusals, 403, are relayed).
            scope = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", self.headers.get("Authorization", ""))
            mine = logs_answer(target.split(".", 1)[1], json.loads(body or b"{}"), resp.status,
                               scope.group(1) if scope else "")
            if mine is not None:
                return self.answer(*mine)
        if target.endswith(".ListMetrics") and resp.status == 200:
            params = json.loads(body or b"{}")
            if params.get("IncludeLinkedAccounts"):
                return self.answer(*linked_list_metrics_json(params, resp.status, data))
        relay_head(self, resp, len(data))
        self.wfile.write(data)

    def cbor(self, operation, status, out):
        """An answer in CloudWatch's CBOR: the output, or (code, message) of an error."""
        if status == 200:
            return self.answer(200, cbor_wire.CBOR, cbor_wire.encode_output(operation, out),
                               {"smithy-protocol": "rpc-v2-cbor"})
        data, headers = cbor_wire.error(*out)
        return self.answer(status, headers.pop("Content-Type"), data, headers)

    def control(self, body):
        if self.path == "/__history":
            with LOCK:
                STATE["history"] = json.loads(body)
        elif self.path == "/__oam":
            with LOCK:
                STATE["oam"] = json.loads(body)
        elif self.path == "/__logs":
            with LOCK:
                STATE["logs"] = json.loads(body)
        elif self.path == "/__started":
            with LOCK:
                return self.answer(200, "application/json", json.dumps(STATE["started"]).encode())
        elif self.path == "/__counts":
            with LOCK:
                return self.answer(200, "application/json", json.dumps(STATE["counts"]).encode())
        else:
            return self.answer(404, "application/json", b'{"error": "no such control"}')
        return self.answer(200, "application/json", b"{}")

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
