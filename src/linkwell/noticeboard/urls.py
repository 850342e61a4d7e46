from django.urls import path

from . import views

app_name = "noticeboard"
urlpatterns = [
    path("", views.post_list, name="list"),
    path("new/", views.post_new, name="new"),
    path("<int:pk>/", views.post_detail, name="post"),
    path("<int:pk>/replies/", views.reply_add, name="reply"),
    path("<int:pk>/edit/", views.post_edit, name="edit"),
    path("<int:pk>/delete/", views.post_delete, name="delete"),
    path("replies/<int:pk>/delete/", views.reply_delete, name="reply_delete"),
]
