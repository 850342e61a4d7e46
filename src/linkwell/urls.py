from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView

admin.site.site_header = f"{settings.LINKWELL_SERVICE_NAME} administration"
admin.site.site_title = settings.LINKWELL_SERVICE_NAME

urlpatterns = [
    path("", include("linkwell.web.urls")),
    path("accounts/", include("linkwell.accounts.urls")),
    path("self-referral/", include("linkwell.referrals.self_referral_urls")),
    path("referrals/", include("linkwell.referrals.urls")),
    path("people/", include("linkwell.people.urls")),
    path("directory/", include("linkwell.directory.urls")),
    path("services/", include("linkwell.directory.public_urls")),
    path("outcomes/", include("linkwell.outcomes.urls")),
    path("casework/", include("linkwell.casework.urls")),
    path("groups/", include("linkwell.groups.urls")),
    path("q/", include("linkwell.outcomes.public_urls")),
    path("f/", include("linkwell.groups.public_feedback_urls")),
    path("messaging/", include("linkwell.messaging.urls")),
    path("noticeboard/", include("linkwell.noticeboard.urls")),
    path("reports/", include("linkwell.reports.urls")),
    path("oruk/", include("linkwell.directory.oruk_urls")),
    path("api/v1/", include("linkwell.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("i18n/setlanguage/", set_language, name="set_language"),
    path("i18n/catalog/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
