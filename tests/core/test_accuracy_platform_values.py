"""Values the platform fills at run time, and code that reads the environment, are references (issue 14):
never literals to judge. Each is paired with a literal of the same place that is still reported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.config import ScanConfig
from bot.core.references import RefKind, analyze
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.core.spans import SpanUnion
from tests.timing import cpu_seconds

RULES = RuleSet.default()
SECRET = "k8Jq2mW9" + "xR4tL7vB"
HEAD = "service: s\nprovider:\n  name: aws\n  environment:\n"


def _findings(text: str, path: str = "serverless.yml") -> list[tuple[str, int]]:
    result = scan_file(path, text.encode(), ruleset=RULES, config=ScanConfig())
    return [(f.rule, f.line) for f in result.findings if f.severity.rank >= 2]


@pytest.mark.parametrize(
    "value",
    [
        "method.request.header.x-api-key",  # API Gateway request parameter mapping
        "method.request.querystring.token",
        "integration.response.body.token",
        "context.authorizer.token",
        "stageVariables.apiKey",
        "$context.authorizer.token",  # API Gateway / AppSync VTL
        "$ctx.args.password",
        "$input.params('token')",
        "$util.base64Decode($input.json('$.token'))",
        "$.detail.token",  # Step Functions and EventBridge JSONPath
        "$$.Task.Token",
        "States.Format('Bearer {}', $.token)",
        "AWS::AccountId",  # CloudFormation pseudo parameter
        "{% $states.input.token %}",  # JSONata / Jinja statement
        "process.env.API_KEY",  # code reading the environment
        "import.meta.env.VITE_TOKEN",
        'os.environ["DB_PASSWORD"]',
        "os.getenv('DB_PASSWORD', '')",
        "ENV.fetch('SECRET_KEY_BASE')",
        "env('APP_KEY')",
    ],
)
def test_run_time_values_are_references(value: str) -> None:
    analysis = analyze(value)
    assert not analysis.is_literal
    assert {ref.kind for ref in analysis.references} <= {RefKind.PLATFORM, RefKind.ENV_READ}
    assert _findings(HEAD + f"    API_TOKEN: {value!r}\n".replace("\\'", "''")) == []


@pytest.mark.parametrize("value", ["pa$.word" + SECRET, "context" + SECRET, "my-env-" + SECRET])
def test_literals_that_merely_contain_the_syntax_stay_literal(value: str) -> None:
    assert analyze(value).is_literal
    assert _findings(HEAD + f"    API_TOKEN: {value}\n") == [("generic-token", 5)]


def test_a_vtl_template_is_judged_around_its_variables() -> None:
    template = '{"apiKey": "$context.identity.apiKey", "secret": "' + SECRET + '"}'
    analysis = analyze(template)
    start = template.index(SECRET)
    assert analysis.is_literal_span(start, start + len(SECRET))
    assert not analysis.is_literal_span(12, 20)


def test_ansible_vault_ciphertext_is_not_a_literal() -> None:
    vault = "$ANSIBLE_VAULT;1.1;AES256\n" + "3661626364656667" * 4 + "\n" + "3031323334353637" * 4
    assert analyze(vault).is_ciphertext


def test_api_gateway_request_parameters_are_not_findings_but_a_literal_api_key_is() -> None:
    text = (
        "Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      Integration:\n"
        "        RequestParameters:\n"
        "          integration.request.header.X-Api-Key: method.request.header.x-api-key\n"
        f"          integration.request.header.X-Token: \"'{SECRET}'\"\n"
    )
    assert _findings(text, "template.yaml") == [("generic-token", 8)]


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=30),
    st.integers(0, 70),
    st.integers(1, 12),
)
def test_span_union_answers_like_comparing_with_every_span(
    added: list[tuple[int, int]], start: int, width: int
) -> None:
    union = SpanUnion()
    for begin, size in added:
        union.add(begin, begin + size)
    expected = any(begin < start + width and start < begin + size for begin, size in added)
    assert union.overlaps(start, start + width) is expected


def test_many_run_time_values_in_one_value_are_analysed_in_linear_time() -> None:
    def seconds(count: int) -> float:
        text = "$.a " * count + "$context.x " * count + "process.env.A " * count
        return cpu_seconds(lambda: analyze(text))

    small, large = seconds(2_000), seconds(16_000)
    assert large / max(small, 1e-3) < 3 * 8


@pytest.mark.parametrize(
    "call",
    ['os.environ.get("STRIPE_KEY", "{}")', "os.getenv('STRIPE_KEY', '{}')", "ENV.fetch('STRIPE_KEY', '{}')"],
)
def test_a_literal_default_after_an_environment_read_is_still_judged(call: str) -> None:
    """The read names the variable; the default after it is deployed whenever the variable is unset."""
    key = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    text = (
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Code:\n        ZipFile: |\n"
        f"          stripe.api_key = {call.format(key)}\n"
    )
    assert _findings(text, "template.yaml") == [("stripe-secret-key", 7)]


def test_a_token_replacement_names_a_variable_not_any_braces() -> None:
    assert _findings(HEAD + "    DB_PASSWORD: '#{DbPassword}#'\n") == []
    assert _findings(HEAD + "    DB_PASSWORD: 'Xk#{9a}Lp2qRt'\n") == [("generic-password", 5)]
