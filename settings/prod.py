"""Production settings: everything from the environment, HTTPS behind a proxy, hashed statics."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value in production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# The API's request counters must be shared by every worker and machine (base.throttle_cache);
# a site of one process says so with KUNDKORT_API_THROTTLE_CACHE_URL=local.
if not KUNDKORT_API_THROTTLE_CACHE_SHARED and (  # noqa: F405
    os.environ.get("KUNDKORT_API_THROTTLE_CACHE_URL", "").strip() != "local"
):
    raise ImproperlyConfigured(
        "Set KUNDKORT_API_THROTTLE_CACHE_URL (redis://...) or REDIS_URL, so that every app server "
        "counts API requests together; KUNDKORT_API_THROTTLE_CACHE_URL=local keeps the counts "
        "per process (a site of one process only)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS: the proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
X_FRAME_OPTIONS = "DENY"

# Login throttling counts failures per username and client address; behind the proxy the
# client's address is in X-Forwarded-For (core/client_ip.py).
KUNDKORT_TRUSTED_PROXIES = int(os.environ.get("KUNDKORT_TRUSTED_PROXIES", "1"))
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405
