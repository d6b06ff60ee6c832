"""References are recognised, never expanded.

A manifest value is a mix of literal text and references that the platform resolves elsewhere: Serverless
variables (`${ssm:/p}`, `${self:custom.x}`, `${env:X, 'fallback'}`), CloudFormation dynamic references
(`{{resolve:secretsmanager:...}}`) and `!Sub` placeholders (`${Param}`), Azure Key Vault references, CI
templates (`${{ secrets.X }}`), shell templates (`$VAR`, `${VAR:-default}`) and ciphertext (`ENC[...]`,
`EV[1:...]`). `analyze` splits a string into reference regions and literal regions, so that detectors only
judge what is really written in the file: the literal text around references and the literal fallbacks
inside them. Nothing here reads the environment or the disk; a reference is only ever a span and a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.linear import LinearPattern
from bot.core.variables import Variable, parse_variables


class RefKind(StrEnum):
    SERVERLESS = "serverless"  # ${source(params):address, fallbacks}
    FOREIGN = "foreign"  # ${AWS::Region}, ${MyParam}: left by Serverless for CloudFormation's Fn::Sub
    CFN_DYNAMIC = "cfn-dynamic"  # {{resolve:ssm|ssm-secure|secretsmanager:...}}
    KEY_VAULT = "azure-key-vault"  # @Microsoft.KeyVault(...)
    APP_SETTING = "azure-app-setting"  # %SettingName%
    CI_TEMPLATE = "ci-template"  # ${{ secrets.X }}, {{ mustache }}
    SHELL = "shell"  # $VAR, ${VAR}, ${VAR:-default}
    CIPHERTEXT = "ciphertext"  # ENC[...] (SOPS), EV[1:...] (DigitalOcean)


@dataclass(frozen=True, slots=True)
class Reference:
    kind: RefKind
    start: int
    end: int
    source: str = ""  # Serverless source (`ssm`, `self`, ...) or dynamic-reference service
    address: str = ""  # what it names: a parameter path, a self path, an env var name


@dataclass(frozen=True, slots=True)
class LiteralFallback:
    """A literal default written inside a reference: deployed whenever the primary is missing."""

    start: int
    end: int
    value: str
    reference: Reference


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    references: tuple[Reference, ...]
    fallbacks: tuple[LiteralFallback, ...]
    variables: tuple[Variable, ...]  # Serverless variables, for in-document following

    @property
    def is_literal(self) -> bool:
        """True when nothing in the value is a reference: the whole value is written in the file."""
        return not self.references

    @property
    def is_ciphertext(self) -> bool:
        return (
            len(self.references) == 1
            and self.references[0].kind is RefKind.CIPHERTEXT
            and (self.references[0].end - self.references[0].start >= len(self.text.strip()))
        )

    def is_literal_span(self, start: int, end: int) -> bool:
        """True when text[start:end] is literal text: outside every reference, or in a literal fallback."""
        for fallback in self.fallbacks:
            if fallback.start <= start and end <= fallback.end:
                return True
        return not any(ref.start < end and start < ref.end for ref in self.references)

    def fallback_at(self, start: int, end: int) -> LiteralFallback | None:
        for fallback in self.fallbacks:
            if fallback.start <= start and end <= fallback.end:
                return fallback
        return None


_DYNAMIC = LinearPattern(
    r"\{\{resolve:(?P<service>ssm-secure|ssm|secretsmanager):(?P<address>(?:[^{}]|\$\{[^{}]*\})*)\}\}"
)
_KEY_VAULT = LinearPattern(r"@Microsoft\.KeyVault\((?P<address>[^()]*)\)", ignore_case=True)
_CI_TEMPLATE = LinearPattern(r"\$\{\{[^{}]*\}\}|\{\{[^{}]*\}\}")
_CIPHERTEXT = LinearPattern(r"ENC\[[A-Za-z0-9_]+,[^\]]*\]|EV\[\d+:[^\]]*\]")
_APP_SETTING = LinearPattern(r"^%(?P<address>[A-Za-z_][\w.:-]*)%$")
_SHELL_BRACED = LinearPattern(
    r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-=?+])(?P<default>[^}]*))?\}"
)
_SHELL_BARE = LinearPattern(r"\$(?P<name>[A-Z_][A-Z0-9_]+)\b")
_CHEAP_MARKERS = LinearPattern(r"\$|\{\{|@|%|ENC\[|EV\[")


def analyze(text: str) -> Analysis:
    """Split `text` into references and literal fallbacks.

    `${...}` is read with the Serverless grammar on every platform: where it is not the platform's syntax
    (a `!Sub` placeholder, a template) it is still not a literal written in the file.
    """
    if _CHEAP_MARKERS.search(text) is None:
        return Analysis(text, (), (), ())
    references: list[Reference] = []
    fallbacks: list[LiteralFallback] = []
    variables: tuple[Variable, ...] = ()
    taken: list[tuple[int, int]] = []
    _add_simple(text, references, taken)
    if "${" in text:
        variables = tuple(v for v in parse_variables(text) if not _inside(taken, v.start, v.end))
        for variable in variables:
            _add_variable(variable, references, fallbacks, taken)
    _add_shell(text, references, fallbacks, taken)
    references.sort(key=lambda ref: ref.start)
    return Analysis(text, tuple(references), tuple(fallbacks), variables)


def _add_simple(text: str, references: list[Reference], taken: list[tuple[int, int]]) -> None:
    for match in _DYNAMIC.finditer(text):
        references.append(
            Reference(RefKind.CFN_DYNAMIC, match.start(), match.end(), match["service"], match["address"])
        )
        taken.append(match.span())
    for match in _KEY_VAULT.finditer(text):
        references.append(
            Reference(RefKind.KEY_VAULT, match.start(), match.end(), "keyvault", match["address"])
        )
        taken.append(match.span())
    for pattern, kind in ((_CIPHERTEXT, RefKind.CIPHERTEXT), (_CI_TEMPLATE, RefKind.CI_TEMPLATE)):
        for match in pattern.finditer(text):
            if not _inside(taken, match.start(), match.end()):
                references.append(Reference(kind, match.start(), match.end()))
                taken.append(match.span())
    setting = _APP_SETTING.match(text.strip())
    if setting:
        start = text.index("%")
        references.append(
            Reference(RefKind.APP_SETTING, start, start + len(text.strip()), "", setting["address"])
        )
        taken.append((start, start + len(text.strip())))


def _add_variable(
    variable: Variable,
    references: list[Reference],
    fallbacks: list[LiteralFallback],
    taken: list[tuple[int, int]],
) -> None:
    kind = RefKind.SERVERLESS if variable.source else RefKind.FOREIGN
    reference = Reference(kind, variable.start, variable.end, variable.source, variable.address)
    references.append(reference)
    taken.append((variable.start, variable.end))
    for fallback in variable.literal_fallbacks():
        fallbacks.append(LiteralFallback(fallback.start, fallback.end, fallback.value, reference))


def _add_shell(
    text: str,
    references: list[Reference],
    fallbacks: list[LiteralFallback],
    taken: list[tuple[int, int]],
) -> None:
    if "$" not in text:
        return
    for match in _SHELL_BRACED.finditer(text):
        if _inside(taken, match.start(), match.end()):
            continue
        reference = Reference(RefKind.SHELL, match.start(), match.end(), "shell", match["name"])
        references.append(reference)
        taken.append(match.span())
        default = match["default"]
        if match["op"] in (":-", "-", ":=", "=") and default:
            start = match.start("default")
            fallbacks.append(LiteralFallback(start, start + len(default), default, reference))
    for match in _SHELL_BARE.finditer(text):
        if not _inside(taken, match.start(), match.end()):
            references.append(Reference(RefKind.SHELL, match.start(), match.end(), "shell", match["name"]))
            taken.append(match.span())


def _inside(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in taken)


def describe(reference: Reference) -> str:
    """A short, value-free rendering of a reference for messages: `${env:API_KEY, ...}`."""
    address = reference.address if len(reference.address) <= 60 else reference.address[:57] + "..."
    if reference.kind is RefKind.SERVERLESS:
        return f"${{{reference.source}:{address}, ...}}"
    if reference.kind is RefKind.SHELL:
        return f"${{{address}:-...}}"
    return reference.kind.value
