"""Made-up credentials in each provider's format, and a serverless.yml that holds them (never real keys)."""

from __future__ import annotations

import random
import string

_RNG = random.Random(18)
_ALNUM = string.ascii_letters + string.digits
_UPPER = string.ascii_uppercase + string.digits
_HEX = "0123456789abcdef"
_URLSAFE = _ALNUM + "_-"


def _pick(alphabet: str, count: int) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(count))


def credential(rule: str) -> str:
    """A fresh value that the rule matches (another call, another value)."""
    makers = {
        "aws-access-key-id": lambda: "AKIA" + _pick(_UPPER, 16),
        "aws-secret-access-key": lambda: _pick(_ALNUM + "/+", 40),
        "github-pat": lambda: "ghp_" + _pick(_ALNUM, 36),
        "gitlab-pat": lambda: "glpat-" + _pick(_ALNUM, 20),
        "slack-token": lambda: "xoxb-" + _pick(string.digits, 12) + "-" + _pick(_ALNUM, 24),
        "stripe-secret-key": lambda: "sk_live_" + _pick(_ALNUM, 30),
        "stripe-restricted-key": lambda: "rk_live_" + _pick(_ALNUM, 30),
        "sendgrid-api-key": lambda: "SG." + _pick(_URLSAFE, 22) + "." + _pick(_URLSAFE, 43),
        "twilio-api-key": lambda: "SK" + _pick(_HEX, 32),
        "twilio-auth-token": lambda: _pick(_HEX, 32),
        "mailgun-api-key": lambda: "key-" + _pick(_HEX, 32),
        "npm-token": lambda: "npm_" + _pick(_ALNUM, 36),
        "openai-api-key": lambda: "sk-proj-" + _pick(_ALNUM, 60),
        "anthropic-api-key": lambda: "sk-ant-api03-" + _pick(_ALNUM, 95),
        "telegram-bot-token": lambda: _pick("123456789", 9) + ":AA" + _pick(_ALNUM, 33),
        "discord-bot-token": lambda: (
            "M" + _pick(_ALNUM, 23) + "." + _pick(_ALNUM, 6) + "." + _pick(_ALNUM, 30)
        ),
        "datadog-api-key": lambda: _pick(_HEX, 32),
    }
    return makers[rule]()


# Where each rule's value goes in the manifest: keyed rules need their key name.
ENV_NAMES = {
    "aws-access-key-id": "AWS_ACCESS_KEY_ID",
    "aws-secret-access-key": "AWS_SECRET_ACCESS_KEY",
    "twilio-api-key": "TWILIO_API_KEY",
    "twilio-auth-token": "TWILIO_API_SECRET",
    "datadog-api-key": "DD_API_KEY",
}


def manifest(values: dict[str, str]) -> bytes:
    """A serverless.yml with each (rule -> value) as an environment variable, one line each."""
    lines = ["service: demo", "provider:", "  name: aws", "  environment:"]
    for index, (rule, value) in enumerate(values.items()):
        lines.append(f"    {ENV_NAMES.get(rule, f'VALUE_{index}')}: {value}")
    return ("\n".join(lines) + "\n").encode()
