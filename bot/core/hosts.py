"""Where a credential in a URL or connection string leads, as far as it can forgive a weak password: only
a documentation host does.

The blind set's written rules (docs/blind-set.md) count what is written, not where it points: a weak or
default password (`admin:admin`, `postgres:postgres`, `app:Password123`) for `prod-db`, for a service name
(`db`) and even for `localhost` is a password a reviewer asks to move, because the same value is usually
reused where it matters. The one host that makes a credential a template is a reserved documentation domain
(`example.com`, `*.example`, `*.test`, `*.invalid`, RFC 2606), in the URL itself or in a host setting
beside a password (`DB_HOST: db.example.com`). A host that is itself a reference (`${DB_HOST}`) says
nothing either way.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.heuristics import key_words
from bot.core.linear import LinearPattern
from bot.core.tree import KeyPath, Mapping, Node, Scalar, Sequence

_DOCUMENTATION = LinearPattern(r"(?:^|\.)example(?:\.(?:com|org|net))?$|\.(?:test|invalid)$")


def host_of(authority: str) -> str:
    """The lower-case host of `host`, `host:port`, `[v6]:port` or `tcp:host,port` (ADO.NET)."""
    text = authority.strip().lower().removeprefix("tcp:")
    if text.startswith("["):
        return text.split("]", 1)[0] + "]"
    return text.split(",", 1)[0].split(":", 1)[0].split("/", 1)[0].rstrip(".")


def is_documentation_host(host: str) -> bool:
    """A reserved documentation domain (RFC 2606): `example.com`, `db.example.org`, `api.test`."""
    return bool(_DOCUMENTATION.search(host_of(host)))


def may_name_documentation_host(text: str) -> bool:
    """Cheap necessary condition for any value parsed from `text` to be a documentation host: the file
    names one (`_DOCUMENTATION`, compared lower-case like `host_of`) or has a backslash, behind which an
    escape could spell one. Folding a line break never joins two words (it leaves a space)."""
    lowered = text.lower()
    return "example" in lowered or ".test" in lowered or ".invalid" in lowered or "\\" in text


# Sibling settings that say where the service is: `DB_HOST: db.example.com`, `REDIS_URL: redis://db:6379`.
_HOST_WORDS = frozenset({"host", "hostname", "server", "endpoint", "address", "addr", "url", "uri", "dsn"})
_AUTHORITY = LinearPattern(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/\s]*@)?(?P<authority>[^/?#\s]+)")


def names_a_sample_host(settings: Iterable[tuple[str, str]]) -> bool:
    """Whether settings written next to a password (`(key, value)` of the same mapping) name a documentation
    host (`DB_HOST: db.example.com`, `DATABASE_URL: postgres://db.example.com/app`) and no other host: the
    evidence that makes a weak password written beside them a template."""
    sample = False
    for key, value in settings:
        words = key_words(key)
        if not words or words[-1] not in _HOST_WORDS or not value.strip():
            continue
        authority = _AUTHORITY.match(value.strip())
        host = authority["authority"] if authority else value
        if not is_documentation_host(host):
            return False
        sample = True
    return sample


def sample_host_mappings(root: Node) -> set[KeyPath]:
    """Key paths of the mappings whose settings name a documentation host (`names_a_sample_host`), found in
    one walk of the tree."""
    found: set[KeyPath] = set()
    stack: list[tuple[KeyPath, Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, Mapping):
            settings = [
                (str(k.value), v.value) for k, v in node.items if type(v) is Scalar and type(v.value) is str
            ]
            if names_a_sample_host(settings):
                found.add(path)
            stack.extend(
                ((*path, str(key.value)), value) for key, value in node.items if type(value) is not Scalar
            )
        elif isinstance(node, Sequence):
            stack.extend(
                ((*path, number), item) for number, item in enumerate(node.items) if type(item) is not Scalar
            )
    return found
