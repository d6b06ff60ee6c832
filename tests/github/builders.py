"""Findings built the way the scanner builds them (fake values made by concatenation, never literals)."""

from __future__ import annotations

from bot.core.findings import Finding, Remediation, Severity, fingerprint, redact

FAKE_KEY = "sk_live_" + "Zx9Q" * 6
STORE = 'aws ssm put-parameter --name /svc/stripe-key --type SecureString --value "$STRIPE_KEY"'


def finding(
    *,
    path: str = "serverless.yml",
    line: int = 7,
    key: str = "provider.environment.STRIPE_KEY",
    rule: str = "stripe-secret-key",
    severity: Severity = Severity.HIGH,
    value: str = FAKE_KEY,
    replacement: str | None = "    STRIPE_KEY: ${ssm:/svc/stripe-key}",
    end_line: int | None = None,
) -> Finding:
    remediation = Remediation(
        replacement=replacement,
        store_command=STORE,
        docs="https://www.serverless.com/framework/docs/guides/variables/aws/ssm",
    )
    return Finding(
        path=path,
        line=line,
        column=17,
        end_line=end_line or line,
        key=key,
        rule=rule,
        severity=severity,
        message="Stripe live secret key",
        redacted=redact(value),
        fingerprint=fingerprint(path=path, key=key, rule=rule, value=value, fingerprint_key=b"tests"),
        remediation=remediation,
        platform="serverless",
    )
