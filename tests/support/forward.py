"""Shared by the test proxies (proxy.py, faults.py): send a request upstream unchanged (Host
header included, so SigV4 signatures still verify) and relay the answer's status and headers."""
import http.client

# Hop-by-hop headers belong to one connection and are not forwarded.
HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}


def fetch(handler, upstream, body):
    """Sends the handler's request to `upstream` (a parsed URL); returns (response, body)."""
    conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP}
    conn.request(handler.command, handler.path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp, data


def relay_head(handler, resp, length):
    """Writes the upstream status and headers, with the Content-Length of the body to follow."""
    handler.send_response(resp.status)
    for k, v in resp.getheaders():
        if k.lower() not in HOP and k.lower() != "content-length":
            handler.send_header(k, v)
    handler.send_header("Content-Length", str(length))
    handler.end_headers()
