import pytest

from linkwell.accounts.models import Organisation
from linkwell.cli import main
from linkwell.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_demo_without_serving_loads_the_demo_and_prints_the_sign_ins(capsys, settings):
    main(["demo", "--no-serve"])
    out = capsys.readouterr().out
    assert Referral.objects.count() >= 290
    assert "linkworker@example.org" in out
    assert "linkwell-demo-2026" in out


def test_demo_on_a_database_with_data_leaves_it_alone(capsys, practice):
    main(["demo", "--no-serve"])
    out = capsys.readouterr().out
    assert "not loaded again" in out
    assert Organisation.objects.count() == 1


def test_other_commands_go_to_django(capsys):
    main(["check"])
    assert "no issues" in capsys.readouterr().out
