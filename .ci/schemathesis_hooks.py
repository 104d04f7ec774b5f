"""Schemathesis hooks for .ci/fuzz-api: bodies in media types schemathesis has no serializer for."""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def json_lines(ctx, value):
    """JSON Lines (POST /api/v1/records): a generated string as it is, anything else one JSON
    value per line."""
    if isinstance(value, bytes):
        return {"data": value}
    if isinstance(value, str):
        return {"data": value.encode("utf-8")}
    items = value if isinstance(value, list) else [value]
    return {"data": "\n".join(json.dumps(v, ensure_ascii=False) for v in items).encode("utf-8")}
