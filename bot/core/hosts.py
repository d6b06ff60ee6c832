"""Where a credential in a URL or connection string leads, as far as it can forgive a weak password: only
a documentation host does.

The blind set's written rules (docs/blind-set.md) count what is written, not where it points: a weak or
default password (`admin:admin`, `postgres:postgres`, `app:Password123`) for `prod-db`, for a service name
(`db`) and even for `localhost` is a password a reviewer asks to move, because the same value is usually
reused where it matters. The one host that makes a credential a template is a reserved documentation domain
(`example.com`, `*.example`, `*.test`, `*.invalid`, RFC 2606), in the URL itself or in a host setting
of the same service beside a password (`DB_HOST: db.example.com` for `DB_PASSWORD`). A host that is
itself a reference (`${DB_HOST}`) says nothing either way.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.heuristics import SecretKind, key_name, key_words, meaningful_words, secret_kind_of_key
from bot.core.linear import LinearPattern
from bot.core.public import is_default_credential
from bot.core.tree import KeyPath, Mapping, Node, Scalar, Sequence

_DOCUMENTATION = LinearPattern(r"(?:^|\.)example(?:\.(?:com|org|net))?$|\.(?:test|invalid)$")


def host_of(authority: str) -> str:
    """The lower-case host of `host`, `host:port`, `[v6]:port` or `tcp:host,port` (ADO.NET)."""
    text = authority.strip().lower().removeprefix("tcp:")
    if text.startswith("["):
        return text.split("]", 1)[0] + "]"
    return text.split(",", 1)[0].split(":", 1)[0].split("/", 1)[0].rstrip(".")


def is_documentation_host(host: str) -> bool:
    """A reserved documentation domain (RFC 2606): `example.com`, `db.example.org`, `api.test`; of a host
    list (`a.example.com,prod-db:27017`, MongoDB) every host must be one, or a real one is forgiven too."""
    names = [
        part for part in host.strip().lower().removeprefix("tcp:").split(",") if not part.strip().isdigit()
    ]
    return bool(names) and all(_DOCUMENTATION.search(host_of(name)) for name in names)


# The products whose stock local images ship a documented default credential (`bot.core.public`), as words
# of a key that name them; and hosts that are local: loopback or a one-label compose service name.
_IMAGE_WORDS = {"guest": ("rabbit", "amqp", "mq", "broker"), "minioadmin": ("minio",)}
_LOCAL_HOST = LinearPattern(r"^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\]|[a-z0-9_-]+)$")


def is_local_image_default(value: str, *, key: str = "", host: str | None = None) -> bool:
    """A stock default (`guest`, `minioadmin`) where it is the image's own: under a key naming the image's
    product (`RABBITMQ_DEFAULT_PASS`, `MINIO_ROOT_PASSWORD`, `rabbitmq.password`) or for a local host
    (`guest@localhost`, `minioadmin@minio:9000`). For a remote host or under another key it is a password
    someone chose."""
    if not is_default_credential(value):
        return False
    if host is not None and _LOCAL_HOST.match(host_of(host)):
        return True
    return any(word in key.lower() for word in _IMAGE_WORDS[value.strip().lower()])  # the whole key path


def may_name_documentation_host(text: str) -> bool:
    """Cheap necessary condition for any value parsed from `text` to be a documentation host: the file
    names one (`_DOCUMENTATION`, compared lower-case like `host_of`) or has a backslash, behind which an
    escape could spell one. Folding a line break never joins two words (it leaves a space)."""
    lowered = text.lower()
    return "example" in lowered or ".test" in lowered or ".invalid" in lowered or "\\" in text


# Sibling settings that say where the service is: `DB_HOST: db.example.com`, `REDIS_URL: redis://db:6379`.
_HOST_WORDS = frozenset({"host", "hostname", "server", "endpoint", "address", "addr", "url", "uri", "dsn"})
_AUTHORITY = LinearPattern(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:(?P<userinfo>[^@/\s]*)@)?(?P<authority>[^/?#\s]+)")
_NAME = LinearPattern(r"[A-Za-z0-9_-]+")  # the names a URL's credential refers to: `${env:DB_PASSWORD}`
_MAX_SERVICE_WORDS = 8  # a longer host key is no evidence: it keeps the lookup per key bounded


def sample_host_passwords(settings: Iterable[tuple[str, str]]) -> set[str]:
    """The keys among settings of one mapping (`(key, value)`) that a documentation host written beside
    them speaks for: the evidence that makes a weak password under such a key a template.

    A host setting is evidence only about a password of the same service, and only when every host setting
    of the mapping is a documentation host: a bare host (`host: db.example.com`, `DB_HOST: db.example.com`)
    for a key named like it (`password`, `DB_PASSWORD`, not `API_PASSWORD`); a URL for a key its credential
    names (`postgres://app:${DB_PASSWORD}@db.example.com/app` for `DB_PASSWORD`), as a neighbour's URL is
    otherwise no evidence about a password kept apart from it. Set lookups, so linear in the settings."""
    pairs = list(settings)
    services: set[tuple[str, ...]] = set()  # the words of bare host keys before the host word (`db`)
    named: set[str] = set()  # the names a URL's credential refers to, squeezed (`dbpassword`)
    for key, value in pairs:
        words = key_words(key)
        if not words or words[-1] not in _HOST_WORDS or not value.strip():
            continue
        url = _AUTHORITY.match(value.strip())
        if not is_documentation_host(url["authority"] if url else value):
            return set()
        if url:
            named.update(_squeezed(name) for name in _NAME.findall(url["userinfo"] or ""))
        elif len(words) <= _MAX_SERVICE_WORDS:
            services.add(words[:-1])
    named.discard("")
    if not services and not named:
        return set()
    return {key for key, _ in pairs if _squeezed(key_name(key)) in named or _of_service(key, services)}


def _squeezed(name: str) -> str:
    return "".join(char for char in name.lower() if char.isalnum())


def _of_service(key: str, services: set[tuple[str, ...]]) -> bool:
    """A bare `host` speaks only for a bare password (`password`, `pwd`), not for every password of the
    mapping (`API_PASSWORD` belongs to another service); `DB_HOST` for the keys that start with `db`."""
    words = meaningful_words(key)
    if () in services and len(words) == 1 and secret_kind_of_key(key) is SecretKind.PASSWORD:
        return True
    return any(words[:count] in services for count in range(1, min(len(words), _MAX_SERVICE_WORDS) + 1))


def sample_host_values(root: Node) -> set[KeyPath]:
    """Key paths of the values that a documentation host beside them speaks for (`sample_host_passwords`),
    found in one walk of the tree. One loop per mapping sorts its settings from its nodes, and no path is
    built for a mapping that no host speaks for: this walks every mapping of the document (issue 16)."""
    found: set[KeyPath] = set()
    stack: list[tuple[KeyPath, Node]] = [((), root)]
    pop, push = stack.pop, stack.append
    while stack:
        path, node = pop()
        if isinstance(node, Mapping):
            settings: list[tuple[str, str]] = []
            for key, value in node.items:
                if type(value) is not Scalar:
                    push(((*path, str(key.value)), value))
                elif type(value.value) is str:
                    settings.append((str(key.value), value.value))
            spoken_for = sample_host_passwords(settings) if settings else None
            if spoken_for:
                found.update((*path, key) for key in spoken_for)
        elif isinstance(node, Sequence):
            for number, item in enumerate(node.items):
                if type(item) is not Scalar:
                    push(((*path, number), item))
    return found
