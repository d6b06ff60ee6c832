"""The Cloud Run, OpenFaaS, Knative and App Engine claims ask for a literal their first pattern holds before
searching for it (issue 16). Each must answer what its patterns alone answer (the code they replaced), for
heads built from the pieces those patterns read."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.manifests import cloudrun, gae, knative, openfaas
from bot.core.manifests.base import Format

_PIECES = (
    "apiVersion", "apiVersion: ", "apiversion: ", "run.googleapis.com/", "serving.knative.dev/v1", "'",
    '"', "provider:", "provider :", "  name: openfaas", "  name: faas", "\tname: faas2", "name: x",
    "runtime:", "runtime : python39", "env_variables:", "env_variables :", "\n", "\n", " ", "kind: Service",
    ":", " :", "apiVersion :", "provider\t:",
    "apiVersion : run.googleapis.com/v1", "apiVersion\t:'serving.knative.dev/v1", "\nruntime\t:",
)  # fmt: skip
_NAMES = ("app.yaml", "service.yml", "stack.yml", "x.json", "function.yaml")


def _cloudrun(name: str, head: str) -> Format | None:
    if not name.endswith((".yml", ".yaml")):
        return None
    api, knative_api, run = cloudrun._RUN_API, knative.KNATIVE_API, knative.CLOUD_RUN
    if api.search(head) or (knative_api.search(head) and run.search(head)):
        return Format.YAML
    return None


def _openfaas(name: str, head: str) -> Format | None:
    if (
        name.endswith((".yml", ".yaml"))
        and openfaas._PROVIDER.search(head)
        and openfaas._OPENFAAS.search(head)
    ):
        return Format.YAML
    return None


def _knative(name: str, head: str) -> Format | None:
    found = knative.KNATIVE_API.search(head) and not knative.CLOUD_RUN.search(head)
    return Format.YAML if name.endswith((".yml", ".yaml")) and found else None


def _gae(name: str, head: str) -> Format | None:
    if not name.endswith((".yaml", ".yml")) or not gae._RUNTIME.search(head):
        return None
    return Format.YAML if name in gae._NAMES or gae._ENV_VARIABLES.search(head) else None


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.sampled_from(_NAMES))
def test_guarded_claims_answer_as_the_patterns_do(pieces: list[str], name: str) -> None:
    head = "".join(pieces)
    assert cloudrun.PLATFORM.claims(name, name, head) == _cloudrun(name, head)
    assert openfaas.PLATFORM.claims(name, name, head) == _openfaas(name, head)
    assert knative.PLATFORM.claims(name, name, head) == _knative(name, head)
    assert gae.PLATFORM.claims(name, name, head) == _gae(name, head)


def test_each_claim_is_met_by_some_head() -> None:
    """The pieces reach every platform: the comparison above is not only of refusals."""
    run = "apiVersion: serving.knative.dev/v1\nkind: Service\nx: run.googleapis.com/\n"
    assert cloudrun.PLATFORM.claims("s.yaml", "s.yaml", run) is Format.YAML
    assert knative.PLATFORM.claims("s.yaml", "s.yaml", "apiVersion: serving.knative.dev/v1\n") is Format.YAML
    assert openfaas.PLATFORM.claims("s.yml", "s.yml", "provider:\n  name: openfaas\n") is Format.YAML
    assert gae.PLATFORM.claims("app.yaml", "app.yaml", "runtime: python39\n") is Format.YAML
