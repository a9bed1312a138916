"""moto, speaking CloudWatch's current protocol: moto's own server with a CBOR front.

Usage: moto_cbor.py HOST PORT

moto 5.2.5 serves CloudWatch over awsQuery and awsJson 1.0 but not Smithy RPC v2 CBOR, the
protocol the AWS SDKs speak since December 2025 (getmoto/moto#9195). The front runs in moto's
process, so it sees the same accounts, users and sessions:
1. It checks the caller's SigV4 signature over the raw CBOR request itself, with moto's own
   key lookup and checker (botocore's SigV4), while moto's auth mode is armed; a refusal is
   moto's own (InvalidClientTokenId, SignatureDoesNotMatch, ...), in CBOR.
2. It translates the request to awsJson 1.0 with botocore's serializers (the service model
   says what every member is), signs it again with the caller's own credentials, and hands it
   to moto, which checks that signature and applies the caller's IAM policies as for any call.
3. It translates moto's answer back to CBOR (timestamps as tag 1, `smithy-protocol:
   rpc-v2-cbor`), and moto's errors to AWS's CBOR error shape.
Everything else (awsQuery, awsJson, STS, EC2, Logs, moto's own API) goes to moto unchanged.
"""
import io
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import _RESTError as RESTError
from moto.iam.access_control import IAMRequest
from moto.iam.models import get_account_id_from
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.datastructures import EnvironHeaders
from werkzeug.serving import run_simple

import cbor_wire

def auth_armed():
    """Whether moto checks signatures now (its auth mode, armed by /moto-api/reset-auth)."""
    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


def scope(headers):
    """(access key id, region) of the request's SigV4 credential scope."""
    auth = headers.get("Authorization", "")
    credential = auth.partition("Credential=")[2].partition(",")[0].split("/")
    if len(credential) < 4:
        return None, None
    return credential[0], credential[2]


def caller(environ, headers, body, operation):
    """The caller's credentials once moto's checker accepts the signature (raises moto's
    refusal otherwise); None when moto's auth mode is not armed yet."""
    if not auth_armed():
        return None
    if "Authorization" not in headers:
        raise RESTError("MissingAuthenticationToken", "Missing Authentication Token")
    key_id, _ = scope(headers)
    request = IAMRequest(
        account_id=get_account_id_from(key_id),
        method=environ["REQUEST_METHOD"],
        path=environ.get("RAW_URI") or environ["PATH_INFO"],
        data={},
        body=body,
        headers=headers,
        action=operation,
    )
    request.check_signature()
    return request._access_key.create_credentials()


def signed_json(headers, operation, params, credentials):
    """The request in awsJson 1.0, signed for CloudWatch with the caller's credentials."""
    body, json_headers = cbor_wire.json_request(operation, params)
    key_id, region = scope(headers)
    aws = AWSRequest(method="POST", url=f"http://{headers.get('Host', 'localhost')}/",
                     data=body, headers={**json_headers, "Host": headers.get("Host", "localhost")})
    # Unarmed, moto checks nothing but still reads the key and region from the scope.
    creds = credentials or Credentials(key_id or "AKIAUNSIGNED", "unsigned")
    SigV4Auth(creds, "monitoring", region or "us-east-1").add_auth(aws)
    return body, dict(aws.headers.items())


class Front:
    """The WSGI middleware in front of moto's application."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        operation = cbor_wire.operation_of(environ.get("PATH_INFO", ""))
        headers = EnvironHeaders(environ)
        if operation is None or not cbor_wire.is_cbor(headers):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            credentials = caller(environ, headers, body, operation)
            params = cbor_wire.decode_request(operation, body)
        except RESTError as refused:
            return self.reply(start_response, refused.code, *cbor_wire.error(
                refused.error_type, refused.message))
        except Exception as bad:  # an unreadable CBOR body: AWS answers SerializationException
            return self.reply(start_response, 400, *cbor_wire.error(
                "SerializationException", f"The request body could not be read: {bad}"))
        json_body, json_headers = signed_json(headers, operation, params, credentials)
        inner = dict(environ)
        for key in [k for k in inner if k.startswith("HTTP_")]:
            del inner[key]
        for name, value in json_headers.items():
            inner["HTTP_" + name.upper().replace("-", "_")] = value
        inner["HTTP_HOST"] = headers.get("Host", "localhost")
        inner.update(PATH_INFO="/", RAW_URI="/", QUERY_STRING="", CONTENT_TYPE=json_headers["Content-Type"],
                     CONTENT_LENGTH=str(len(json_body)), **{"wsgi.input": io.BytesIO(json_body)})
        seen = {}

        def capture(status, response_headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            seen["headers"] = dict(response_headers)
            return lambda data: None

        try:
            answer = b"".join(self.app(inner, capture))
            status = seen["status"]
            parsed = cbor_wire.parse_moto_answer(operation, status, seen["headers"], answer)
        except Exception:  # moto has no such operation (past its checks of the caller)
            status = 500
            parsed = {"Error": {"Code": "InternalFailure", "Message": f"moto cannot answer {operation}"}}
        if status >= 300 or "Error" in parsed:
            err = parsed.get("Error", {})
            query_error = seen.get("headers", {}).get("x-amzn-query-error", "")
            code = query_error.split(";")[0] or err.get("Code") or "InternalFailure"
            return self.reply(start_response, status, *cbor_wire.error(
                code.rsplit("#", 1)[-1], err.get("Message", ""), sender=status < 500))
        return self.reply(start_response, status, cbor_wire.encode_output(operation, parsed),
                          cbor_wire.answer_headers())

    @staticmethod
    def reply(start_response, status, body, headers):
        start_response(f"{status} {'OK' if status < 300 else 'Error'}",
                       [*headers.items(), ("Content-Length", str(len(body)))])
        return [body]


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, Front(app), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
