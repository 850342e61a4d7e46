"""Fixtures for messaging tests, and a fake GOV.UK Notify: a real HTTP server on 127.0.0.1 speaking the v2 API's shape.

It checks the JWT the client signs, stores notifications by id and client reference, answers
GET /v2/notifications?reference=…, and can be told to fail the next requests with 400, 403,
429 or 500, or to hang past the client's timeout.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"linkwell_test-{SERVICE_ID}-{SECRET}"

ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
    500: ("Exception", "Internal server error"),
}


class FakeNotify:
    def __init__(self):
        self.notifications: dict[str, dict] = {}
        self.posts: list[dict] = []  # every accepted POST body, in order
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self.failures: list[int | str] = []  # queued behaviours: status code or "hang"
        self.hang_seconds = 3.0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeNotify:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, behaviour: int | str, times: int = 1) -> None:
        with self.lock:
            self.failures.extend([behaviour] * times)

    def sent_references(self) -> list[str]:
        return [body.get("reference") for body in self.posts]

    def _next_failure(self):
        with self.lock:
            return self.failures.pop(0) if self.failures else None

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _reply(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, error: str = "", message: str = ""):
                default = ERRORS.get(status, ("Exception", "Error"))
                self._reply(
                    status,
                    {
                        "status_code": status,
                        "errors": [
                            {"error": error or default[0], "message": message or default[1]}
                        ],
                    },
                )

            def _authorised(self) -> bool:
                header = self.headers.get("Authorization", "")
                if not header.startswith("Bearer "):
                    return False
                try:
                    claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"])
                except jwt.PyJWTError:
                    return False
                return claims.get("iss") == SERVICE_ID and abs(time.time() - claims["iat"]) < 30

            def _common(self) -> bool:
                fake.requests.append((self.command, self.path))
                failure = fake._next_failure()
                if failure == "hang":
                    time.sleep(fake.hang_seconds)
                    self._error(500)
                    return False
                if failure is not None:
                    self._error(int(failure))
                    return False
                if not self._authorised():
                    self._error(403, "AuthError", "Invalid token: signature, api token not found")
                    return False
                return True

            def do_GET(self):
                if not self._common():
                    return
                url = urlparse(self.path)
                if url.path != "/v2/notifications":
                    self._error(404, "NoResultFound", "No result found")
                    return
                reference = parse_qs(url.query).get("reference", [None])[0]
                found = [
                    n
                    for n in fake.notifications.values()
                    if reference is None or n["reference"] == reference
                ]
                self._reply(
                    200,
                    {
                        "notifications": found,
                        "links": {"current": f"{fake.url}/v2/notifications"},
                    },
                )

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self._common():
                    return
                kind = self.path.rsplit("/", 1)[-1]
                if self.path not in (
                    "/v2/notifications/sms",
                    "/v2/notifications/email",
                    "/v2/notifications/letter",
                ):
                    self._error(404, "NoResultFound", "No result found")
                    return
                personalisation = body.get("personalisation") or {}
                if kind == "sms" and not body.get("phone_number"):
                    self._error(400, "ValidationError", "phone_number is a required property")
                    return
                if kind == "email" and not body.get("email_address"):
                    self._error(400, "ValidationError", "email_address is a required property")
                    return
                if kind == "letter":
                    lines = [
                        personalisation.get(f"address_line_{i}")
                        for i in range(1, 8)
                        if personalisation.get(f"address_line_{i}")
                    ]
                    if len(lines) < 3:
                        self._error(400, "ValidationError", "Address must be at least 3 lines")
                        return
                notification_id = str(uuid.uuid4())
                fake.posts.append({"type": kind, **body})
                fake.notifications[notification_id] = {
                    "id": notification_id,
                    "reference": body.get("reference"),
                    "type": kind,
                    "status": "created" if kind != "letter" else "accepted",
                    "template": {"id": body.get("template_id"), "version": 1},
                    "body": personalisation.get("body", ""),
                }
                self._reply(
                    201,
                    {
                        "id": notification_id,
                        "reference": body.get("reference"),
                        "content": {"body": personalisation.get("body", "")},
                        "uri": f"{fake.url}/v2/notifications/{notification_id}",
                        "template": {"id": body.get("template_id"), "version": 1},
                    },
                )

        return Handler


# --- fixtures ---------------------------------------------------------------------------------

import pytest  # noqa: E402

TEMPLATES = {
    "sms": "f33517ff-2a88-4f6e-b855-c550268ce08a",
    "email": "2d7e6a4c-6b0f-4d39-9e4e-62a4e1c1c0a1",
    "letter": "8b3a1f2e-0d55-4b7d-8d36-6c1a7b5d9e10",
    "letter_large_print": "1c9e2b7a-4f3d-4b8e-9a61-2e5d7c8b9f00",
}


@pytest.fixture
def fake_notify():
    server = FakeNotify().start()
    yield server
    server.stop()


@pytest.fixture
def notify(settings, fake_notify):
    """Settings that send through the fake Notify, retrying at once, with no quiet hours."""
    settings.LINKWELL_MESSAGING_CHANNEL = "notify"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = fake_notify.url
    settings.NOTIFY_TIMEOUT_SECONDS = 1
    settings.LINKWELL_NOTIFY_TEMPLATES = TEMPLATES
    settings.LINKWELL_MESSAGING_RETRY_SECONDS = 0
    settings.LINKWELL_MESSAGING_MAX_ATTEMPTS = 8
    settings.LINKWELL_QUIET_HOURS = None
    return fake_notify


@pytest.fixture
def console(settings, tmp_path):
    settings.LINKWELL_MESSAGING_CHANNEL = "console"
    settings.DATA_DIR = tmp_path
    settings.LINKWELL_QUIET_HOURS = None
    return tmp_path / "outbox"
