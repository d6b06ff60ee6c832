from __future__ import annotations

from tests.core.platforms.support import (
    PASSWORD,
    SOPS_VALUE,
    assert_fix_property,
    scan,
    serious,
    serious_lines,
)

KNATIVE = f"""apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
spec:
  template:
    spec:
      containers:
        - image: ghcr.io/owner/hello:1.0
          env:
            - name: TARGET
              value: World
            - name: DB_PASSWORD
              value: "{PASSWORD}"
            - name: API_KEY
              valueFrom:
                secretKeyRef:
                  name: hello-api
                  key: api-key
          envFrom:
            - secretRef:
                name: hello-env
"""

PLAIN_SERVICE = f"""apiVersion: v1
kind: Service
metadata:
  name: hello
  annotations:
    password: {PASSWORD}
spec:
  ports:
    - port: 80
"""


def test_env_literals_are_found_and_named_after_the_entry() -> None:
    result = scan("service.yaml", KNATIVE)
    assert result.platform == "knative"
    assert serious_lines("service.yaml", KNATIVE) == [14]
    assert serious(result)[0].key == "spec.template.spec.containers[0].env[1].value"


def test_secret_key_refs_and_env_from_are_safe() -> None:
    assert 18 not in serious_lines("service.yaml", KNATIVE)
    assert 19 not in serious_lines("service.yaml", KNATIVE)


def test_fix_removes_the_value_and_creates_a_kubernetes_secret_from_stdin() -> None:
    finding = serious(scan("service.yaml", KNATIVE))[0]
    assert finding.remediation is not None
    assert (
        finding.remediation.replacement
        == "              # DB_PASSWORD: removed; its new value is secret db-password"
    )
    assert finding.remediation.store_command == (
        "printf '%s' \"$DB_PASSWORD\" | kubectl create secret generic db-password "
        "--from-file=value=/dev/stdin"
    )
    assert "secretKeyRef" in (finding.remediation.runtime_hint or "")


def test_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = KNATIVE.replace(f'"{PASSWORD}"', '"<db-password>"').replace("value: World", f"value: {SOPS_VALUE}")
    assert serious_lines("service.yaml", text) == []


def test_a_plain_kubernetes_service_is_not_read_as_knative() -> None:
    assert scan("service.yaml", PLAIN_SERVICE).platform is None


def test_a_secret_document_in_the_same_stream_is_judged_too() -> None:
    stream = (
        KNATIVE
        + f"---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {PASSWORD}\n"
    )
    assert serious_lines("k8s/hello.yaml", stream) == [14, 29]


def test_fix_property() -> None:
    assert_fix_property("service.yaml", KNATIVE)
