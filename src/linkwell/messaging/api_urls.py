"""This app's routes under /api/v1/ (spliced into linkwell.api.urls, namespace "api")."""

from django.urls import path

from . import api

urlpatterns: list = [
    path(
        "people/<int:person_id>/messages",
        api.PersonMessageListView.as_view(),
        name="person-messages",
    ),
    path("messages/failed", api.FailedMessageListView.as_view(), name="messages-failed"),
    path("messages/<int:message_id>/retry", api.MessageRetryView.as_view(), name="message-retry"),
    path("notifications", api.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/<int:notification_id>/read",
        api.NotificationReadView.as_view(),
        name="notification-read",
    ),
]
