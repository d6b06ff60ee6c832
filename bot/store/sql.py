"""The findings store on SQLAlchemy Core: an embedded SQLite file by default, PostgreSQL for scale-out.

Every write is one transaction, and inserts that two workers may race on (the same repository, the same
fingerprint) are `INSERT ... ON CONFLICT DO NOTHING` followed by an update, so that concurrent scans of one
repository never fail on a duplicate key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Insert,
    Row,
    and_,
    case,
    create_engine,
    delete,
    event,
    func,
    not_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from bot.core.findings import Finding
from bot.store import migrate
from bot.store.protocol import BaselineState, FindingState, RepositoryDetails, StoredFinding
from bot.store.tables import findings, repositories

SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")
SQLITE_BUSY_SECONDS = 30.0  # several worker processes write one file: wait for the lock, never fail
IN_BATCH = 500
_DONE = (BaselineState.DONE.value, BaselineState.SKIPPED.value)


def open_store(url: str) -> SqlFindingsStore:
    """The store at `url`, migrated to the newest schema (`sqlite:///PATH` or `postgresql://...`)."""
    engine = _engine(url)
    migrate.upgrade(engine)
    return SqlFindingsStore(engine)


def _engine(url: str) -> Engine:
    if url.startswith(SQLITE_PREFIX):
        path = url.removeprefix(SQLITE_PREFIX)
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith(POSTGRES_PREFIXES):
        rest = url.split("://", 1)[1]
        return create_engine(f"postgresql+psycopg://{rest}", pool_pre_ping=True)
    raise ValueError("DATABASE_URL must be sqlite:///PATH or postgresql://...")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.close()


class SqlFindingsStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def close(self) -> None:
        self._engine.dispose()

    def record_default_branch_scan(
        self,
        repo: str,
        sha: str,
        findings_seen: Sequence[Finding],
        *,
        complete: bool,
        at: datetime,
        scope: Collection[str] | None = None,
    ) -> None:
        at = _utc(at)
        seen = {finding.fingerprint: finding for finding in reversed(findings_seen)}  # first one wins
        with self._engine.begin() as connection:
            repo_id = _repository_id(connection, repo)
            if seen:
                _upsert_findings(connection, repo_id, sha, at, seen.values())
            if complete:
                _mark_fixed(connection, repo_id, at, set(seen), scope)
            connection.execute(
                update(repositories)
                .where(repositories.c.id == repo_id)
                .values(last_scanned_sha=sha, last_scanned_at=at)
            )

    def findings(self, repo: str, state: FindingState | None = None) -> list[StoredFinding]:
        query = (
            select(findings, repositories.c.name)
            .join(repositories, repositories.c.id == findings.c.repository_id)
            .where(repositories.c.name == repo)
            .order_by(findings.c.path, findings.c.line, findings.c.rule, findings.c.fingerprint)
        )
        if state is not None:
            query = query.where(findings.c.state == state.value)
        with self._engine.connect() as connection:
            return [_stored(row) for row in connection.execute(query)]

    def open_findings(self, repo: str) -> list[StoredFinding]:
        return self.findings(repo, FindingState.OPEN)

    def findings_in(self, repos: Collection[str]) -> list[StoredFinding]:
        found: list[StoredFinding] = []
        with self._engine.connect() as connection:
            for names in _batches(sorted(set(repos))):
                query = (
                    select(findings, repositories.c.name)
                    .join(repositories, repositories.c.id == findings.c.repository_id)
                    .where(repositories.c.name.in_(names))
                )
                found += [_stored(row) for row in connection.execute(query)]
        return found

    def repository_details(self, repos: Collection[str]) -> dict[str, RepositoryDetails]:
        columns = (
            repositories.c.name,
            repositories.c.installation_id,
            repositories.c.default_branch,
            repositories.c.last_scanned_sha,
            repositories.c.dashboard_issue,
        )
        details: dict[str, RepositoryDetails] = {}
        with self._engine.connect() as connection:
            for names in _batches(sorted(set(repos))):
                for row in connection.execute(select(*columns).where(repositories.c.name.in_(names))):
                    details[row.name] = RepositoryDetails(
                        row.name,
                        row.installation_id,
                        row.default_branch,
                        row.last_scanned_sha,
                        row.dashboard_issue,
                    )
        return details

    def track_repository(
        self, repo: str, *, installation_id: int, default_branch: str | None = None, archived: bool = False
    ) -> None:
        with self._engine.begin() as connection:
            repo_id = _repository_id(connection, repo)
            details: dict[str, Any] = {"installation_id": installation_id, "archived": archived}
            if default_branch is not None:
                details["default_branch"] = default_branch
            connection.execute(update(repositories).where(repositories.c.id == repo_id).values(**details))

    def mark_baseline(self, repo: str, state: BaselineState) -> None:
        with self._engine.begin() as connection:
            repo_id = _repository_id(connection, repo)
            connection.execute(
                update(repositories).where(repositories.c.id == repo_id).values(baseline=state.value)
            )

    def baseline_state(self, repo: str) -> BaselineState | None:
        value = self._repository_value(repo, repositories.c.baseline)
        return None if value is None else BaselineState(value)

    def baseline_progress(self, installation_id: int) -> tuple[int, int]:
        done = func.sum(case((repositories.c.baseline.in_(_DONE), 1), else_=0))
        query = select(func.coalesce(done, 0), func.count()).where(
            repositories.c.installation_id == installation_id
        )
        with self._engine.connect() as connection:
            finished, total = connection.execute(query).one()
        return int(finished), int(total)

    def last_scanned_sha(self, repo: str) -> str | None:
        value = self._repository_value(repo, repositories.c.last_scanned_sha)
        return None if value is None else str(value)

    def set_fix_pull(self, repo: str, fingerprints: Collection[str], number: int) -> None:
        if not fingerprints:
            return
        ids = select(repositories.c.id).where(repositories.c.name == repo)
        with self._engine.begin() as connection:
            connection.execute(
                update(findings)
                .where(
                    and_(findings.c.repository_id.in_(ids), findings.c.fingerprint.in_(list(fingerprints)))
                )
                .values(fix_pull=number)
            )

    def clear_fix_pull(self, repo: str, number: int) -> None:
        ids = select(repositories.c.id).where(repositories.c.name == repo)
        with self._engine.begin() as connection:
            connection.execute(
                update(findings)
                .where(and_(findings.c.repository_id.in_(ids), findings.c.fix_pull == number))
                .values(fix_pull=None)
            )

    def dashboard_issue(self, repo: str) -> int | None:
        value = self._repository_value(repo, repositories.c.dashboard_issue)
        return None if value is None else int(value)

    def set_dashboard_issue(self, repo: str, number: int | None) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(repositories).where(repositories.c.name == repo).values(dashboard_issue=number)
            )

    def forget_repository(self, repo: str) -> None:
        with self._engine.begin() as connection:
            _delete_repositories(connection, select(repositories.c.id).where(repositories.c.name == repo))

    def forget_installation(self, installation_id: int) -> None:
        with self._engine.begin() as connection:
            ids = select(repositories.c.id).where(repositories.c.installation_id == installation_id)
            _delete_repositories(connection, ids)

    def _repository_value(self, repo: str, column: Any) -> Any:
        with self._engine.connect() as connection:
            return connection.execute(select(column).where(repositories.c.name == repo)).scalar_one_or_none()


def _batches(names: list[str]) -> Iterable[list[str]]:
    """Bounded IN lists: SQLite allows 32,766 bound parameters, and one huge statement helps nobody."""
    for start in range(0, len(names), IN_BATCH):
        yield names[start : start + IN_BATCH]


def _insert(connection: Connection, table: Any) -> Insert:
    """An INSERT that leaves an existing row alone, in the connection's dialect."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement: Insert = dialect.insert(table).on_conflict_do_nothing()
    return statement


def _repository_id(connection: Connection, repo: str) -> int:
    connection.execute(_insert(connection, repositories).values(name=repo, archived=False))
    return int(connection.execute(select(repositories.c.id).where(repositories.c.name == repo)).scalar_one())


def _upsert_findings(
    connection: Connection, repo_id: int, sha: str, at: datetime, seen: Iterable[Finding]
) -> None:
    rows = [
        {
            "repository_id": repo_id,
            "fingerprint": finding.fingerprint,
            "path": finding.path,
            "line": finding.line,
            "rule": finding.rule,
            "severity": str(finding.severity),
            "redacted": finding.redacted,
            "platform": finding.platform,
            "first_seen_sha": sha,
            "first_seen_at": at,
            "last_seen_at": at,
            "state": FindingState.OPEN.value,
        }
        for finding in seen
    ]
    connection.execute(_insert(connection, findings), rows)
    reopened = case(
        (findings.c.state == FindingState.FIXED.value, FindingState.OPEN.value), else_=findings.c.state
    )
    for row in rows:
        connection.execute(
            update(findings)
            .where(and_(findings.c.repository_id == repo_id, findings.c.fingerprint == row["fingerprint"]))
            .values(
                path=row["path"],
                line=row["line"],
                rule=row["rule"],
                severity=row["severity"],
                redacted=row["redacted"],
                platform=row["platform"],
                last_seen_at=at,
                state=reopened,
                fixed_at=None,
            )
        )


def _mark_fixed(
    connection: Connection, repo_id: int, at: datetime, seen: set[str], scope: Collection[str] | None
) -> None:
    """Open or acknowledged findings this complete scan answered for and did not see are fixed."""
    where = [
        findings.c.repository_id == repo_id,
        findings.c.state != FindingState.FIXED.value,
        not_(findings.c.fingerprint.in_(seen)),
    ]
    if scope is not None:
        where.append(findings.c.path.in_(list(scope)))
    connection.execute(
        update(findings).where(and_(*where)).values(state=FindingState.FIXED.value, fixed_at=at)
    )


def _delete_repositories(connection: Connection, ids: Any) -> None:
    connection.execute(delete(findings).where(findings.c.repository_id.in_(ids)))
    connection.execute(delete(repositories).where(repositories.c.id.in_(ids)))


def _utc(moment: datetime) -> datetime:
    """Times are stored in UTC; SQLite hands them back without a zone, which is UTC by this rule."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stored(row: Row[Any]) -> StoredFinding:
    fixed_at = row.fixed_at
    return StoredFinding(
        repo=row.name,
        fingerprint=row.fingerprint,
        path=row.path,
        line=row.line,
        rule=row.rule,
        severity=row.severity,
        redacted=row.redacted,
        platform=row.platform,
        first_seen_sha=row.first_seen_sha,
        first_seen_at=_utc(row.first_seen_at),
        last_seen_at=_utc(row.last_seen_at),
        state=FindingState(row.state),
        fixed_at=None if fixed_at is None else _utc(fixed_at),
        fix_pull=row.fix_pull,
    )
