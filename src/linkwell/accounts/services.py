from __future__ import annotations

from django.db import transaction

from .models import ApiToken, User


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> str:
    """Create a token and return it. Only its hash is kept, so this is the one chance to see it."""
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash(raw), prefix=raw[:8])
    return raw
