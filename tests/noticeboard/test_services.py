"""Noticeboard rules: who takes part, what a post needs, soft delete, reply notifications."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from linkwell.messaging.models import StaffNotification
from linkwell.noticeboard import selectors, services
from linkwell.noticeboard.models import Post, Reply


@pytest.mark.parametrize("who", ["provider", "link_worker", "lead", "referrer"])
def test_facilitators_link_workers_and_gp_staff_take_part(request, who):
    user = request.getfixturevalue(who)
    assert selectors.may_use_noticeboard(user)
    post = services.post_create(
        actor=user, topic="events", area="", title="Coffee morning", body="Friday 10am."
    )
    assert post.author == user and post.author_organisation is not None


@pytest.mark.parametrize("who", ["commissioner", "editor", "nobody", "hospital_referrer"])
def test_others_do_not(request, who, post):
    user = request.getfixturevalue(who)
    assert not selectors.may_use_noticeboard(user)
    with pytest.raises(PermissionDenied):
        services.post_create(actor=user, topic="events", area="", title="x", body="y")
    with pytest.raises(PermissionDenied):
        services.reply_create(actor=user, post_id=post.pk, body="hello")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"topic": "gossip"}, "topic"),
        ({"area": "not an area"}, "area"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 4001}, "body"),
    ],
)
def test_bad_posts_are_refused_with_field_messages(provider, values, field):
    data = {"topic": "events", "area": "SR2", "title": "A title", "body": "A body"} | values
    with pytest.raises(ValidationError) as exc:
        services.post_create(actor=provider, **data)
    assert field in exc.value.message_dict
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("raw", "district"),
    [("", ""), ("sr2", "SR2"), (" SR2 8AA ", "SR2"), ("ne1", "NE1"), ("DH1 1AB", "DH1")],
)
def test_areas_are_postcode_districts(raw, district):
    assert services.area_clean(raw) == district


@given(st.text(max_size=12))
def test_area_clean_gives_a_district_or_refuses(raw):
    try:
        area = services.area_clean(raw)
    except ValueError:
        return
    assert area == "" or (2 <= len(area) <= 4 and area == area.upper() and " " not in area)


def test_only_the_author_edits_or_deletes(post, provider, link_worker):
    with pytest.raises(PermissionDenied):
        services.post_update(
            actor=link_worker, post_id=post.pk, topic="other", area="", title="Mine", body="x"
        )
    with pytest.raises(PermissionDenied):
        services.post_delete(actor=link_worker, post_id=post.pk)
    services.post_update(
        actor=provider, post_id=post.pk, topic="events", area="SR3", title="Changed", body="New"
    )
    post.refresh_from_db()
    assert (post.title, post.area, post.topic) == ("Changed", "SR3", "events")
    assert post.edited_at is not None


def test_deleting_is_soft_and_hides_the_post(post, provider, link_worker):
    services.post_delete(actor=provider, post_id=post.pk)
    assert Post.objects.filter(pk=post.pk, deleted_at__isnull=False).exists()
    assert not selectors.post_list().exists()
    with pytest.raises(Http404):
        selectors.post_get(post.pk)
    with pytest.raises(Http404):
        services.reply_create(actor=link_worker, post_id=post.pk, body="Too late")


def test_a_reply_tells_the_author_and_earlier_repliers_but_not_the_replier(
    post, provider, link_worker, lead, referrer
):
    services.reply_create(actor=link_worker, post_id=post.pk, body="Great - I'll tell my team.")
    assert list(StaffNotification.objects.values_list("user", "kind")) == [
        (provider.pk, "noticeboard_reply")
    ]
    StaffNotification.objects.all().delete()
    services.reply_create(actor=lead, post_id=post.pk, body="Can we visit?")
    assert set(StaffNotification.objects.values_list("user", flat=True)) == {
        provider.pk,
        link_worker.pk,
    }
    StaffNotification.objects.all().delete()
    services.reply_create(actor=provider, post_id=post.pk, body="Yes, any Tuesday.")
    assert set(StaffNotification.objects.values_list("user", flat=True)) == {
        link_worker.pk,
        lead.pk,
    }
    note = StaffNotification.objects.first()
    # The notification quotes nothing that was written.
    assert "Tuesday" not in note.title and "Tuesday" not in note.body
    assert note.url.startswith(f"/noticeboard/{post.pk}/")


def test_an_empty_reply_is_refused_and_nothing_is_sent(post, link_worker):
    with pytest.raises(ValidationError) as exc:
        services.reply_create(actor=link_worker, post_id=post.pk, body="   ")
    assert "body" in exc.value.message_dict
    assert not Reply.objects.exists() and not StaffNotification.objects.exists()


def test_filtering_by_area_includes_all_area_posts(provider):
    sr2 = services.post_create(actor=provider, topic="events", area="SR2", title="a", body="b")
    everywhere = services.post_create(actor=provider, topic="other", area="", title="a", body="b")
    services.post_create(actor=provider, topic="events", area="SR5", title="a", body="b")
    assert set(selectors.post_list(area="SR2")) == {sr2, everywhere}
    assert set(selectors.post_list(area="SR2", topic="events")) == {sr2}
