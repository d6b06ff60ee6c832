from __future__ import annotations

from bot.core.manifests.architect import load_arc
from bot.core.tree import Mapping, Scalar, Style, walk_scalars
from tests.core.platforms.support import (
    GITHUB_TOKEN,
    PASSWORD,
    assert_fix_property,
    remediation_at,
    scan,
    serious,
    serious_lines,
)

PREFS = f"""@sandbox
useAWS false

@env
testing
  DB_PASSWORD {PASSWORD}
  API_URL http://localhost:3333
production
  GITHUB_TOKEN "{GITHUB_TOKEN}"  # synced by arc env
  PLACEHOLDER changeme
"""

APP_ARC = """@app
my-app

@http
get /
post /api/items

@aws
region us-west-2
profile default
"""


def test_parser_maps_pragmas_lines_and_indented_blocks_with_exact_positions() -> None:
    doc = load_arc(PREFS)
    assert isinstance(doc.root, Mapping)
    assert doc.root.keys() == ["sandbox", "env"]
    values = {tuple(path): scalar for path, scalar in walk_scalars(doc.root)}
    password = values[("env", "testing", "DB_PASSWORD")]
    assert isinstance(password, Scalar)
    assert (password.start.line, password.start.column, password.end.column) == (6, 15, 15 + len(PASSWORD))
    token = values[("env", "production", "GITHUB_TOKEN")]
    assert token.value == GITHUB_TOKEN and token.style is Style.DOUBLE


def test_secrets_in_prefs_are_found_with_an_advisory_that_the_file_stays_local() -> None:
    result = scan("prefs.arc", PREFS)
    assert result.platform == "architect-prefs"
    assert serious_lines("prefs.arc", PREFS) == [6, 9]
    assert all(".gitignore" in f.message for f in serious(result))


def test_fix_empties_the_value_and_stores_it_with_arc_env() -> None:
    fix = remediation_at("preferences.arc", PREFS, 6)
    assert fix.replacement == '  DB_PASSWORD ""'
    assert fix.store_command == 'npx arc env --add --env production DB_PASSWORD "$DB_PASSWORD"'


def test_the_legacy_arc_env_file_is_read_by_environment_pragma() -> None:
    legacy = f"@testing\nDB_PASSWORD {PASSWORD}\n@production\nAPI_URL https://api.example.com\n"
    assert serious_lines(".arc-env", legacy) == [2]


def test_an_app_manifest_has_no_secrets_to_report() -> None:
    result = scan("app.arc", APP_ARC)
    assert result.platform == "architect"
    assert result.findings == () and result.notices == ()


def test_fix_property() -> None:
    assert_fix_property("prefs.arc", PREFS)
