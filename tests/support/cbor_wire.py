"""CloudWatch's current wire protocol (Smithy RPC v2 CBOR) for the test fixtures, with botocore's
own serializers and parsers (no other CBOR library: the demo stack's moto image has botocore
but not cbor2): the CloudWatch service model says what every member is, so
requests and answers move between CBOR and awsJson 1.0 (what moto serves) member for member.

A CBOR request is `POST /service/GraniteServiceVersion20100801/operation/<Op>` with
`smithy-protocol: rpc-v2-cbor`; the answer carries the same header, timestamps as CBOR tag 1,
and errors as a map of `__type` and `message` with the query-compatible code in
`x-amzn-query-error: Code;Sender`.
"""
import copy
import functools

import botocore.session
from botocore.model import ServiceModel, ShapeResolver
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

PREFIX = "/service/GraniteServiceVersion20100801/operation/"
CBOR = "application/cbor"
# CloudWatch's Smithy namespace, as `__type` carries it.
NAMESPACE = "com.amazonaws.cloudwatch#"


# AWS's CBOR error map, and an empty output, as shapes botocore's CBOR serializer encodes.
_SHAPES = ShapeResolver({
    "Error": {"type": "structure", "members": {"__type": {"shape": "Text"}, "message": {"shape": "Text"}}},
    "Empty": {"type": "structure", "members": {}},
    "Text": {"type": "string"},
})


def _cbor(value, shape):
    body = bytearray()
    create_serializer("smithy-rpc-v2-cbor", include_validation=False)._serialize_data_item(body, value, shape)
    return bytes(body)


def operation_of(path):
    """The CloudWatch operation a CBOR request's path names, or None."""
    path = path.split("?", 1)[0]
    if not path.startswith(PREFIX):
        return None
    return path[len(PREFIX):] or None


@functools.lru_cache(maxsize=None)
def model(protocol):
    """CloudWatch's service model, speaking `protocol` (smithy-rpc-v2-cbor, json or query)."""
    data = copy.deepcopy(botocore.session.get_session().get_service_data("cloudwatch"))
    data["metadata"]["protocol"] = protocol
    data["metadata"]["protocols"] = [protocol]
    return ServiceModel(data, "cloudwatch")


def decode_request(operation, body):
    """A CBOR request body as the operation's parameters (timestamps as datetimes)."""
    shape = model("smithy-rpc-v2-cbor").operation_model(operation).input_shape
    if not body or shape is None:
        return {}
    parsed = create_parser("smithy-rpc-v2-cbor").parse(
        {"status_code": 200, "headers": {}, "body": body}, shape
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


def json_request(operation, params):
    """The same request in awsJson 1.0: (body, headers) as botocore serializes it."""
    op = model("json").operation_model(operation)
    request = create_serializer("json").serialize_to_request(params, op)
    return request["body"], dict(request["headers"])


def query_fields(operation, params):
    """The same request as awsQuery form fields (what the tests' assertions read)."""
    op = model("query").operation_model(operation)
    return create_serializer("query").serialize_to_request(params, op)["body"]


def parse_moto_answer(operation, status, headers, body):
    """moto's answer to an awsJson request as botocore reads it: the output, or {"Error":
    {...}}. moto writes its refusals of the caller (signature, key, IAM policy) in XML
    whatever the protocol, so those are read as awsQuery errors."""
    protocol = "query" if body.lstrip().startswith(b"<") else "json"
    op = model(protocol).operation_model(operation)
    parsed = create_parser(protocol).parse(
        {"status_code": status, "headers": headers, "body": body}, op.output_shape
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


def encode_output(operation, output):
    """An operation's output in CBOR, encoded by botocore's CBOR serializer."""
    shape = model("smithy-rpc-v2-cbor").operation_model(operation).output_shape
    return _cbor(output, shape or _SHAPES.get_shape_by_name("Empty"))


def decode_output(operation, body):
    """A CBOR answer as botocore's CBOR parser reads it."""
    op = model("smithy-rpc-v2-cbor").operation_model(operation)
    parsed = create_parser("smithy-rpc-v2-cbor").parse(
        {"status_code": 200, "headers": {"smithy-protocol": "rpc-v2-cbor"}, "body": body},
        op.output_shape,
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


def answer_headers():
    return {"Content-Type": CBOR, "smithy-protocol": "rpc-v2-cbor"}


def error(code, message, sender=True):
    """An error answer's (body, headers) in AWS's CBOR shape."""
    body = _cbor({"__type": NAMESPACE + code, "message": message}, _SHAPES.get_shape_by_name("Error"))
    headers = answer_headers()
    headers["x-amzn-query-error"] = f"{code};{'Sender' if sender else 'Receiver'}"
    return body, headers


def is_cbor(headers):
    """Whether a request (its headers, any mapping) speaks Smithy RPC v2 CBOR."""
    return str(headers.get("smithy-protocol", "")).lower() == "rpc-v2-cbor"
