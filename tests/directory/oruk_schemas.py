"""Validate /oruk/ responses against the ORUK validator's schemas (copies in schemas/)."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft7Validator, FormatChecker

SCHEMAS = Path(__file__).parent / "schemas"
PAGE_FIELDS = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
    "contents": list,
}


@cache
def _validator(name: str) -> Draft7Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    return Draft7Validator(schema, format_checker=FormatChecker())


def assert_valid(data, schema: str) -> None:
    errors = sorted(_validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
    )


def assert_valid_page(data, schema: str) -> None:
    """The page envelope (the validator's list schemas name it but do not enforce it)."""
    for key, kind in PAGE_FIELDS.items():
        assert isinstance(data.get(key), kind), (
            f"{key} should be {kind.__name__}: {data.get(key)!r}"
        )
    assert data["size"] == len(data["contents"])
    assert data["empty"] == (not data["contents"])
    assert_valid(data, schema)
