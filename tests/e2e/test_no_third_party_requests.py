"""Public pages make no request to any other host: people wary of data sharing are not
announced to third parties, and the strict content security policy has nothing to block."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/", "/services/", "/self-referral/", "/accounts/sign-in/"])
def test_a_public_page_asks_nothing_of_another_host(phone_page, path):
    page = phone_page
    own_host = urlsplit(page.base_url).netloc
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if urlsplit(request.url).netloc not in (own_host, "")
            else None
        ),
    )
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")
    # The page really was styled by nhsuk-frontend (whose font faces point off-site).
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(216, 221, 224)"
    assert elsewhere == []
