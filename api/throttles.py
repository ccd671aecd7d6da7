"""Request rates per token and per user (DRF throttles; settings in settings/base.py).

A token has its own budget (``token``), so one busy integration does not use up its user's
browser budget; every authenticated request also counts against the user (``user``), so a
user's many tokens together stay within the user's rate. Unauthenticated requests are refused
(401) before any throttle is asked; a guessed token has 256 random bits against it. The
counters live in the ``throttle`` cache,
which must be shared by all app servers in production (Redis, ``KUNDKORT_API_THROTTLE_CACHE_URL``).
"""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from .models import APIToken


class _SettingsRateThrottle(SimpleRateThrottle):
    """Rates read from ``settings.KUNDKORT_API_THROTTLE_RATES`` when the request comes in (so
    tests and operators can change them without a restart of the class)."""

    def __init__(self):
        self.cache = caches[settings.KUNDKORT_API_THROTTLE_CACHE]
        super().__init__()

    def get_rate(self):
        return settings.KUNDKORT_API_THROTTLE_RATES.get(self.scope)


class TokenRateThrottle(_SettingsRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, APIToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UserRateThrottle(_SettingsRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
