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

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from bot.core.linear import LinearPattern
from bot.core.perfile import memory
from bot.core.spans import SpanUnion
from bot.core.variables import Variable, parse_variables
from bot.core.versionmemo import current


class RefKind(StrEnum):
    SERVERLESS = "serverless"  # ${source(params):address, fallbacks}
    FOREIGN = "foreign"  # ${AWS::Region}, ${MyParam}: left by Serverless for CloudFormation's Fn::Sub
    CFN_DYNAMIC = "cfn-dynamic"  # {{resolve:ssm|ssm-secure|secretsmanager:...}}
    KEY_VAULT = "azure-key-vault"  # @Microsoft.KeyVault(...)
    APP_SETTING = "azure-app-setting"  # %SettingName%
    CI_TEMPLATE = "ci-template"  # ${{ secrets.X }}, {{ mustache }}
    SHELL = "shell"  # $VAR, ${VAR}, ${VAR:-default}
    CIPHERTEXT = "ciphertext"  # ENC[...] (SOPS), EV[1:...] (DigitalOcean), $ANSIBLE_VAULT;...
    PLATFORM = "platform"  # filled by the platform at run time: $context.x, method.request.header.x, $.path
    ENV_READ = "env-read"  # code that reads the environment: process.env.X, os.environ["X"]


class Reference(NamedTuple):
    kind: RefKind
    start: int
    end: int
    source: str = ""  # Serverless source (`ssm`, `self`, ...) or dynamic-reference service
    address: str = ""  # what it names: a parameter path, a self path, an env var name


class LiteralFallback(NamedTuple):
    """A literal default written inside a reference: deployed whenever the primary is missing."""

    start: int
    end: int
    value: str
    reference: Reference


# The index of an analysis without references, shared: an `Analysis` only ever asks it `overlaps`.
_NOTHING_TAKEN = SpanUnion()


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    references: tuple[Reference, ...]
    fallbacks: tuple[LiteralFallback, ...]
    # Indexes built once, so that asking about every span of a long value (each assignment line, each
    # token) costs log n per question, not a pass over every reference: linear work on hostile input.
    _taken: SpanUnion = field(init=False, repr=False, compare=False)
    _fallback_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _widest: tuple[LiteralFallback, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.references and not self.fallbacks:  # most values: nothing to index (issue 16)
            object.__setattr__(self, "_taken", _NOTHING_TAKEN)
            object.__setattr__(self, "_fallback_starts", ())
            object.__setattr__(self, "_widest", ())
            return
        taken = SpanUnion()
        for ref in self.references:
            taken.add(ref.start, ref.end)
        ordered = sorted(self.fallbacks, key=lambda fallback: fallback.start)
        widest: list[LiteralFallback] = []  # among the fallbacks so far, the one reaching furthest
        for fallback in ordered:
            widest.append(fallback if not widest or fallback.end > widest[-1].end else widest[-1])
        object.__setattr__(self, "_taken", taken)
        object.__setattr__(self, "_fallback_starts", tuple(fallback.start for fallback in ordered))
        object.__setattr__(self, "_widest", tuple(widest))

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
        return self.fallback_at(start, end) is not None or not self._taken.overlaps(start, end)

    def fallback_at(self, start: int, end: int) -> LiteralFallback | None:
        """A literal fallback holding text[start:end]: of those starting at or before `start`, the one
        reaching furthest holds it if any does."""
        index = bisect_right(self._fallback_starts, start)
        if index and end <= self._widest[index - 1].end:
            return self._widest[index - 1]
        return None


_DYNAMIC = LinearPattern(
    r"\{\{resolve:(?P<service>ssm-secure|ssm|secretsmanager):(?P<address>(?:[^{}]|\$\{[^{}]*\})*)\}\}",
    needs=("{{resolve:",),
)
_KEY_VAULT = LinearPattern(
    r"@Microsoft\.KeyVault\((?P<address>[^()]*)\)", ignore_case=True, needs=("@Microsoft.KeyVault(",)
)
_CI_TEMPLATE = LinearPattern(r"\$\{\{[^{}]*\}\}|\{\{[^{}]*\}\}", needs=("{{",))
_CIPHERTEXT = LinearPattern(
    r"ENC\[[A-Za-z0-9_]+,[^\]]*\]|EV\[\d+:[^\]]*\]|\$ANSIBLE_VAULT;[\d.]+;[A-Z0-9]+(?:;\S*)?\s+[0-9a-f\s]+",
    needs=("ENC[", "EV[", "$ANSIBLE_VAULT;"),
)
# Values the platform fills at run time, anywhere in a value: API Gateway and AppSync VTL variables
# (`$context.authorizer.token`, `$input.params('x')`, `$util.base64Decode(...)`, `$ctx.args.token`),
# JSONPath into the state or event (Step Functions `$.token`, `$$.Task.Token`; EventBridge input paths), and
# JSONata or Jinja blocks (`{% $states.input.token %}`). A `$.` path counts only at the start of a value or
# after a delimiter, so that `pa$.word` stays literal.
_PLATFORM_SPAN = LinearPattern(
    r"\$!?\{?(?:context|ctx|input|util|stageVariables|request|identity|authorizer)\.[A-Za-z_][\w.]*"
    r"(?:\((?:[^()]|\([^()]*\))*\))?\}?"
    r"|(?:^|[\s\"'(,:\[])(?P<path>\$\$?\.[\w.\[\]'*@?=<>!-]*)"
    r"|\{%-?[^%]*(?:%[^}][^%]*)*%\}",
    # Each branch's own literal: a `${self:x}` or `$VAR` value is answered without compiling it (issue 16).
    needs=(
        "context.",
        "ctx.",
        "input.",
        "util.",
        "stageVariables.",
        "request.",
        "identity.",
        "authorizer.",
        "$.",
        "{%",
    ),
)
# Whole values that name a run-time value: API Gateway mapping expressions (`method.request.header.x-api-key`,
# `integration.response.body.token`, `context.authorizer.principalId`, `stageVariables.key`), Step Functions
# intrinsic functions (`States.Format(...)`) and CloudFormation pseudo parameters (`AWS::AccountId`).
_PLATFORM_VALUE = LinearPattern(
    r"^(?:method\.request\.(?:header|querystring|path|multivalueheader|multivaluequerystring|body)\.[\w.$-]+"
    r"|integration\.response\.(?:header|body|multivalueheader)(?:\.[\w.$-]+)?"
    r"|(?:context|stageVariables)\.[A-Za-z_][\w.-]*"
    r"|States\.[A-Z][A-Za-z]*\(.*\)"
    r"|AWS::[A-Za-z]+(?:::[A-Za-z]+)*)$",
    dotall=True,
    needs=("method.request.", "integration.response.", "context.", "stageVariables.", "States.", "AWS::"),
)
# Code that reads the environment, as written in JavaScript/TypeScript, Python, Ruby, PHP, Deno, Java and
# Laravel configuration: the value lives in the environment, not in the file. The span ends with the
# variable's name: a default written after it (`os.environ.get("KEY", "sk_live_...")`) is a literal that
# is deployed whenever the variable is unset, and is judged as one.
_ENV_READ = LinearPattern(
    r"\b(?:process\.env|import\.meta\.env)(?:\.[A-Za-z_]\w*|\[\s*['\"][^'\"]+['\"]\s*\])"
    r"|\bos\.(?:environ(?:\.get)?|getenv)\s*[\[(]\s*(?:['\"][^'\"]+['\"]|[A-Za-z_]\w*)"
    r"|\bENV(?:\.fetch)?\s*[\[(]\s*['\"][^'\"]+['\"]"
    r"|\b(?:Deno\.env\.get|System\.getenv|getenv|env)\(\s*['\"][A-Za-z_][\w.]*['\"]",
    # `process.env.`, `import.meta.env[`, `os.environ`, `ENV[`, `getenv(`, `Deno.env.get(`: not `${env:X}`, a
    # Serverless variable, which is answered without running the pattern (issue 16).
    needs=("env.", "env[", "env(", "os.", "ENV"),
)
_APP_SETTING = LinearPattern(r"^%(?P<address>[A-Za-z_][\w.:-]*)%$", needs=("%",))
_SHELL_BRACED = LinearPattern(
    r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-=?+])(?P<default>[^}]*))?\}", needs=("${",)
)
_SHELL_BARE = LinearPattern(r"\$(?P<name>[A-Z_][A-Z0-9_]+)\b", needs=("$",))
# DigitalOcean App Platform binds `${component-name.VAR}` (`${reverb-db.PASSWORD}`): read as shell, the
# hyphen would make `db.PASSWORD` the default of `${reverb}`; the rest of a component name and a variable
# after a dot is the binding, never a default someone typed.
_BINDABLE_REST = LinearPattern(r"^[a-z0-9-]*\.[A-Za-z_][A-Za-z0-9_]*$")


def _is_bindable(op: str, default: str) -> bool:
    return op == "-" and _BINDABLE_REST.match(default) is not None


_CHEAP_MARKERS = LinearPattern(
    r"\$|\{\{|@|%|ENC\[|EV\[|method\.request\.|integration\.response|context\.|stageVariables\.|States\."
    r"|AWS::|env|getenv|ENV"
)


def analyze(text: str) -> Analysis:
    """Split `text` into references and literal fallbacks.

    `${...}` is read with the Serverless grammar on every platform: where it is not the platform's syntax
    (a `!Sub` placeholder, a template) it is still not a literal written in the file.
    """
    analysed = memory("references.analyze")  # an `Analysis` is immutable, so sharing one is safe
    if analysed is None:
        return _analyze(text)
    found = analysed.get(text)
    if found is None:
        found = analysed[text] = _across_versions(text)
    return found


# Estimated bytes of a remembered `_Shape`: its tuples, per object (reference, variable, parameter,
# fallback) its header, and 4 bytes per character of every string it holds, each counted on its own: a
# nested variable's address and parameters are copies of inner text, so the text's length bounds nothing.
_SHAPE_BYTES = 200
_PART_BYTES = 250


@dataclass(frozen=True, slots=True)
class _Shape:
    """An analysis without its text: spans, kinds and reference names, never literal text of the value."""

    references: tuple[Reference, ...]
    variables: tuple[Variable, ...]


def _across_versions(text: str) -> Analysis:
    """`_analyze(text)`, remembered across the versions a history scan reads (`bot.core.versionmemo`).
    Only an analysis without literal fallbacks is kept: a fallback holds literal text of the value."""
    versions = current()
    if versions is None:
        return _analyze(text)
    shape = versions.recall("references.analyze", text)
    if shape is not None:
        return Analysis(text, shape.references, (), shape.variables)
    found = _analyze(text)
    if not found.fallbacks:
        versions.keep("references.analyze", text, _Shape(found.references, found.variables), _held(found))
    return found


def _held(found: Analysis) -> int:
    """Estimated bytes that remembering `found`'s shape holds (see `_SHAPE_BYTES`)."""
    objects = len(found.references)
    chars = sum(len(ref.source) + len(ref.address) for ref in found.references)
    for variable in (nested for top in found.variables for nested in top.walk()):
        objects += 1 + len(variable.params) + len(variable.fallbacks)
        chars += len(variable.source) + len(variable.address) + sum(map(len, variable.params))
        chars += sum(len(fallback.value) for fallback in variable.fallbacks)
    return _SHAPE_BYTES + _PART_BYTES * objects + 4 * chars


# A value that is one Serverless variable and nothing else, with a plain address and at most one plain
# parameter: `${self:custom.stage}`, `${file(./resource/vpc.yml)}`, `${file(./secrets.json):KEY}`. None of
# its characters opens another kind of reference (no `{{`, `@`, `%`, `[`, `;`, quotes, spaces, commas or a
# second `$`), its address cannot start a shell default (`${VAR:-x}`), and code reading the environment is
# left to `_analyze_all`. On `re`: single-character classes, linear.
_PLAIN_VARIABLE = re.compile(
    r"\$\{(?P<source>[a-z][a-zA-Z0-9]*)(?:\((?P<param>[A-Za-z0-9_./-]+)\))?"
    r"(?::(?P<address>[A-Za-z0-9_.][A-Za-z0-9_.-]*))?\}"
)


def _analyze(text: str) -> Analysis:
    """`_analyze_all(text)`, with the commonest value, one plain Serverless variable, read by one match
    rather than by every pattern family and the variable parser (issue 16; tests/core/test_plain_variable.py
    compares the two)."""
    plain = _PLAIN_VARIABLE.fullmatch(text)
    if plain is None or "process.env" in text or "import.meta.env" in text:
        return _analyze_all(text)
    source, param, address = plain["source"], plain["param"], plain["address"] or ""
    end = len(text)
    reference = Reference(RefKind.SERVERLESS, 0, end, source, address)
    variable = Variable(0, end, source, (param,) if param else (), address, (), ())
    return Analysis(text, (reference,), (), (variable,))


def _analyze_all(text: str) -> Analysis:
    if _CHEAP_MARKERS.search(text) is None:
        return Analysis(text, (), (), ())
    references: list[Reference] = []
    fallbacks: list[LiteralFallback] = []
    variables: tuple[Variable, ...] = ()
    taken = SpanUnion()
    _add_simple(text, references, taken)
    if "${" in text:
        variables = tuple(v for v in parse_variables(text) if not taken.overlaps(v.start, v.end))
        for variable in variables:
            _add_variable(variable, references, fallbacks, taken)
    _add_shell(text, references, fallbacks, taken)
    references.sort(key=lambda ref: ref.start)
    return Analysis(text, tuple(references), tuple(fallbacks), variables)


def _add_simple(text: str, references: list[Reference], taken: SpanUnion) -> None:
    for match in _DYNAMIC.finditer(text):
        references.append(
            Reference(RefKind.CFN_DYNAMIC, match.start(), match.end(), match["service"], match["address"])
        )
        taken.add(*match.span())
    for match in _KEY_VAULT.finditer(text):
        references.append(
            Reference(RefKind.KEY_VAULT, match.start(), match.end(), "keyvault", match["address"])
        )
        taken.add(*match.span())
    for pattern, kind in ((_CIPHERTEXT, RefKind.CIPHERTEXT), (_CI_TEMPLATE, RefKind.CI_TEMPLATE)):
        for match in pattern.finditer(text):
            if not taken.overlaps(match.start(), match.end()):
                references.append(Reference(kind, match.start(), match.end()))
                taken.add(*match.span())
    _add_platform(text, references, taken)
    setting = _APP_SETTING.match(text.strip())
    if setting:
        start = text.index("%")
        references.append(
            Reference(RefKind.APP_SETTING, start, start + len(text.strip()), "", setting["address"])
        )
        taken.add(start, start + len(text.strip()))


def _add_platform(text: str, references: list[Reference], taken: SpanUnion) -> None:
    """Run-time values of the platform (`_PLATFORM_VALUE`, `_PLATFORM_SPAN`) and reads of the environment."""
    stripped = text.strip()
    if stripped and _PLATFORM_VALUE.match(stripped):
        start = len(text) - len(text.lstrip())
        references.append(Reference(RefKind.PLATFORM, start, start + len(stripped)))
        taken.add(start, start + len(stripped))
        return
    for pattern, kind in ((_PLATFORM_SPAN, RefKind.PLATFORM), (_ENV_READ, RefKind.ENV_READ)):
        for match in pattern.finditer(text):
            span = match.span("path") if kind is RefKind.PLATFORM and match["path"] else match.span()
            if span[1] > span[0] and not taken.overlaps(*span):
                references.append(Reference(kind, *span))
                taken.add(*span)


def _add_variable(
    variable: Variable,
    references: list[Reference],
    fallbacks: list[LiteralFallback],
    taken: SpanUnion,
) -> None:
    kind = RefKind.SERVERLESS if variable.source else RefKind.FOREIGN
    reference = Reference(kind, variable.start, variable.end, variable.source, variable.address)
    references.append(reference)
    taken.add(variable.start, variable.end)
    for fallback in variable.literal_fallbacks():
        fallbacks.append(LiteralFallback(fallback.start, fallback.end, fallback.value, reference))


def _add_shell(
    text: str,
    references: list[Reference],
    fallbacks: list[LiteralFallback],
    taken: SpanUnion,
) -> None:
    if not _free_dollar(text, taken):
        return  # every shell match starts at a `$`, and one inside a reference is skipped (issue 16)
    for match in _SHELL_BRACED.finditer(text):
        if taken.overlaps(match.start(), match.end()):
            continue
        reference = Reference(RefKind.SHELL, match.start(), match.end(), "shell", match["name"])
        references.append(reference)
        taken.add(*match.span())
        default = match["default"]
        if match["op"] in (":-", "-", ":=", "=") and default and not _is_bindable(match["op"], default):
            start = match.start("default")
            fallbacks.append(LiteralFallback(start, start + len(default), default, reference))
    for match in _SHELL_BARE.finditer(text):
        if not taken.overlaps(match.start(), match.end()):
            references.append(Reference(RefKind.SHELL, match.start(), match.end(), "shell", match["name"]))
            taken.add(*match.span())


def _free_dollar(text: str, taken: SpanUnion) -> bool:
    """Whether some `$` of `text` lies outside every reference found so far. Each of the shell patterns'
    matches starts at a `$`, and one that overlaps a reference is skipped: without such a `$` (a value of
    Serverless variables only, `${self:custom.x}`) the patterns are not run. Past `_DOLLARS_CHECKED` of them
    the answer is True, so that a hostile value of dollars costs no Python step per character."""
    index = text.find("$")
    for _ in range(_DOLLARS_CHECKED):
        if index < 0:
            return False
        if not taken.overlaps(index, index + 1):
            return True
        index = text.find("$", index + 1)
    return True


_DOLLARS_CHECKED = 32


def describe(reference: Reference) -> str:
    """A short, value-free rendering of a reference for messages: `${env:API_KEY, ...}`."""
    address = reference.address if len(reference.address) <= 60 else reference.address[:57] + "..."
    if reference.kind is RefKind.SERVERLESS:
        return f"${{{reference.source}:{address}, ...}}"
    if reference.kind is RefKind.SHELL:
        return f"${{{address}:-...}}"
    return reference.kind.value
