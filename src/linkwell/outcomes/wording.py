"""Licensed questionnaire wording, loaded from files the deployment provides.

EQ-5D-5L and (S)WEMWBS wording is licensed by EuroQol and Warwick Medical School, so it does
not ship with Linkwell. A deployment that holds a licence sets ``LINKWELL_LICENSED_WORDING_DIR``
to a folder containing ``<INSTRUMENT>.json`` (for example ``SWEMWBS.json``)::

    {
      "licence": "Used under licence ... (shown with the questionnaire)",
      "languages": {
        "en": {
          "intro": "Below are some statements about feelings and thoughts...",
          "items": {"item1": "I've been feeling optimistic about the future", ...},
          "choices": {"1": "None of the time", ..., "5": "All of the time"}
        },
        "cy": {...}
      }
    }

``items`` must give every item of the instrument; ``intro`` and ``choices`` are optional.
A file that is not in this shape stops with ImproperlyConfigured naming the file, rather than
showing a half-worded questionnaire.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .instruments import INSTRUMENTS


@dataclass(frozen=True)
class Wording:
    language: str
    licence: str
    items: dict[str, str]
    intro: str = ""
    choices: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=64)
def _load(directory: str, code: str) -> dict | None:
    path = Path(directory) / f"{code}.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"{path}: not readable JSON ({exc})") from None
    keys = set(INSTRUMENTS[code].item_keys)
    languages = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(languages, dict) or not languages:
        raise ImproperlyConfigured(f"{path}: needs a 'languages' object")
    for language, entry in languages.items():
        items = entry.get("items") if isinstance(entry, dict) else None
        if not isinstance(items, dict) or not all(isinstance(v, str) for v in items.values()):
            raise ImproperlyConfigured(f"{path}: languages.{language}.items must map items to text")
        missing = keys - set(items) - ({"vas"} if code == "EQ5D5L" else set())
        if missing:
            raise ImproperlyConfigured(
                f"{path}: languages.{language}.items lacks {', '.join(sorted(missing))}"
            )
    return data


def licensed_wording(code: str, language: str) -> Wording | None:
    """The licensed wording for an instrument in a language (else English), or None."""
    directory = settings.LINKWELL_LICENSED_WORDING_DIR
    if not directory or code not in INSTRUMENTS:
        return None
    data = _load(directory, code)
    if data is None:
        return None
    languages = data["languages"]
    chosen = language if language in languages else "en" if "en" in languages else None
    if chosen is None:
        return None
    entry = languages[chosen]
    return Wording(
        language=chosen,
        licence=str(data.get("licence", "")),
        items=dict(entry["items"]),
        intro=str(entry.get("intro", "")),
        choices={str(k): str(v) for k, v in (entry.get("choices") or {}).items()},
    )


def clear_cache() -> None:
    _load.cache_clear()
