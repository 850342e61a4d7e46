"""Keep self-completion tokens out of every log.

A questionnaire link ``/q/<token>/`` is a bearer credential: anyone holding it can answer as
the person until it is used or expires. The token must therefore never reach a log file:

- ``TokenRedactingFilter`` (a ``logging.Filter``) is attached to Linkwell's console handler
  in ``settings.LOGGING``, so Django's own request warnings ("Gone: /q/…/", "Bad Request:
  …"), the development server's request lines and anything else logged through Python
  logging show ``/q/[redacted]/``.
- ``RedactingGunicornLogger`` is gunicorn's ``--logger-class`` for ``linkwell serve``: it
  redacts the access-log atoms (path, request line, referer, headers, environ) and filters
  gunicorn's error log ("Error handling request /q/…").

Pure apart from the gunicorn import, which happens only when gunicorn loads the class.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_TOKEN_PATH = re.compile(r"(/q/)[^/\s?#\"'<>]+")


def redact(text: str) -> str:
    """``/q/<token>`` → ``/q/[redacted]`` wherever it appears in ``text``."""
    if "/q/" not in text:
        return text
    return _TOKEN_PATH.sub(r"\g<1>" + REDACTED, text)


class TokenRedactingFilter(logging.Filter):
    """Rewrites a record's message (with its arguments merged in) when it holds a token path."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's problem, not ours
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


try:  # gunicorn is a runtime dependency, but keep this module importable without it.
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None


if _GunicornLogger is not None:

    class RedactingGunicornLogger(_GunicornLogger):
        """gunicorn's logger with self-completion tokens removed from access and error logs."""

        def setup(self, cfg) -> None:
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                if not any(isinstance(f, TokenRedactingFilter) for f in log.filters):
                    log.addFilter(TokenRedactingFilter())

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            return {key: _redact_value(value) for key, value in atoms.items()}
