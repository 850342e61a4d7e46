"""Signing in with an email address, lockout after repeated failures, signing out, password reset."""

import re

import axes.utils
import pytest
from django.core import mail
from django.urls import reverse

from cast import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_lockouts_carried_over(db):
    axes.utils.reset()
    yield
    axes.utils.reset()


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password, **extra}
    )


def test_the_sign_in_page_asks_for_email_and_password(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'autocomplete="email"' in page
    assert 'autocomplete="current-password"' in page
    assert "Forgotten your password?" in page
    assert reverse("accounts:password_reset") in page


def test_it_signs_in_with_an_email_address(client, link_worker):
    response = sign_in(client, "linkworker@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert client.session["_auth_user_id"] == str(link_worker.pk)


def test_the_email_address_is_not_case_sensitive(client, link_worker):
    response = sign_in(client, "LinkWorker@Example.org")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(link_worker.pk)


def test_it_returns_to_the_page_asked_for(client, link_worker):
    response = sign_in(client, "linkworker@example.org", next="/referrals/")
    assert response["Location"] == "/referrals/"


def test_it_never_redirects_off_site(client, link_worker):
    response = sign_in(client, "linkworker@example.org", next="https://evil.example.com/")
    assert response["Location"] == reverse("web:dashboard")


def test_a_wrong_password_shows_an_error(client, link_worker):
    response = sign_in(client, "linkworker@example.org", "not-the-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert "_auth_user_id" not in client.session


def test_a_missing_email_shows_an_error_on_the_field(client, db):
    page = sign_in(client, "", "x").content.decode()
    assert 'href="#id_username"' in page


def test_it_locks_out_after_five_failures(client, link_worker):
    for _ in range(4):
        assert sign_in(client, "linkworker@example.org", "wrong").status_code == 200
    locked = sign_in(client, "linkworker@example.org", "wrong")
    assert locked.status_code == 429
    # Even the right password is refused while locked out.
    response = sign_in(client, "linkworker@example.org")
    assert response.status_code == 429
    page = response.content.decode()
    assert "You cannot sign in at the moment" in page
    assert "Try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_a_lockout_ends_when_reset(client, link_worker):
    for _ in range(5):
        sign_in(client, "linkworker@example.org", "wrong")
    axes.utils.reset()
    assert sign_in(client, "linkworker@example.org").status_code == 302


def test_signing_out_needs_a_post(client, link_worker):
    client.force_login(link_worker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert "_auth_user_id" not in client.session


def test_the_sign_out_button_is_a_form(client, link_worker):
    client.force_login(link_worker)
    page = client.get(reverse("web:home")).content.decode()
    assert re.search(r'<form[^>]+action="/accounts/sign-out/"[^>]+method="post"', page)


def test_a_password_can_be_reset_by_email(client, link_worker):
    page = client.get(reverse("accounts:password_reset")).content.decode()
    assert 'autocomplete="email"' in page
    response = client.post(reverse("accounts:password_reset"), {"email": "linkworker@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "\n" not in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    new = "a new and long enough passphrase"
    response = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert "Your password has been changed" in client.get(response["Location"]).content.decode()
    link_worker.refresh_from_db()
    assert link_worker.check_password(new)


def test_a_reset_for_an_unknown_email_looks_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.example"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 0


def test_a_used_reset_link_says_it_has_expired(client, db):
    page = client.get("/accounts/password-reset/MQ/bad-token/").content.decode()
    assert "This link has expired" in page


def test_mismatched_new_passwords_show_the_error_summary(client, link_worker):
    client.post(reverse("accounts:password_reset"), {"email": "linkworker@example.org"})
    link = re.search(r"(/accounts/password-reset/\S+)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "first long passphrase", "new_password2": "second one"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
