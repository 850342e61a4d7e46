from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("due/", views.due_list, name="due"),
    path("referrals/<int:pk>/", views.referral_outcomes, name="referral"),
    path("referrals/<int:pk>/record/<str:code>/", views.measurement_create, name="record"),
    path("referrals/<int:pk>/links/", views.link_create, name="link-create"),
]
