"""Hostile manifests that grow with `n`, built from the fragments the scanner's own patterns look for.

Shared by `bench/worst_case.py` (seconds per manifest at growing sizes) and the growth property test in
tests/hardening/test_adversarial_growth.py. Each builder returns (path, text) for a repetition count `n`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

# Fragments of the scanner's patterns: pair syntax, quoting and escapes, references and templates, key
# words, PEM armour, YAML anchors, path and e-mail shapes.
FRAGMENTS = (
    "a=", '"', "'", "\\", "\\'", '\\"', "${", "${self:", "{{", "{{resolve:ssm:", "}}", ":", ": ", "=",
    ";", "Pwd=", "password=", "-----BEGIN ", "PRIVATE KEY-----", "ENC[", "%", "@", "$A", "_a", "Ab1",
    "a/", ".json", "[", "]", "{", "}", "&a ", "*a ", "#", "~", "- ", " ", "\t", "ghp_", "AKIA", "eyJ", "0x",
    "~true",
)  # fmt: skip

Builder = Callable[[int], tuple[str, str]]
_SLS = "service: svc\nprovider:\n  name: aws\n  environment:\n"


def _yaml_value(key: str, unit: str) -> Builder:
    return lambda n: ("serverless.yml", _SLS + f"    {key}: {json.dumps(unit * n)}\n")


def _env_list(unit: str) -> Builder:
    def build(n: int) -> tuple[str, str]:
        item = json.dumps("API_TOKEN=" + unit * n)
        return (
            "serverless.yml",
            f"service: svc\nfunctions:\n  f:\n    handler: h\n    environment:\n      - {item}\n",
        )

    return build


def _json_value(unit: str) -> Builder:
    def build(n: int) -> tuple[str, str]:
        values = {"IsEncrypted": False, "Values": {"DB_PASSWORD": unit * n, "ConnectionString": unit * n}}
        return "local.settings.json", json.dumps(values)

    return build


def _toml_value(unit: str) -> Builder:
    def build(n: int) -> tuple[str, str]:
        text = f"version = 0.1\n[default.deploy.parameters]\nparameter_overrides = {json.dumps(unit * n)}\n"
        return "samconfig.toml", text

    return build


def _dotenv_value(unit: str) -> Builder:
    return lambda n: (".env", f"SECRET_KEY={unit * n}\n")


def _broken_yaml_line(unit: str) -> Builder:
    return lambda n: ("serverless.yml", _SLS + f"    DB_PASSWORD: [{unit * n}\n")


def _code_value(unit: str) -> Builder:
    return lambda n: ("serverless.ts", f"export default {{ provider: {{ password: '{unit * n}' }} }}\n")


KINDS: dict[str, Callable[[str], Builder]] = {
    "yaml-secret-key": lambda unit: _yaml_value("DB_PASSWORD", unit),
    "yaml-plain-key": lambda unit: _yaml_value("K", unit),
    "yaml-connection": lambda unit: _yaml_value("DB_CONNECTION_STRING", unit),
    "env-list": _env_list,
    "json": _json_value,
    "toml-pairs": _toml_value,
    "dotenv": _dotenv_value,
    "broken-yaml": _broken_yaml_line,
    "code": _code_value,
}


def token_flood(n: int) -> tuple[str, str]:
    """`n` distinct GitHub-token-shaped values, one per key: a findings flood."""
    lines = [f"    TOKEN_{i}: ghp_{i:036d}" for i in range(n)]
    return "serverless.yml", _SLS + "\n".join(lines) + "\n"


def one_line_flood(n: int) -> tuple[str, str]:
    """`n` secrets on one line of JSON: every replacement line is that line."""
    values = {f"PASSWORD_{i}": f"Pw{i:08d}xQ!z" for i in range(n)}
    return "local.settings.json", json.dumps({"IsEncrypted": False, "Values": values})


def alias_fanout(n: int) -> tuple[str, str]:
    """A long value judged again at each of `n` aliases (up to the alias limit)."""
    refs = ", ".join(["*a"] * n)
    return "serverless.yml", _SLS + f"    DB_PASSWORD: &a {'Ab1' * 20_000}\n    COPIES: [{refs}]\n"


SCENARIOS: dict[str, Builder] = {
    "pairs a=a=...": _yaml_value("DB_PASSWORD", "a="),
    "long secret value": _yaml_value("DB_PASSWORD", "Ab1"),
    "token flood": token_flood,
    "one-line flood": one_line_flood,
    "alias fan-out": alias_fanout,
    "escaped quotes in code": _code_value("\\'"),
    "broken YAML line": _broken_yaml_line("a: "),
}
