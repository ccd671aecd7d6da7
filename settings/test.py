"""Test settings: fast hashing, no login throttling unless a test turns it on."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
ALLOWED_HOSTS = ["*"]

# The test process reads and writes job progress on its one connection (each test runs in a
# transaction the second connection would not see). A worker process a test starts turns it on.
if not env_bool("KUNDKORT_JOBS_PROGRESS_OWN_CONNECTION", False):
    JOBS_PROGRESS_OWN_CONNECTION = False
    DATABASES.pop("jobs", None)  # noqa: F405
