"""The noticeboard over the API: same rules as the pages."""

import pytest

from linkwell.messaging.models import StaffNotification
from linkwell.noticeboard.models import Post


def test_list_and_filter_posts(api_as, post):
    response = api_as("link_worker").get("/api/v1/noticeboard/posts?area=SR2&topic=new_group")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["id"] == post.pk and item["reply_count"] == 0
    assert item["author"] == {"name": "Pat Provider", "organisation": "Hendon Community Garden"}
    response = api_as("link_worker").get("/api/v1/noticeboard/posts?area=SR5&topic=events")
    assert response.json()["results"] == []
    response = api_as("link_worker").get("/api/v1/noticeboard/posts?area=%3F%3F&topic=x")
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"topic"}


def test_create_a_post_and_reply(api_as, provider):
    response = api_as("referrer").post(
        "/api/v1/noticeboard/posts",
        {"topic": "shared_materials", "area": "", "title": "Leaflets", "body": "In 5 languages"},
        format="json",
    )
    assert response.status_code == 201
    post_id = response.json()["id"]
    response = api_as("provider").post(
        f"/api/v1/noticeboard/posts/{post_id}/replies", {"body": "Thanks!"}, format="json"
    )
    assert response.status_code == 201
    assert [r["body"] for r in response.json()["replies"]] == ["Thanks!"]
    assert StaffNotification.objects.filter(kind="noticeboard_reply").count() == 1


def test_bad_input_is_field_errors(api_as, post):
    response = api_as("provider").post(
        "/api/v1/noticeboard/posts", {"topic": "x", "title": "", "body": ""}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"topic", "title", "body"}
    response = api_as("provider").post(
        f"/api/v1/noticeboard/posts/{post.pk}/replies", {"body": " "}, format="json"
    )
    assert response.status_code == 400 and "body" in response.json()["errors"]
    assert Post.objects.count() == 1


@pytest.mark.parametrize("who", ["commissioner", "editor", "nobody", "hospital_referrer"])
def test_other_roles_get_403(api_as, post, who):
    client = api_as(who)
    assert client.get("/api/v1/noticeboard/posts").status_code == 403
    assert (
        client.post(
            f"/api/v1/noticeboard/posts/{post.pk}/replies", {"body": "hi"}, format="json"
        ).status_code
        == 403
    )


def test_a_deleted_or_missing_post_is_404(api_as, post, provider):
    from linkwell.noticeboard.services import post_delete

    post_delete(actor=provider, post_id=post.pk)
    assert api_as("link_worker").get(f"/api/v1/noticeboard/posts/{post.pk}").status_code == 404
    response = api_as("link_worker").post(
        f"/api/v1/noticeboard/posts/{post.pk}/replies", {"body": "hi"}, format="json"
    )
    assert response.status_code == 404
