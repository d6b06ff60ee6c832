"""Values that say where a secret comes from, written as `SOURCE:NAME` rather than a platform's own syntax.

Deploy scripts and their config files resolve such values themselves before the platform sees them: a
samconfig override `GitHubToken=ENV:STAGING_GITHUB_TOKEN`, `ssm:/app/prod/db-password`,
`secretsmanager:prod/api-key`, `vault:secret/data/app#token`. The value names a variable, a parameter or a
secret's path; the secret itself is elsewhere. Only a known source word before the colon counts (not a
two-letter abbreviation such as `sm:` or `kv:`, which prefixes real values as often), and the name after it
must read as a name (an upper-case variable, a path, words joined by `_`, `-` or `.`) and not be random key
material, so that a token which merely starts with `env:` or `vault:` and continues randomly is judged.
"""

from __future__ import annotations

from bot.core.heuristics import is_random_key_material
from bot.core.linear import LinearPattern

_SOURCE_NAME = LinearPattern(
    r"^(?:env|environ|environment|ssm|ssm-secure|secretsmanager|secrets-manager|secret|secrets|vault|param"
    r"|parameter|keyvault|gcp-secret|doppler|file)"
    r":(?:[A-Z][A-Z0-9_]*|/?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+(?:#[\w.-]+)?|[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+)$",
    ignore_case=False,
)


def names_a_source(value: str) -> bool:
    """Whether `value` is `SOURCE:NAME`: a variable, parameter or secret named, not the secret."""
    text = value.strip()
    head, colon, name = text.partition(":")
    if not colon or is_random_key_material(name):
        return False  # `vault:Zq7Lm...`: a generated value behind a source-like prefix is still judged
    return _SOURCE_NAME.match(head.lower() + text[len(head) :]) is not None
