"""A questionnaire token never reaches a log: Django's request warnings, gunicorn's access and
error logs (the ones `linkwell serve` writes) all show /q/[redacted]/."""

import datetime
import io
import logging
import types

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from linkwell.outcomes.log_redaction import (
    RedactingGunicornLogger,
    TokenRedactingFilter,
    redact,
)

TOKEN = "Zx9-secret_TOKEN_abcdefghijklmnop"


def test_redact_masks_the_token_and_nothing_else():
    assert redact(f"GET /q/{TOKEN}/ 410") == "GET /q/[redacted]/ 410"
    assert redact(f"https://x.example/q/{TOKEN}/?a=1") == "https://x.example/q/[redacted]/?a=1"
    assert redact("GET /outcomes/due/ 200") == "GET /outcomes/due/ 200"


@given(st.text(alphabet=st.characters(categories=["L", "N"]) | st.sampled_from("-_"), min_size=1))
def test_no_token_survives_redaction(token):
    assert token not in redact(f"/q/{token}/").replace("[redacted]", "")


def test_the_console_handler_carries_the_filter():
    console = settings.LOGGING["handlers"]["console"]
    assert "redact_links" in console["filters"]
    assert settings.LOGGING["filters"]["redact_links"]["()"].endswith("TokenRedactingFilter")


def _console_handler():
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, TokenRedactingFilter) for f in handler.filters):
            return handler
    raise AssertionError("no console handler with the redacting filter")


@pytest.mark.django_db
def test_djangos_warning_for_an_unusable_link_does_not_log_the_token(client):
    handler = _console_handler()
    stream = io.StringIO()
    # Swap the stream directly: setStream() would flush the old one, which pytest's output
    # capture may already have closed when tests share a worker.
    old, handler.stream = handler.stream, stream
    try:
        response = client.get(reverse("outcomes_public:complete", args=[TOKEN]))
    finally:
        handler.stream = old
    assert response.status_code == 410
    logged = stream.getvalue()
    assert "/q/[redacted]/" in logged  # Django's "Gone: /q/…/" warning went through
    assert TOKEN not in logged


def _gunicorn_logger(stream):
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(t)s "%(m)s %(U)s" %(s)s %(L)ss %(r)s %(f)s')
    logger = RedactingGunicornLogger(cfg)
    for log in (logger.access_log, logger.error_log):
        for handler in log.handlers:
            handler.stream = stream  # no flush of a possibly closed stream
    return logger


def test_gunicorns_access_and_error_logs_do_not_carry_the_token():
    stream = io.StringIO()
    logger = _gunicorn_logger(stream)
    path = f"/q/{TOKEN}/"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"http://localhost{path}",
        "REMOTE_ADDR": "127.0.0.1",
    }
    resp = types.SimpleNamespace(status="200 OK", sent=10, headers=[])
    req = types.SimpleNamespace(headers=[("REFERER", f"http://localhost{path}")])
    logger.access(resp, req, environ, datetime.timedelta(milliseconds=5))
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("Error handling request %s", path)
    logged = stream.getvalue()
    assert "GET /q/[redacted]/" in logged and "Error handling request /q/[redacted]/" in logged
    assert TOKEN not in logged


def test_linkwell_serve_runs_gunicorn_with_the_redacting_logger(monkeypatch):
    from linkwell import cli

    captured = {}
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    monkeypatch.setattr(cli.os, "execv", lambda exe, args: captured.setdefault("args", args))
    cli._serve(8999, "127.0.0.1", 1)
    args = captured["args"]
    assert args[args.index("--logger-class") + 1] == (
        "linkwell.outcomes.log_redaction.RedactingGunicornLogger"
    )
