"""A URLconf that mounts the product under /elsewhere/ (tests/test_url_cache.py)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("settings.urls"))]
