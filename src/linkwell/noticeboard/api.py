"""The noticeboard over the API, with the same rules as the pages.

GET  /api/v1/noticeboard/posts                 filters: area (district or postcode), topic
POST /api/v1/noticeboard/posts                 {"topic", "area", "title", "body"}
GET  /api/v1/noticeboard/posts/{id}            with its replies
POST /api/v1/noticeboard/posts/{id}/replies    {"body"}
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.api.errors import error_responses

from . import selectors, services
from .models import MAX_BODY, MAX_REPLY, MAX_TITLE, Topic


def _require_member(user) -> None:
    if not selectors.may_use_noticeboard(user):
        raise exceptions.PermissionDenied


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField(source="author.full_name")
    organisation = serializers.CharField(source="author_organisation.name", default=None)


class ReplySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    author = AuthorSerializer(source="*")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    topic = serializers.ChoiceField(choices=Topic.choices)
    area = serializers.CharField(help_text="Postcode district; empty for all areas.")
    title = serializers.CharField()
    body = serializers.CharField()
    author = AuthorSerializer(source="*")
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    reply_count = serializers.IntegerField()


class PostDetailSerializer(PostSerializer):
    replies = ReplySerializer(many=True, source="reply_list")
    reply_count = serializers.SerializerMethodField()

    def get_reply_count(self, post) -> int:
        return len(post.reply_list)


class PostCreateSerializer(serializers.Serializer):
    topic = serializers.CharField(help_text=", ".join(Topic.values))
    area = serializers.CharField(required=False, allow_blank=True, default="", max_length=8)
    title = serializers.CharField(allow_blank=True, max_length=MAX_TITLE)
    body = serializers.CharField(allow_blank=True, max_length=MAX_BODY)


class ReplyCreateSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, max_length=MAX_REPLY)


class _ListParams(serializers.Serializer):
    area = serializers.CharField(required=False, allow_blank=True, max_length=8)
    topic = serializers.ChoiceField(choices=Topic.choices, required=False, allow_blank=True)


def _detail(post_id, *, code=status.HTTP_200_OK) -> Response:
    post = selectors.post_get(post_id)
    post.reply_list = selectors.post_replies(post)
    return Response(PostDetailSerializer(post).data, status=code)


class PostListView(GenericAPIView):
    serializer_class = PostSerializer

    @extend_schema(
        operation_id="noticeboard_posts_list",
        tags=["noticeboard"],
        summary="Noticeboard posts, newest first",
        parameters=[
            OpenApiParameter(
                "area", OpenApiTypes.STR, description="District (SR2); all-area posts included."
            ),
            OpenApiParameter("topic", OpenApiTypes.STR, enum=Topic.values),
        ],
        responses={200: PostSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        _require_member(request.user)
        params = _ListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            area = services.area_clean(params.validated_data.get("area", ""))
        except ValueError:
            raise ValidationError(
                {"area": _("Enter a postcode district like SR2, or leave it empty for all areas.")}
            ) from None
        posts = selectors.post_list(area=area, topic=params.validated_data.get("topic") or "")
        page = self.paginate_queryset(posts)
        return self.get_paginated_response(PostSerializer(page, many=True).data)

    @extend_schema(
        operation_id="noticeboard_posts_create",
        tags=["noticeboard"],
        summary="Write a post (never about the people you support)",
        request=PostCreateSerializer,
        responses={201: PostDetailSerializer, **error_responses(400, 401, 403, 413, 415)},
    )
    def post(self, request):
        _require_member(request.user)
        body = PostCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        post = services.post_create(actor=request.user, **body.validated_data)
        return _detail(post.pk, code=status.HTTP_201_CREATED)


class PostDetailView(APIView):
    @extend_schema(
        operation_id="noticeboard_posts_retrieve",
        tags=["noticeboard"],
        summary="A post with its replies",
        responses={200: PostDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, post_id: int):
        _require_member(request.user)
        return _detail(post_id)


class ReplyCreateView(APIView):
    @extend_schema(
        operation_id="noticeboard_replies_create",
        tags=["noticeboard"],
        summary="Reply to a post; its author and earlier repliers are told by email",
        request=ReplyCreateSerializer,
        responses={201: PostDetailSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, post_id: int):
        _require_member(request.user)
        post = selectors.post_get(post_id)
        body = ReplyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.reply_create(actor=request.user, post_id=post.pk, body=body.validated_data["body"])
        return _detail(post.pk, code=status.HTTP_201_CREATED)
