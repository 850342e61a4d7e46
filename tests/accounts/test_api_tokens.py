import pytest

from linkwell.accounts.models import ApiToken
from linkwell.cli import main

pytestmark = pytest.mark.django_db


def test_the_token_command_prints_a_token_and_stores_only_its_hash(referrer, capsys):
    main(["token", "create", "referrer@example.org"])
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("lw_")
    token = ApiToken.objects.get(user=referrer)
    assert token.key_hash == ApiToken.hash(raw)
    assert raw not in token.key_hash


def test_the_token_command_refuses_an_unknown_user(db):
    with pytest.raises(SystemExit) as exc:
        main(["token", "create", "nobody-here@example.org"])
    assert exc.value.code == 2


def test_a_second_token_does_not_revoke_the_first(referrer, capsys):
    main(["token", "create", "referrer@example.org"])
    main(["token", "create", "referrer@example.org"])
    assert ApiToken.objects.filter(user=referrer, revoked_at__isnull=True).count() == 2
