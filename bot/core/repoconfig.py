"""`.github/secrets-bot.yml` to `ScanConfig`, with every problem named by its field.

The file comes from the repository being scanned, so nothing in it may stop a scan: a broken field falls
back to its default (a broken YAML document to all defaults) and the problem is returned for the caller to
show. The rules here mirror `bot/schemas/secrets-bot.schema.json`; a test holds the two together. Problem
messages never repeat long values: a config can hold a pasted secret by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import re2
from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.core.advisories import ADVISORY_IDS
from bot.core.config import Allowlist, ScanConfig, ScanLimits
from bot.core.findings import (
    FAIL_ON_CHOICES,
    INCOMPLETE_CHOICES,
    PR_FAILS_ON_CHOICES,
    WAIVER_CHOICES,
)
from bot.core.rules import RuleError, RuleSet
from bot.core.suppressions import compile_value_pattern

MAX_CONFIG_CHARS = 256_000
MAX_FILE_SIZE_LIMIT = 100_000_000
MAX_FINDINGS_LIMIT = 10_000
MAX_INLINE_COMMENTS_LIMIT = 100
MAX_COMMITS_LIMIT = 250  # GitHub lists at most 250 commits of a pull request or a comparison
MAX_FLOW_DEPTH = 32
_TOP_LEVEL = (
    "paths",
    "manifests",
    "rules",
    "allowlist",
    "fail_on",
    "incomplete",
    "max_file_size",
    "max_findings_per_file",
    "max_inline_comments",
    "pr_fails_on",
    "waivers_in_pr",
    "history",
    "max_commits",
    "dashboard",
    "verify",
)
_SECTIONS = {
    "paths": ("include", "exclude"),
    "rules": ("disable", "custom"),
    "allowlist": ("fingerprints", "values", "paths"),
}
_RULE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# v2 (`v2-` and 32 hex digits), or a legacy v1 entry (32 hex digits) that still works, with a notice.
_FINGERPRINT = re.compile(r"(?:v2-)?[0-9a-f]{32}")
_SEVERITIES = ("high", "medium", "low")
_RULE_KINDS = ("token", "keyed")
_KEY_KINDS = ("password", "secret", "token", "api-key", "private-key", "credential")  # heuristics.SecretKind

Check = Callable[[str], str | None]  # returns a problem description, or None when the item is fine


def load_repo_config(text: str) -> tuple[ScanConfig, list[str]]:
    """The validated configuration and the problems found; defaults stand in for whatever is broken."""
    return load_layered_config(text, None)


def load_layered_config(
    text: str | None, defaults: str | None, *, defaults_name: str = "organisation defaults"
) -> tuple[ScanConfig, list[str]]:
    """A repository's file over its organisation's defaults (Probot's and Renovate's convention).

    Each top-level key the repository's file sets replaces the organisation's value whole: sections such as
    `allowlist` or `paths` are not merged key by key, so a repository's section says all there is. Problems
    in keys that come from the defaults are named as such (`defaults_name: field: ...`)."""
    own, problems = _mapping(text, "")
    org, org_problems = _mapping(defaults, f"{defaults_name}: ")
    config, found = _Reader({**org, **own}).config()
    inherited = set(org) - set(own)
    named = [f"{defaults_name}: {p}" if _field_of(p) in inherited else p for p in found]
    return config, [*org_problems, *problems, *named]


def _mapping(text: str | None, prefix: str) -> tuple[dict[Any, Any], list[str]]:
    """The file's top-level mapping; empty (with the problem) when it is not one."""
    if text is None:
        return {}, []
    if len(text) > MAX_CONFIG_CHARS:
        return {}, [f"{prefix}configuration is {len(text)} characters, over the {MAX_CONFIG_CHARS} limit"]
    try:
        data = _parse(text)
    except ValueError as error:
        return {}, [f"{prefix}{error}"]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [f"{prefix}(top level): must be a mapping of settings (got {_shown(data)})"]
    return data, []


def _field_of(problem: str) -> str:
    """The top-level key a problem is about: problems start with the field (`allowlist.values: ...`)."""
    return re.split(r"[.\[:]", problem, maxsplit=1)[0]


def _parse(text: str) -> Any:
    if _flow_depth(text) > MAX_FLOW_DEPTH:
        raise ValueError("invalid YAML: nested too deeply")
    try:
        return YAML(typ="safe", pure=True).load(text)
    except DuplicateKeyError as error:
        raise ValueError(f"invalid YAML: duplicate key at line {_line(error)}") from None
    except MarkedYAMLError as error:
        raise ValueError(f"invalid YAML at line {_line(error)}: {error.problem}") from None
    except YAMLError:
        raise ValueError("invalid YAML") from None
    except RecursionError:
        raise ValueError("invalid YAML: nested too deeply") from None


def _flow_depth(text: str) -> int:
    """Deepest `[`/`{` nesting; ruamel's pure parser slows down quadratically on deep flow collections."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _line(error: MarkedYAMLError) -> int:
    mark = error.problem_mark or error.context_mark
    return mark.line + 1 if mark is not None else 0


class _Reader:
    """Reads one field at a time, recording a problem and keeping the default when a field is broken."""

    def __init__(self, data: dict[Any, Any]) -> None:
        self.data = data
        self.problems: list[str] = []

    def config(self) -> tuple[ScanConfig, list[str]]:
        self._check_keys(self.data, "", _TOP_LEVEL)
        sections = {name: self._section(name) for name in _SECTIONS}
        paths, rules, allowlist = sections["paths"], sections["rules"], sections["allowlist"]
        config = ScanConfig(
            include=self._strings(paths, "paths.include"),
            exclude=self._strings(paths, "paths.exclude"),
            extra_manifests=self._strings(self.data, "manifests"),
            disabled_rules=self._disabled_rules(rules),
            custom_rules=self._custom_rules(rules),
            allowlist=Allowlist(
                fingerprints=frozenset(
                    self._strings(
                        allowlist, "allowlist.fingerprints", check=_check_fingerprint, max_items=10_000
                    )
                ),
                value_patterns=self._strings(
                    allowlist, "allowlist.values", check=_check_value_pattern, max_items=500, max_length=1000
                ),
                paths=self._strings(allowlist, "allowlist.paths"),
            ),
            fail_on=self._choice("fail_on", FAIL_ON_CHOICES, "medium"),
            incomplete=self._choice("incomplete", INCOMPLETE_CHOICES, "fail"),
            pr_fails_on=self._choice("pr_fails_on", PR_FAILS_ON_CHOICES, "introduced"),
            waivers_in_pr=self._choice("waivers_in_pr", WAIVER_CHOICES, "report"),
            history=self._flag("history", ScanConfig().history),
            dashboard=self._flag("dashboard", ScanConfig().dashboard),
            verify=self._flag("verify", ScanConfig().verify),
            max_commits=self._whole_number(
                "max_commits", ScanConfig().max_commits, MAX_COMMITS_LIMIT, "commits"
            ),
            limits=ScanLimits(
                max_bytes=self._whole_number(
                    "max_file_size", ScanLimits().max_bytes, MAX_FILE_SIZE_LIMIT, "bytes"
                ),
                max_findings=self._whole_number(
                    "max_findings_per_file", ScanLimits().max_findings, MAX_FINDINGS_LIMIT, "findings"
                ),
            ),
            max_inline_comments=self._whole_number(
                "max_inline_comments",
                ScanConfig().max_inline_comments,
                MAX_INLINE_COMMENTS_LIMIT,
                "comments",
                0,
            ),
        )
        return config, self.problems

    def _check_keys(self, mapping: dict[Any, Any], prefix: str, allowed: tuple[str, ...]) -> None:
        for key in mapping:
            if key not in allowed:
                name = f"{prefix}{key}" if isinstance(key, str) else f"{prefix}{_shown(key)}"
                self.problems.append(f"{name}: unknown field (expected one of {', '.join(allowed)})")

    def _section(self, name: str) -> dict[Any, Any]:
        value = self.data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.append(f"{name}: must be a mapping (got {_shown(value)})")
            return {}
        self._check_keys(value, f"{name}.", _SECTIONS[name])
        return value

    def _strings(
        self,
        mapping: dict[Any, Any],
        field: str,
        *,
        check: Check | None = None,
        max_items: int = 500,
        max_length: int = 500,
    ) -> tuple[str, ...]:
        """A list of strings; one bad item makes the whole field fall back to its default (empty)."""
        value = mapping.get(field.rsplit(".", 1)[-1])
        if value is None:
            return ()
        problem = _list_problem(value, max_items=max_items, max_length=max_length, check=check)
        if problem is not None:
            self.problems.append(f"{field}{problem}")
            return ()
        return tuple(value)

    def _disabled_rules(self, rules: dict[Any, Any]) -> frozenset[str]:
        """Ids of built-in rules or advisories; an unknown id is reported (a typo would disable nothing)."""
        ids = self._strings(rules, "rules.disable", check=_check_rule_id)
        known = {rule.id for rule in RuleSet.default().rules} | ADVISORY_IDS
        for rule_id in ids:
            if rule_id not in known:
                self.problems.append(f"rules.disable: unknown rule id {_shown(rule_id)}")
        return frozenset(ids) & known

    def _custom_rules(self, rules: dict[Any, Any]) -> tuple[dict[str, Any], ...]:
        """All custom rules or none: positions in problems (`rules.custom[2]`) must match the file."""
        value = rules.get("custom")
        if value is None:
            return ()
        if not isinstance(value, list) or len(value) > 100:
            self.problems.append(f"rules.custom: must be a list of at most 100 rules (got {_shown(value)})")
            return ()
        problems = [
            f"rules.custom[{index}]{problem}"
            for index, rule in enumerate(value)
            for problem in custom_rule_problems(rule)
        ]
        problems = problems or _compile_problems(value)
        self.problems.extend(problems)
        return () if problems else tuple(dict(rule) for rule in value)

    def _choice(self, field: str, choices: tuple[str, ...], default: str) -> str:
        value = self.data.get(field)
        if value is None:
            return default
        if value in choices:
            return str(value)
        self.problems.append(f"{field}: must be one of {', '.join(choices)} (got {_shown(value)})")
        return default

    def _flag(self, field: str, default: bool) -> bool:
        value = self.data.get(field)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.problems.append(f"{field}: must be true or false (got {_shown(value)})")
        return default

    def _whole_number(self, field: str, default: int, limit: int, unit: str, least: int = 1) -> int:
        value = self.data.get(field)
        if value is None:
            return default
        if _is_whole_number(value) and least <= value <= limit:
            return int(value)
        self.problems.append(
            f"{field}: must be a whole number of {unit} from {least} to {limit} (got {_shown(value)})"
        )
        return default


def _compile_problems(rules: list[dict[str, Any]]) -> list[str]:
    """What `RuleSet.with_config` would refuse (RE2 syntax, missed examples, built-in ids), rule by rule."""
    problems = []
    seen: set[str] = set()
    for index, raw in enumerate(rules):
        where = f"rules.custom[{index}]"
        try:
            RuleSet.default().with_config(ScanConfig(custom_rules=(raw,)))
        except RuleError as error:
            problems.append(f"{error.field.replace('rules.custom[0]', where, 1)}: {error.problem}")
        if raw["id"] in seen:
            problems.append(f"{where}.id: {raw['id']!r} is already a rule id")
        seen.add(raw["id"])
    return problems


def _is_whole_number(value: Any) -> bool:
    """As JSON Schema's `integer`: 5 and 5.0 are whole numbers, True is not."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def custom_rule_problems(rule: Any) -> list[str]:
    """Structural problems of one custom rule table, each starting with its sub-field (`.regex: ...`).

    The fields are those of a `[[rules]]` table in bot/rules/default.toml; the regexes themselves are
    compiled (with RE2) by `RuleSet.with_config`.
    """
    if not isinstance(rule, dict):
        return [f": must be a rule table (got {_shown(rule)})"]
    problems = [f".{name}: required" for name in ("id", "description", "severity") if name not in rule]
    if rule.get("kind") == "keyed":
        if "key_regex" not in rule and "key_kinds" not in rule:
            problems.append(".key_regex: required for a keyed rule (or key_kinds)")
    elif "regex" not in rule:
        problems.append(".regex: required")
    problems += [f".{key}: unknown field" for key in rule if key not in _RULE_FIELDS]
    for name, check in _RULE_FIELDS.items():
        if name in rule and (problem := check(rule[name])) is not None:
            problems.append(f".{name}{problem}")
    return problems


def _single_string(check: Check | None = None, max_length: int = 500) -> Callable[[Any], str | None]:
    def validate(value: Any) -> str | None:
        if not isinstance(value, str) or not value:
            return f": must be a non-empty string (got {_shown(value)})"
        if len(value) > max_length:
            return f": longer than {max_length} characters"
        problem = check(value) if check else None
        return f": {problem}" if problem else None

    return validate


def _entropy(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 8:
        return None
    return f": must be a number from 0 to 8 (got {_shown(value)})"


def _min_length(value: Any) -> str | None:
    if _is_whole_number(value) and 1 <= value <= 10_000:
        return None
    return f": must be a whole number from 1 to 10000 (got {_shown(value)})"


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    def validate(value: Any) -> str | None:
        return None if value in choices else f": must be one of {', '.join(choices)} (got {_shown(value)})"

    return validate


def _key_kinds(value: Any) -> str | None:
    def check_item(item: str) -> str | None:
        return None if item in _KEY_KINDS else f"must be one of {', '.join(_KEY_KINDS)} (got {_shown(item)})"

    return _list_problem(value, max_items=len(_KEY_KINDS), max_length=100, check=check_item)


def _string_list(
    max_items: int, max_length: int, *, allow_empty: bool = False
) -> Callable[[Any], str | None]:
    def check_item(item: str) -> str | None:
        return None if item or allow_empty else "must not be empty"

    return lambda value: _list_problem(value, max_items=max_items, max_length=max_length, check=check_item)


def _list_problem(value: Any, *, max_items: int, max_length: int, check: Check | None) -> str | None:
    """None when `value` is a list of acceptable strings, else the problem (prefixed for a field name)."""
    if not isinstance(value, list):
        return f": must be a list of strings (got {_shown(value)})"
    if len(value) > max_items:
        return f": at most {max_items} items (got {len(value)})"
    for index, item in enumerate(value):
        if not isinstance(item, str):
            return f"[{index}]: must be a string (got {_shown(item)})"
        if len(item) > max_length:
            return f"[{index}]: longer than {max_length} characters"
        problem = check(item) if check else (None if item else "must not be empty")
        if problem is not None:
            return f"[{index}]: {problem}"
    return None


def _check_rule_id(value: str) -> str | None:
    if len(value) <= 100 and _RULE_ID.fullmatch(value):
        return None
    return f"must be a kebab-case rule id like 'my-api-key' (got {_shown(value)})"


def _check_fingerprint(value: str) -> str | None:
    return (
        None
        if _FINGERPRINT.fullmatch(value)
        else "must be a fingerprint: v2- and 32 lowercase hex digits, or a legacy one of 32"
    )


def _check_value_pattern(value: str) -> str | None:
    if not value:
        return "must not be empty"
    try:
        compile_value_pattern(value)
    except re2.error as error:
        return f"not a valid RE2 pattern ({_re2_reason(error)})"
    return None


def _re2_reason(error: Exception) -> str:
    """RE2's message ends with the offending fragment of the pattern; keep only the reason."""
    raw = error.args[0] if error.args else b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text.split(":", 1)[0] or "rejected"


_RULE_FIELDS: dict[str, Callable[[Any], str | None]] = {
    "id": _single_string(_check_rule_id, max_length=100),
    "description": _single_string(),
    "severity": _one_of(_SEVERITIES),
    "kind": _one_of(_RULE_KINDS),
    "keywords": _string_list(50, 100),
    "regex": _single_string(max_length=2000),
    "min_entropy": _entropy,
    "allowlist": _string_list(50, 1000),
    "key_regex": _single_string(max_length=1000),
    "key_kinds": _key_kinds,
    "min_length": _min_length,
    "docs": _single_string(),
    "examples": _string_list(50, 2000, allow_empty=True),
    "counter_examples": _string_list(50, 2000, allow_empty=True),
}


def _shown(value: Any) -> str:
    """A short, safe rendering of a config value for a problem message."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 24 else f"a {len(value)}-character string"
    if isinstance(value, bool | int | float) or value is None:
        return repr(value)
    return f"a {type(value).__name__}"
