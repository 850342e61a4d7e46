"""This app's routes under /api/v1/ (spliced into linkwell.api.urls, namespace "api")."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("noticeboard/posts", api.PostListView.as_view(), name="noticeboard-post-list"),
    path(
        "noticeboard/posts/<int:post_id>",
        api.PostDetailView.as_view(),
        name="noticeboard-post-detail",
    ),
    path(
        "noticeboard/posts/<int:post_id>/replies",
        api.ReplyCreateView.as_view(),
        name="noticeboard-replies",
    ),
]
