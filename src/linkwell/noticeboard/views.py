"""Noticeboard pages. Views parse, call one selector or service, and render; every form is a
plain POST that works without JavaScript."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwell.directory.forms import add_service_errors

from . import selectors, services
from .forms import NO_PERSONAL_DATA, FilterForm, PostForm, ReplyForm
from .models import Topic

PAGE_SIZE = 20


def member_required(view):
    """Signed in (else to sign-in) and one of the noticeboard's roles (else 403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.may_use_noticeboard(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@member_required
@require_GET
def post_list(request):
    form = FilterForm(request.GET or None)
    area, topic = "", ""
    if form.is_bound and form.is_valid():
        try:
            area = services.area_clean(form.cleaned_data["area"])
        except ValueError:
            form.add_error(
                "area", _("Enter a postcode district like SR2, or leave it empty for all areas.")
            )
        topic = form.cleaned_data["topic"] or ""
    page = Paginator(selectors.post_list(area=area, topic=topic), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "noticeboard/list.html",
        {"form": form, "page_obj": page, "posts": page.object_list, "area": area},
    )


@member_required
@require_http_methods(["GET", "POST"])
def post_new(request):
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():
            try:
                post = services.post_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your post is on the noticeboard."))
                return redirect("noticeboard:post", pk=post.pk)
        status = 400
    else:
        form = PostForm(initial={"topic": request.GET.get("topic", "")})
        status = 200
    return render(
        request,
        "noticeboard/post_form.html",
        {"form": form, "post": None, "reminder": NO_PERSONAL_DATA},
        status=status,
    )


@member_required
@require_GET
def post_detail(request, pk):
    post = selectors.post_get(pk)
    return render(
        request,
        "noticeboard/post.html",
        {
            "post": post,
            "replies": selectors.post_replies(post),
            "form": ReplyForm(),
            "topic_label": Topic(post.topic).label,
        },
    )


@member_required
@require_POST
def reply_add(request, pk):
    post = selectors.post_get(pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reply = services.reply_create(
                actor=request.user, post_id=post.pk, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Reply posted."))
            return redirect(reverse("noticeboard:post", args=[post.pk]) + f"#reply-{reply.pk}")
    return render(
        request,
        "noticeboard/post.html",
        {
            "post": post,
            "replies": selectors.post_replies(post),
            "form": form,
            "topic_label": Topic(post.topic).label,
        },
        status=400,
    )


@member_required
@require_http_methods(["GET", "POST"])
def post_edit(request, pk):
    post = selectors.post_get(pk)
    if post.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():
            try:
                services.post_update(actor=request.user, post_id=post.pk, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Post changed."))
                return redirect("noticeboard:post", pk=post.pk)
        status = 400
    else:
        form = PostForm(
            initial={"topic": post.topic, "area": post.area, "title": post.title, "body": post.body}
        )
        status = 200
    return render(
        request,
        "noticeboard/post_form.html",
        {"form": form, "post": post, "reminder": NO_PERSONAL_DATA},
        status=status,
    )


@member_required
@require_http_methods(["GET", "POST"])
def post_delete(request, pk):
    post = selectors.post_get(pk)
    if post.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        services.post_delete(actor=request.user, post_id=post.pk)
        messages.success(request, _("Post deleted."))
        return redirect("noticeboard:list")
    return render(request, "noticeboard/post_delete.html", {"post": post})


@member_required
@require_POST
def reply_delete(request, pk):
    reply = services.reply_delete(actor=request.user, reply_id=pk)
    messages.success(request, _("Reply deleted."))
    return redirect("noticeboard:post", pk=reply.post_id)
