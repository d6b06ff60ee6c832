"""Settings written inside a string (issue 14): a `.env` block in a YAML literal, `KEY = value` lines, an
embedded YAML document. Each line is judged under its own key; prose, commands and references are not."""

from __future__ import annotations

import random

import pytest

from bot.core.assignments import assignments
from bot.core.config import ScanConfig
from bot.core.inlinecode import Code
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from tests.core.test_bounded_work import _growth
from tests.timing import cpu_seconds

RULES = RuleSet.default()
SECRET = "k8Jq2mW9" + "xR4tL7vB"
HEAD = "service: s\nprovider:\n  name: aws\n  environment:\n"


def _findings(text: str) -> list[tuple[str, int]]:
    result = scan_file("serverless.yml", text.encode(), ruleset=RULES, config=ScanConfig())
    return [(f.rule, f.line) for f in result.findings if f.severity.rank >= 2]


def _values(text: str) -> list[tuple[str, str]]:
    return [(key, text[start:end]) for key, start, end, _ in assignments(text)]


def test_each_assignment_line_of_a_block_is_read() -> None:
    block = (
        "# database\nDB_HOST=db1.acme.net\nAPI_KEY = abc\nexport TOKEN=\"q w\"\napiKey: 'x1'\n"
        "Authorization: Bearer abc # comment\nNote: the key is rotated monthly\ncurl -H x\n"
    )
    assert _values(block) == [  # a dotted name (`db1.acme.net`) reads as code, and names no secret anyway
        ("API_KEY", "abc"),
        ("TOKEN", "q w"),
        ("apiKey", "x1"),
        ("Authorization", "Bearer abc"),
        ("H", "x"),  # a command line's option
    ]


def test_a_one_line_value_is_read_only_as_key_equals_value() -> None:
    assert _values("API_KEY = abc") == [("API_KEY", "abc")]
    assert _values("password: see the vault") == []
    assert _values("password: x") == []


@pytest.mark.parametrize(
    "line",
    [f"SENDGRID_API_KEY = {SECRET}", f"export SENDGRID_API_KEY='{SECRET}'", f"sendgridApiKey: {SECRET}"],
)
def test_a_secret_in_an_env_block_of_a_yaml_literal_is_reported_on_its_line(line: str) -> None:
    text = HEAD + f"    CONFIG: |\n      # settings\n      LOG_LEVEL=debug\n      {line}\n"
    assert _findings(text) == [("generic-api-key", 8)]


@pytest.mark.parametrize(
    "line",
    ["SENDGRID_API_KEY = ${SENDGRID_API_KEY}", "SENDGRID_API_KEY = <your-key>", "SENDGRID_API_KEY_ID = 12",
     "Note: the api key is rotated monthly"],
)  # fmt: skip
def test_references_placeholders_and_prose_in_a_block_are_not_reported(line: str) -> None:
    text = HEAD + f"    CONFIG: |\n      LOG_LEVEL=debug\n      {line}\n"
    assert _findings(text) == []


def test_query_parameters_and_command_line_options_are_read() -> None:
    assert _values("https://graph.acme.net/me?access_token=abc&fields=id") == [
        ("access_token", "abc"),
        ("fields", "id"),
    ]
    assert _values('run --api-key=abc --password "x y" -v --out=f.txt') == [
        ("api-key", "abc"),
        ("password", "x y"),
        ("out", "f.txt"),
    ]


@pytest.mark.parametrize(
    "value",
    [
        f"https://graph.acme.net/me?access_token={SECRET}&fields=id",
        f"node server.js --api-key={SECRET} --verbose",
    ],
)
def test_a_secret_in_a_query_string_or_an_option_is_reported(value: str) -> None:
    assert [rule for rule, _ in _findings(HEAD + f"    COMMAND: '{value}'\n")] in (
        ["generic-token"],
        ["generic-api-key"],
    )


def test_a_key_equals_value_with_spaces_in_one_value_is_reported() -> None:
    assert _findings(HEAD + f"    SETTING: 'API_TOKEN = {SECRET}'\n") == [("generic-token", 5)]


def test_many_assignment_lines_are_read_in_linear_time() -> None:
    assert _growth(lambda n: HEAD + "    CONFIG: |\n" + "      A_KEY = b\n" * n, 500) < 10


def test_assignment_lines_beside_as_many_references_are_read_in_linear_time() -> None:
    """Each line asks whether it lies in a reference: a question in log n, not a pass over them all."""
    line = "      DB_PASSWORD_{0}=${{X}}\n      P{0}=Xk9qizz\n"
    assert _growth(lambda n: HEAD + "    CONF: |\n" + "".join(line.format(i) for i in range(n)), 1_000) < 10


def test_a_quoted_static_header_value_is_judged_without_its_quotes_and_scheme() -> None:
    text = (
        "Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      Integration:\n"
        "        RequestParameters:\n"
        f"          integration.request.header.Authorization: \"'Bearer {SECRET}'\"\n"
        "          integration.request.header.X-Trace: \"'Bearer'\"\n"
    )
    result = scan_file("template.yaml", text.encode(), ruleset=RULES, config=ScanConfig())
    assert [(f.rule, f.line) for f in result.findings] == [("generic-token", 7)]
    assert RULES.judge_keyed("Authorization", "''") is None


GITHUB = "ghp_" + "6wn5W5eQdMIvgyT3" + "l0f0V0UrPIojyV88blpG"


def test_a_token_in_a_folded_plain_scalar_is_reported_on_its_own_line() -> None:
    # `KEY:"value"` without a space after the colon is no mapping: YAML folds the lines into one string.
    text = (
        f'PROJECT:"/content/drive/project"\nGIT_USER:"someone"\nGIT_TOKEN:"{GITHUB}"\nGIT_REPO:"template"\n'
    )
    result = scan_file(".env.yaml", text.encode(), ruleset=RULES, config=ScanConfig())
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("github-pat", 3, 12)]


def test_a_token_in_a_double_quoted_multi_line_scalar_is_placed_on_its_line() -> None:
    text = HEAD + f'    NOTES: "first line of notes\n      second line {GITHUB}\n      third line"\n'
    assert _findings(text) == [("github-pat", 6)]


def test_a_token_that_is_the_whole_folded_value_keeps_the_scalar_lines() -> None:
    text = HEAD + f"    GITHUB_TOKEN: >\n      {GITHUB}\n"
    result = scan_file("serverless.yml", text.encode(), ruleset=RULES, config=ScanConfig())
    assert [(f.rule, f.line, f.end_line) for f in result.findings if f.severity.rank >= 2] == [
        ("github-pat", 5, 6)
    ]


def test_inline_code_reads_no_expression_as_a_literal_but_a_quoted_string_is_one() -> None:
    code = (
        "import os\nAPI_KEY = os.environ['API_KEY']\ntoken = event['token']\n"
        "auth_token = req.headers.authorization\nsecret = get_secret()\n"
        f'password = "{SECRET}"\n'
    )
    assert _values(code) == [("password", SECRET)]
    text = (
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Code:\n        ZipFile: |\n" + "".join(f"          {line}\n" for line in code.splitlines())
    )
    result = scan_file("template.yaml", text.encode(), ruleset=RULES, config=ScanConfig())
    assert [(f.rule, f.line) for f in result.findings if f.severity.rank >= 2] == [("generic-password", 12)]


def _in_string_as_it_was(text: str, position: int) -> bool:
    """The line up to `position` read again for every question (quadratic over a line's many questions)."""
    line_start = text.rfind("\n", 0, position) + 1
    quote = ""
    escaped = False
    for char in text[line_start:position]:
        if escaped:
            escaped = False
        elif char == "\\" and quote:
            escaped = True
        elif quote and char == quote:
            quote = ""
        elif not quote and char in "\"'`":
            quote = char
    return bool(quote)


def test_string_literals_found_once_per_line_answer_as_the_line_read_up_to_each_position() -> None:
    chance = random.Random(14)
    for _ in range(2_000):
        text = "".join(chance.choice("ab'\"`\\\n=") for _ in range(chance.randrange(0, 24)))
        code = Code(text)
        positions = list(range(len(text) + 1))
        chance.shuffle(positions)  # asked in any order, as the judge asks
        for position in positions:
            assert code.in_string(position) == _in_string_as_it_was(text, position), (text, position)


def test_many_password_slots_on_one_line_of_inline_code_are_judged_in_linear_time() -> None:
    # Each `password=` slot read its line again up to itself to know whether it sat in a string literal:
    # quadratic, 27 s for 64 KB of `password=a, ` on one line. Growth is compared, not seconds.
    def scan(count: int) -> None:
        text = (
            "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code:\n"
            f'        ZipFile: "{"password=a, " * count}"\n'
        )
        scan_file("template.yaml", text.encode(), ruleset=RULES, config=ScanConfig())

    small, large = (cpu_seconds(lambda count=count: scan(count)) for count in (500, 2_000))
    assert large / max(small, 1e-4) < 10
