from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("people/<int:person_id>/", views.person_messages, name="person"),
    path("failed/", views.failed, name="failed"),
    path("<int:message_id>/retry/", views.retry, name="retry"),
    path("calls/", views.calls, name="calls"),
    path("templates/", views.template_list, name="templates"),
    path("calls/<int:task_id>/", views.call_record, name="call_record"),
    path("notify/callback", views.notify_callback, name="notify_callback"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
]
