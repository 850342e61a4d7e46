import pytest
from django.core.exceptions import ImproperlyConfigured

from linkwell import settings as lw


def test_it_parses_booleans_strictly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert lw.env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert lw.env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        lw.env_bool("X_FLAG", False)


def test_it_parses_integers_strictly(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert lw.env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "12.5")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        lw.env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        lw.env_int("X_NUM", 5, minimum=1)


def test_it_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("X_UNSET", raising=False)
    assert lw.env_int("X_UNSET", 7) == 7
    assert lw.env_list("X_UNSET", ["a"]) == ["a"]


def test_it_splits_lists_on_commas(monkeypatch):
    monkeypatch.setenv("X_LIST", " a.example , b.example,, ")
    assert lw.env_list("X_LIST", []) == ["a.example", "b.example"]


def test_it_rejects_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        lw._secret_key()


def test_it_rejects_an_unknown_choice(monkeypatch):
    monkeypatch.setenv("X_CHOICE", "c")
    with pytest.raises(ImproperlyConfigured):
        lw.env_choice("X_CHOICE", "a", {"a", "b"})


def test_passwords_are_hashed_with_argon2_in_the_product():
    assert lw.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
