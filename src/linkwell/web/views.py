from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from linkwell.accounts import permissions
from linkwell.accounts.models import LINK_WORKER_ROLES, Role


@require_GET
def home(request):
    return render(request, "web/home.html")


@login_required
def dashboard(request):
    """Send each person to the page they start their day on."""
    roles = permissions.roles(request.user)
    if roles & LINK_WORKER_ROLES:
        return redirect("referrals:inbox")
    if Role.REFERRER in roles:
        return redirect("referrals:list")
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "web/dashboard.html", {"roles": roles})


@require_GET
def privacy(request):
    return render(request, "web/privacy.html")


@require_GET
def accessibility(request):
    return render(request, "web/accessibility.html")


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
