"""Test settings: fast hashing, no login throttling unless a test turns it on."""

import os

from .base import *  # noqa: F403
from .base import env_bool, throttle_cache

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
ALLOWED_HOSTS = ["*"]

# The test process reads and writes job progress on its one connection (each test runs in a
# transaction the second connection would not see). A worker process a test starts turns it on.
if not env_bool("KUNDKORT_JOBS_PROGRESS_OWN_CONNECTION", False):
    JOBS_PROGRESS_OWN_CONNECTION = False
    DATABASES.pop("jobs", None)  # noqa: F405

# The API tests empty the throttle cache between tests, and emptying a Redis cache empties its
# whole database: never the jobs' REDIS_URL. Only an explicit KUNDKORT_API_THROTTLE_CACHE_URL
# (the test of counters shared by processes sets one) puts the counters in Redis.
CACHES["throttle"], KUNDKORT_API_THROTTLE_CACHE_SHARED = throttle_cache(  # noqa: F405
    {"KUNDKORT_API_THROTTLE_CACHE_URL": os.environ.get("KUNDKORT_API_THROTTLE_CACHE_URL", "")}
)
