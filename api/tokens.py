"""Creating, finding and revoking personal API tokens (the token page, the admin, the tests)."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import APIToken

# "kk_" tells a leaked string for what it is (secret scanners, log reviews).
TOKEN_PREFIX = "kk_"
SHOWN_PREFIX_LENGTH = 10


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name, expires_at=None):
    """Create a token for ``user`` and return ``(token, secret)``; the secret is not stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = APIToken(
        user=user,
        name=name,
        prefix=raw[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_token(raw),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, raw


def token_find(raw):
    """The usable token whose secret is ``raw`` (with its user), or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return APIToken.objects.usable().select_related("user").filter(key_hash=hash_token(raw)).first()


def token_revoke(*, token):
    """Revoke (delete) the token: requests with it are refused at once."""
    token.delete()
