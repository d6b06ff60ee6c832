"""Hostile manifests that grow with `n`, built from the fragments the scanner's own patterns look for.

Shared by `bench/worst_case.py` (seconds per manifest at growing sizes) and the growth property test in
tests/hardening/test_adversarial_growth.py.
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
    "~true", "a@b.", "(", ")", "0",
)  # fmt: skip

Manifest = tuple[str, str]  # (path, text)
_SLS = "service: svc\nprovider:\n  name: aws\n  environment:\n"


def _yaml(key: str) -> Callable[[str], Manifest]:
    return lambda value: ("serverless.yml", _SLS + f"    {key}: {json.dumps(value)}\n")


def _env_list(value: str) -> Manifest:
    item = json.dumps("API_TOKEN=" + value)
    return (
        "serverless.yml",
        f"service: svc\nfunctions:\n  f:\n    handler: h\n    environment:\n      - {item}\n",
    )


def _json(value: str) -> Manifest:
    values = {"IsEncrypted": False, "Values": {"DB_PASSWORD": value, "ConnectionString": value}}
    return "local.settings.json", json.dumps(values)


def _toml(value: str) -> Manifest:
    text = f"version = 0.1\n[default.deploy.parameters]\nparameter_overrides = {json.dumps(value)}\n"
    return "samconfig.toml", text


def _dotenv(value: str) -> Manifest:
    # Raw: a bare value is read up to ` #` by the dotenv reader's own pattern. `.dev.vars`, not `.env`:
    # the scanner reads no `.env` file, so that name measured nothing.
    return ".dev.vars", f"SECRET_KEY={value}\n"


def _dotenv_bare(value: str) -> Manifest:
    # After a bare character, so that blanks at the value's start are part of it (the reader skips them).
    return ".dev.vars", f"SECRET_KEY=x{value}\n"


def _jsonc_between_tokens(value: str) -> Manifest:
    # Raw, not a string: blanks and comments between tokens are read by the parser's own patterns.
    return "wrangler.jsonc", '{"vars": {"API_TOKEN":' + value + '"x"}}'


def _toml_between_tokens(value: str) -> Manifest:
    text = f'version = 0.1\n[default.deploy.parameters]\ndb_password ={value}"x"\n'
    return "samconfig.toml", text


def _yaml_between_tokens(value: str) -> Manifest:
    # Raw after a key's colon: anchors, tags, comments, flow brackets and quotes act as YAML structure.
    return "serverless.yml", _SLS + f"    DB_PASSWORD:{value} x\n"


def _yaml_flow_between_tokens(value: str) -> Manifest:
    return (
        "serverless.yml",
        f"{{service: svc, provider: {{name: aws, environment: {{DB_PASSWORD:{value} x}}}}}}\n",
    )


def _yaml_head(value: str) -> Manifest:
    # Raw lines in the head of a YAML file that no platform claims by name: the platforms that recognise
    # a file by its content (`envs`, `provider:`) search the first 64 KB with patterns of their own.
    return "app.yaml", f"x: envs\nprovider:\n{value}\ny: 1\n"


def _code_between_tokens(value: str) -> Manifest:
    return "serverless.ts", f"export default {{ provider: {{{value} password: 'x' }} }}\n"


def _hcl_between_tokens(value: str) -> Manifest:
    head = 'resource "aws_lambda_function" "f" {\n  environment {\n    variables = {\n'
    return "main.tf", head + f'      DB_PASSWORD ={value} "x"\n    }}\n  }}\n}}\n'


def _broken_yaml(value: str) -> Manifest:
    return "serverless.yml", _SLS + f"    DB_PASSWORD: [{value}\n"


def _code(value: str) -> Manifest:
    return "serverless.ts", f"export default {{ provider: {{ password: '{value}' }} }}\n"


# Where a hostile value is put: each manifest kind the scanner reads, and the keys that change how it judges.
KINDS: dict[str, Callable[[str], Manifest]] = {
    "yaml-secret-key": _yaml("DB_PASSWORD"),
    "yaml-plain-key": _yaml("K"),
    "yaml-connection": _yaml("DB_CONNECTION_STRING"),
    "env-list": _env_list,
    "json": _json,
    "jsonc-between-tokens": _jsonc_between_tokens,
    "toml-pairs": _toml,
    "toml-between-tokens": _toml_between_tokens,
    "dotenv": _dotenv,
    "dotenv-bare": _dotenv_bare,
    "yaml-between-tokens": _yaml_between_tokens,
    "yaml-flow-between-tokens": _yaml_flow_between_tokens,
    "yaml-head": _yaml_head,
    "broken-yaml": _broken_yaml,
    "code": _code,
    "code-between-tokens": _code_between_tokens,
    "hcl-between-tokens": _hcl_between_tokens,
}


def token_flood(n: int) -> Manifest:
    """`n` distinct GitHub-token-shaped values, one per key: a findings flood."""
    lines = [f"    TOKEN_{i}: ghp_{i:036d}" for i in range(n)]
    return "serverless.yml", _SLS + "\n".join(lines) + "\n"


def one_line_flood(n: int) -> Manifest:
    """`n` secrets on one line of JSON: every replacement line is that line."""
    values = {f"PASSWORD_{i}": f"Pw{i:08d}xQ!z" for i in range(n)}
    return "local.settings.json", json.dumps({"IsEncrypted": False, "Values": values})


def alias_fanout(n: int) -> Manifest:
    """A long value judged again at each of `n` aliases (up to the alias limit)."""
    refs = ", ".join(["*a"] * n)
    return "serverless.yml", _SLS + f"    DB_PASSWORD: &a {'Ab1' * 20_000}\n    COPIES: [{refs}]\n"


SCENARIOS: dict[str, Callable[[int], Manifest]] = {
    'pairs a=a=...a="': lambda n: ("serverless.yml", _SLS + f"    DB_PASSWORD: '{'a=' * n}\"'\n"),
    "long secret value": lambda n: KINDS["yaml-secret-key"]("Ab1" * n),
    "token flood": token_flood,
    "one-line flood": one_line_flood,
    "alias fan-out": alias_fanout,
    "escaped quotes in code": lambda n: _code("\\'" * n),
    "broken YAML line": lambda n: _broken_yaml("a: " * n),
    "credential file name": lambda n: KINDS["yaml-secret-key"]("_a" * n),
}
