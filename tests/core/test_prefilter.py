"""The pre-parse check must never change a scan's result: it only skips files that cannot hold a finding.

`bench/prefilter_check.py` proves it on whole corpora; these tests pin the reasoning it rests on (every key
the scanner asks about is caught by a one- or two-word window of the text) and the edge cases.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import pytest

import bot.core.scanner as scanner_module
from bot.core import heuristics, prefilter
from bot.core.config import ScanConfig
from bot.core.detect import choose
from bot.core.detectors import Detectors
from bot.core.findings import NoticeKind, ScanResult
from bot.core.heuristics import secret_kind_of_key
from bot.core.prefilter import may_hold_finding, relaxed
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from tests.core.test_scanner_cases import CASES, GITHUB, PASSWORD, Case

RULESET = RuleSet.default()
CONFIG = ScanConfig()
DETECTORS = Detectors(RULESET, "")


def both(path: str, text: str, config: ScanConfig = CONFIG) -> tuple[ScanResult, ScanResult]:
    data = text.encode()
    ruleset = RULESET.with_config(config)
    fast = scan_file(path, data, ruleset=ruleset, config=config)
    full = scan_file(path, data, ruleset=ruleset, config=config, prefilter=False)
    return fast, full


def asked(key: str) -> bool:
    """Does the scanner judge values under this key, or give advice about it?"""
    return DETECTORS.may_judge_key(key) or secret_kind_of_key(key) is not None


def flagged(text: str, platform: str = "serverless") -> bool:
    return may_hold_finding(text, platform, RULESET, Detectors(RULESET, text))


def vocabulary() -> list[str]:
    """Every word the heuristics list (qualifiers, secret words, form and public words...), plus others."""
    words = {"api", "db", "my", "app", "zz", "x", "2", "prod", "arn", "id", "name", "aws", "twilio", "auth0"}
    for value in vars(heuristics).values():
        if isinstance(value, frozenset | tuple) and all(isinstance(item, str) for item in value):
            words.update(word for item in value for word in item.split() if word.isalnum())
    return sorted(words)


def keys_of(words: tuple[str, ...]) -> Iterator[str]:
    yield "_".join(words).upper()
    yield words[0] + "".join(word.capitalize() for word in words[1:])


def test_every_two_word_key_the_scanner_asks_about_is_flagged() -> None:
    keys = [
        key for words in itertools.product(vocabulary(), repeat=2) for key in keys_of(words) if asked(key)
    ]
    assert len(keys) > 5000  # the vocabulary reaches the interesting cases
    assert [key for key in keys if not flagged(f"{key}: x\n")] == []


def test_longer_keys_the_scanner_asks_about_are_flagged() -> None:
    rng = random.Random(7)
    words = vocabulary()
    samples = [tuple(rng.choice(words) for _ in range(rng.randint(3, 5))) for _ in range(4000)]
    missed = [
        key for sample in samples for key in keys_of(sample) if asked(key) and not flagged(f"{key}: x\n")
    ]
    assert missed == []


@pytest.mark.parametrize(
    "key", ["TWILIO_AUTH_TOKENS", "dd_application_key", "AUTH0_CLIENT_SECRETWORD", "aws_secret_access_key_id"]
)
def test_keys_only_a_key_regex_accepts_are_flagged(key: str) -> None:
    assert asked(key)
    assert flagged(f"{key}: x\n")
    assert flagged('{"settings": {"' + key.replace("_", '": {"', 1) + '": "x"}}}\n')  # words across lines


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("serverless.yml", "service: svc\nprovider:\n  name: aws\n  environment:\n    STAGE: dev\n"),
        (
            "template.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n",
        ),
        ("local.settings.json", '{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "node"}}'),
        (".env.yaml", "REGION: eu-west1\nLOG_LEVEL: info\n"),
        ("samconfig.toml", 'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "Stage=dev"\n'),
    ],
)
def test_manifests_without_any_sign_of_a_secret_are_answered_without_a_tree(
    path: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    choice = choose(path, text.encode())
    assert choice is not None and not flagged(text, choice.platform.id)

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(scanner_module, "parse", no_parse)
    monkeypatch.setattr(scanner_module, "load_yaml", no_parse)
    result = scan_file(path, text.encode(), ruleset=RULESET, config=CONFIG)
    assert result.findings == () and result.notices == () and result.platform is not None


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_scanner_case_gives_the_same_result_with_and_without_the_prefilter(case: Case) -> None:
    fast, full = both(case.path, case.text)
    assert fast == full


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("local.settings.json", '{"Values": {"Api Key": "' + "Zx9" * 8 + '"}}'),  # words split by a space
        ("serverless.yml", "service: s\nprovider:\n  environment:\n    API_KEY_2: " + "Zx9" * 8 + "\n"),
        ("serverless.yml", "service: s\nprovider:\n  environment:\n    T: ${ssm:/a/b~true}\n"),
        (
            "serverless.yml",
            "service: s\nprovider:\n  apiGateway:\n    apiKeys:\n      - name: k\n        value: v",
        ),
        (
            "template.yaml",
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      "
            "Environment:\n        Variables:\n          X: '{{resolve:ssm-secure:/p:1}}'\n",
        ),
        (
            "template.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  DbPassword:\n    Type: String\n",
        ),
        (
            "samconfig.toml",
            f'[default.deploy.parameters]\nparameter_overrides = "DbPassword={PASSWORD} S=x"\n',
        ),
        (".env.yaml", f"# {GITHUB}\nA: b\n"),
        ("serverless.yml", "service: svc\nprovider:\n  name: aws\nk: " + "[" * 200 + "]" * 200 + "\n"),
        ("serverless.yml", "service: s\nprovider:\n  name: aws\na: &a [x, x]\nb: [*a, *a]\n"),
        ("serverless.yml", "service: s\nprovider:\n  name: aws\n  broken: [unclosed, {map\n"),
        ("serverless.yml", "service: s\nprovider:\n  name: aws\n? [a, b]\n: c\n"),
        ("serverless.yml", "---\na: 1\n" * 120),
        ("local.settings.json", '{"Values": {"A": NaN}}'),
        ("local.settings.json", '{"Values": {"A": "b"},}'),
        ("local.settings.json", '{"a": ' * 70 + "1" + "}" * 70),
        ("local.settings.json", ""),
        ("template.json", '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}'),
    ],
)
def test_edge_cases_give_the_same_result_with_and_without_the_prefilter(path: str, text: str) -> None:
    fast, full = both(path, text)
    assert fast == full


def test_notices_of_files_without_secrets_are_kept() -> None:
    fast, full = both("serverless.yml", "service: s\nprovider:\n  name: aws\n  broken: [unclosed, {map\n")
    assert [n.kind for n in fast.notices] == [NoticeKind.PARSE_ERROR] and fast == full


def test_custom_keyed_rules_are_asked_too() -> None:
    config = ScanConfig(
        custom_rules=(
            {
                "id": "acme-code",
                "description": "ACME code",
                "kind": "keyed",
                "key_regex": "^acme_code$",
                "regex": "[A-Z]{4}[0-9]{4}",
                "examples": ["ACME_CODE={upper:4}{digits:4}"],
            },
        )
    )
    fast, full = both(".env.yaml", "ACME_CODE: QWZR5938\n", config)
    assert [f.rule for f in fast.findings] == ["acme-code"] and fast == full


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("aws_secret(_key)?$", "aws_secret(_key)?(?:$|_)"),
        ("(^|_)dd_key", "((?:^|_)|_)dd_key"),
        (r"\bkey\b", r"(?:\b|_)key(?:\b|_)"),
        (r"[^$]x\$", r"[^$]x\$"),
        (r"\Q^a$\E", r"\Q^a$\E"),
        (r"[[:alpha:]^]", r"[[:alpha:]^]"),
        (r"\Apw\z", r"(?:\A|_)pw(?:\z|_)"),
    ],
)
def test_relaxed_patterns_also_match_at_a_word_joint(source: str, expected: str) -> None:
    assert relaxed(source) == expected


def test_unreadable_patterns_are_refused() -> None:
    with pytest.raises(ValueError, match="class"):
        relaxed("[abc")


_KEY_TEXTS = [
    "service: a\nprovider:\n  environment:\n    LOG_LEVEL: debug\n",
    "api key here\nname: x\n",
    "resources:\n  DbPassword: !Ref P\n",
    "x: 1\nzqx: y\nsigning: key\n",
    "description: the api key rotates\nother: value\n",
    "plain: words only\n",
]


def test_a_named_word_settles_the_answer_whatever_was_learned_before() -> None:
    """`any_named` stops at the first named word (issue 16): what an earlier file left learned, fully or in
    part, never changes a later file's answer."""
    rules = RuleSet([*RuleSet.default().rules])
    detectors = Detectors(rules, "")
    fresh = [prefilter._KeyWords(rules).any_named(text, detectors) for text in _KEY_TEXTS]
    assert any(fresh) and not all(fresh)
    for order in itertools.permutations(range(len(_KEY_TEXTS)), 3):
        shared = prefilter._KeyWords(rules)
        for index in (*order, *range(len(_KEY_TEXTS))):
            assert shared.any_named(_KEY_TEXTS[index], detectors) is fresh[index]
