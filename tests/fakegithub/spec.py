"""Checks each request the bot sends against the trimmed copy of GitHub's official REST description.

A request that matches no operation, misses a required parameter, or carries a body that the operation's
JSON schema rejects is a violation; the fake records it and the pytest plugin fails the test at teardown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

SUBSET = Path(__file__).with_name("rest-api-subset.json")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    pattern: re.Pattern[str]
    literal_segments: int
    path_params: dict[str, dict[str, Any]]
    query_params: dict[str, tuple[bool, dict[str, Any]]]  # name -> (required, schema)
    body_schema: dict[str, Any] | None
    body_required: bool


@dataclass(frozen=True)
class Match:
    operation: Operation
    params: dict[str, str]


class Spec:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = _as_json_schema(document)
        self.source: dict[str, Any] = document["x-source"]
        self._root = Draft7Validator(self.document)
        self.operations = sorted(self._operations(), key=lambda op: -op.literal_segments)

    def match(self, method: str, path: str) -> Match | None:
        for operation in self.operations:
            if operation.method != method:
                continue
            found = operation.pattern.fullmatch(path)
            if found:
                return Match(operation, found.groupdict())
        return None

    def problems(self, match: Match, query: dict[str, list[str]], body: bytes) -> list[str]:
        """Everything about this request that the description does not allow."""
        operation = match.operation
        found = [*self._path_problems(match), *self._query_problems(operation, query)]
        return found + self._body_problems(operation, body)

    def _path_problems(self, match: Match) -> list[str]:
        return [
            f"path parameter {name}={value!r}: {error}"
            for name, value in match.params.items()
            for error in self._errors(
                match.operation.path_params[name], _coerce(value, match.operation.path_params[name])
            )
        ]

    def _query_problems(self, operation: Operation, query: dict[str, list[str]]) -> list[str]:
        found = [f"unknown query parameter {name!r}" for name in query if name not in operation.query_params]
        for name, (required, schema) in operation.query_params.items():
            if name not in query:
                found += [f"missing required query parameter {name!r}"] if required else []
                continue
            found += [
                f"query parameter {name}: {e}" for e in self._errors(schema, _coerce(query[name][-1], schema))
            ]
        return found

    def _body_problems(self, operation: Operation, body: bytes) -> list[str]:
        if not body:
            return ["missing required JSON body"] if operation.body_required else []
        if operation.body_schema is None:
            return ["a body was sent to an operation that takes none"]
        try:
            payload = json.loads(body)
        except ValueError:
            return ["the body is not JSON"]
        return [f"body: {error}" for error in self._errors(operation.body_schema, payload)]

    def _errors(self, schema: dict[str, Any], instance: Any) -> list[str]:
        validator = self._root.evolve(schema=schema)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {_short(e.message)}" for e in errors[:5]]

    def _operations(self) -> list[Operation]:
        operations = []
        for template, item in self.document["paths"].items():
            for method, raw in item.items():
                if method in {"get", "post", "put", "patch", "delete"}:
                    operations.append(self._operation(template, method.upper(), raw))
        return operations

    def _operation(self, template: str, method: str, raw: dict[str, Any]) -> Operation:
        parameters = [self._deref(p) for p in raw.get("parameters", [])]
        path_params = {p["name"]: p for p in parameters if p["in"] == "path"}
        query = {
            p["name"]: (bool(p.get("required")), p.get("schema", {}))
            for p in parameters
            if p["in"] == "query"
        }
        body = raw.get("requestBody")
        body_schema = body["content"].get("application/json", {}).get("schema") if body else None
        return Operation(
            method=method,
            template=template,
            operation_id=raw["operationId"],
            pattern=_pattern(template, path_params),
            literal_segments=sum(1 for part in template.split("/") if part and "{" not in part),
            path_params={name: p.get("schema", {}) for name, p in path_params.items()},
            query_params=query,
            body_schema=body_schema,
            body_required=bool(body and body.get("required")),
        )

    def _deref(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node


@cache
def load_spec() -> Spec:
    return Spec(json.loads(SUBSET.read_text(encoding="utf-8")))


def _pattern(template: str, path_params: dict[str, dict[str, Any]]) -> re.Pattern[str]:
    def group(found: re.Match[str]) -> str:
        name = found.group(1)
        multi = path_params.get(name, {}).get("x-multi-segment") or name in {"path", "basehead"}
        return f"(?P<{name}>{'.+' if multi else '[^/]+'})"

    return re.compile(
        re.sub(r"\{(\w+)\}", group, re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
    )


def _short(message: str) -> str:
    return message if len(message) <= 200 else message[:200] + "..."


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    """Query and path values arrive as text; the description types them."""
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean" and value in {"true", "false"}:
        return value == "true"
    return value


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 says `nullable: true` where JSON Schema says `type: [..., "null"]`."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        if isinstance(node.get("type"), str):
            converted["type"] = [node["type"], "null"]
        elif "type" not in node:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted
