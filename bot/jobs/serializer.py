"""JSON instead of pickle for everything huey stores.

Pickle would let anyone who can write to the queue's Redis run code in every worker, and it would accept any
object as a job argument. JSON keeps the queue inspectable and makes "jobs carry IDs and scalars only" a rule
the serializer enforces: anything that is not a JSON scalar, list or object is refused at enqueue time.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from huey.registry import Message
from huey.serializer import Serializer

_MESSAGE = "__huey_message__"
_DATETIME = "__datetime__"


class JsonSerializer(Serializer):  # type: ignore[misc]
    def _serialize(self, data: Any) -> bytes:
        return json.dumps(_encode(data), separators=(",", ":"), allow_nan=False).encode("utf-8")

    def _deserialize(self, data: bytes) -> Any:
        return json.loads(bytes(data).decode("utf-8"), object_hook=_decode)


def _encode(value: Any) -> Any:
    if isinstance(value, Message):
        return {_MESSAGE: [_encode(item) for item in value]}
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dict):
        return {_key(key): _encode(item) for key, item in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a record (a `Finding`), not a list
        raise TypeError(f"the queue carries JSON scalars only, not {type(value).__name__}")
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"the queue carries JSON scalars only, not {type(value).__name__}")


def _key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError("the queue carries JSON objects with string keys only")
    return key


def _decode(value: dict[str, Any]) -> Any:
    if _DATETIME in value and len(value) == 1:
        return datetime.fromisoformat(value[_DATETIME])
    if _MESSAGE in value and len(value) == 1:
        message = Message(*value[_MESSAGE])
        return message._replace(args=tuple(message.args or ()))
    return value
