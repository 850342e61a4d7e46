"""Noticeboard pages: access, filters, pagination, posting, replying, editing, deleting."""

import pytest

from linkwell.noticeboard import services
from linkwell.noticeboard.models import Post, Reply


def test_the_list_shows_posts_and_the_reminder_on_the_form(client, post, link_worker):
    client.force_login(link_worker)
    response = client.get("/noticeboard/")
    assert response.status_code == 200
    assert post.title in response.content.decode()
    response = client.get("/noticeboard/new/")
    assert "anything about the people you support" in response.content.decode()


@pytest.mark.parametrize("who", ["commissioner", "editor", "nobody", "hospital_referrer"])
def test_other_roles_get_403(client, request, post, who):
    client.force_login(request.getfixturevalue(who))
    for url in ("/noticeboard/", "/noticeboard/new/", f"/noticeboard/{post.pk}/"):
        assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, post):
    response = client.get(f"/noticeboard/{post.pk}/")
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_list_filters_by_area_and_topic(client, provider, link_worker):
    services.post_create(actor=provider, topic="events", area="SR2", title="Hendon fair", body="b")
    services.post_create(actor=provider, topic="other", area="", title="For everyone", body="b")
    services.post_create(actor=provider, topic="events", area="SR5", title="Southwick", body="b")
    client.force_login(link_worker)
    body = client.get("/noticeboard/?area=sr2+8aa&topic=").content.decode()
    assert "Hendon fair" in body and "For everyone" in body and "Southwick" not in body
    body = client.get("/noticeboard/?area=&topic=events").content.decode()
    assert "Hendon fair" in body and "Southwick" in body and "For everyone" not in body
    response = client.get("/noticeboard/?area=nowhere!")
    assert "Enter a postcode district like SR2" in response.content.decode()


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    client, provider, link_worker, django_assert_max_num_queries
):
    for i in range(45):
        services.post_create(actor=provider, topic="events", area="", title=f"Post {i}", body="b")
    client.force_login(link_worker)
    with django_assert_max_num_queries(12):
        response = client.get("/noticeboard/")
    assert response.content.decode().count('class="nhsuk-card__link"') == 20
    response = client.get("/noticeboard/?page=3")
    assert response.content.decode().count('class="nhsuk-card__link"') == 5


def test_posting_with_errors_shows_them_and_saves_nothing(client, referrer):
    client.force_login(referrer)
    response = client.post("/noticeboard/new/", {"topic": "", "title": "", "body": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Enter a title." in body
    assert not Post.objects.exists()
    response = client.post(
        "/noticeboard/new/",
        {"topic": "ask_for_help", "area": "sr4", "title": "Arabic speakers?", "body": "Any?"},
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/noticeboard/{post.pk}/"
    assert post.area == "SR4" and post.author == referrer


def test_replying_from_the_post_page(client, post, link_worker):
    client.force_login(link_worker)
    response = client.post(f"/noticeboard/{post.pk}/replies/", {"body": ""})
    assert response.status_code == 400 and not Reply.objects.exists()
    response = client.post(f"/noticeboard/{post.pk}/replies/", {"body": "Sounds good"})
    reply = Reply.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/noticeboard/{post.pk}/#reply-{reply.pk}"
    assert "Sounds good" in client.get(f"/noticeboard/{post.pk}/").content.decode()


def test_only_the_author_edits_and_deletes_a_post(client, post, provider, link_worker):
    client.force_login(link_worker)
    assert client.get(f"/noticeboard/{post.pk}/edit/").status_code == 403
    assert client.post(f"/noticeboard/{post.pk}/delete/").status_code == 403
    client.force_login(provider)
    response = client.post(
        f"/noticeboard/{post.pk}/edit/",
        {"topic": "events", "area": "", "title": "Changed title", "body": "New body"},
    )
    assert response.status_code == 302
    assert client.get(f"/noticeboard/{post.pk}/delete/").status_code == 200
    assert client.post(f"/noticeboard/{post.pk}/delete/").status_code == 302
    assert client.get(f"/noticeboard/{post.pk}/").status_code == 404
    assert "Changed title" not in client.get("/noticeboard/").content.decode()


def test_deleting_your_own_reply(client, post, link_worker, lead):
    reply = services.reply_create(actor=link_worker, post_id=post.pk, body="Oops")
    client.force_login(lead)
    assert client.post(f"/noticeboard/replies/{reply.pk}/delete/").status_code == 403
    client.force_login(link_worker)
    assert client.post(f"/noticeboard/replies/{reply.pk}/delete/").status_code == 302
    assert "Oops" not in client.get(f"/noticeboard/{post.pk}/").content.decode()


def test_the_nav_shows_the_noticeboard_to_members_only(client, link_worker, commissioner):
    client.force_login(link_worker)
    assert 'href="/noticeboard/"' in client.get("/noticeboard/").content.decode()
    client.force_login(commissioner)
    assert 'href="/noticeboard/"' not in client.get("/").content.decode()
