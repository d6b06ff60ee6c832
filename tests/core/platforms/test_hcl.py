from __future__ import annotations

import pytest

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.manifests.hcl import load_hcl
from bot.core.tree import KeyPath, Mapping, Scalar, Sequence, Style, walk_scalars

SAMPLE = """# a comment with "a string" in it
// another
/* a block
   comment */
variable "region" {
  default = "eu-west-1" # trailing
}

resource "aws_lambda_function" "a" {
  tags = { team = "core", "cost-center" : "42" }
  list = ["x", ["y"]]
  pick = var.enabled ? "on" : "off"
  escaped = "quote \\" and $${literal} ${lookup(var.m, "key", "}")}"
  doc = <<EOT
first
  second
EOT
}

resource "aws_lambda_function" "b" {
  env {
    name = "A"
  }
  env {
    name = "B"
  }
}
"""


def _values(text: str) -> dict[KeyPath, Scalar]:
    return dict(walk_scalars(load_hcl(text, ScanLimits()).root))


def test_strings_carry_exact_positions_and_comments_are_skipped() -> None:
    values = _values(SAMPLE)
    region = values[("variable", "region", "default")]
    assert (region.value, region.start.line, region.start.column, region.end.column) == (
        "eu-west-1",
        6,
        13,
        24,
    )
    assert region.style is Style.DOUBLE
    assert all(scalar.value != "a string" for scalar in values.values())


def test_objects_lists_and_literals_inside_expressions_keep_their_paths() -> None:
    values = _values(SAMPLE)
    assert values[("resource", "aws_lambda_function", "a", "tags", "cost-center")].value == "42"
    assert values[("resource", "aws_lambda_function", "a", "list", 1, 0)].value == "y"
    assert [values[("resource", "aws_lambda_function", "a", "pick", index)].value for index in (0, 1)] == [
        "on",
        "off",
    ]


def test_escapes_are_decoded_and_interpolations_kept_verbatim() -> None:
    escaped = _values(SAMPLE)[("resource", "aws_lambda_function", "a", "escaped")]
    assert escaped.value == 'quote " and ${literal} ${lookup(var.m, "key", "}")}'


def test_heredoc_spans_from_its_marker_to_its_terminator() -> None:
    doc = _values(SAMPLE)[("resource", "aws_lambda_function", "a", "doc")]
    assert doc.value == "first\n  second"
    assert doc.style is Style.MULTILINE
    assert (doc.start.line, doc.end.line) == (14, 17)


def test_blocks_are_keyed_by_labels_and_repeated_blocks_become_a_sequence() -> None:
    root = load_hcl(SAMPLE, ScanLimits()).root
    assert isinstance(root, Mapping)
    resources = root.get("resource")
    assert isinstance(resources, Mapping)
    lambdas = resources.get("aws_lambda_function")
    assert isinstance(lambdas, Mapping) and lambdas.keys() == ["a", "b"]
    body = lambdas.get("b")
    assert isinstance(body, Mapping) and isinstance(body.get("env"), Sequence)
    assert _values(SAMPLE)[("resource", "aws_lambda_function", "b", "env", 1, "name")].value == "B"


def test_indented_heredoc_is_dedented() -> None:
    text = "x = <<-EOT\n    one\n      two\n    EOT\n"
    assert _values(text)[("x",)].value == "one\n  two"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('resource "a" "b" {\n  x = "1"\n', 3),
        ('x = "unterminated\ny = 2\n', 1),
        ("x = <<EOT\nnever closed\n", 1),
        ("/* open comment\nx = 1\n", 1),
        ('x = "1"\n}\n', 2),
    ],
)
def test_invalid_hcl_is_a_parse_error_at_its_line(text: str, line: int) -> None:
    with pytest.raises(ManifestError) as caught:
        load_hcl(text, ScanLimits())
    assert caught.value.kind is NoticeKind.PARSE_ERROR
    assert caught.value.line == line


def test_nesting_beyond_the_depth_limit_is_refused() -> None:
    text = "x = " + "[" * 40 + "]" * 40 + "\n"
    with pytest.raises(ManifestError) as caught:
        load_hcl(text, ScanLimits(max_depth=16))
    assert caught.value.kind is NoticeKind.DEPTH_LIMIT
