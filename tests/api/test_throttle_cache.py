"""Where the API's request counters live: one Redis for every worker and machine in
production (settings.base.throttle_cache), and what that buys: two processes count together."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from settings.base import throttle_cache
from tests.test_security_settings import BASE_DIR, prod_env, run_manage

REDIS = "redis://127.0.0.1:6379/6"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


def test_without_any_setting_the_counters_are_per_process():
    cache, shared = throttle_cache({})
    assert (cache["BACKEND"], shared) == (LOCMEM, False)


def test_the_jobs_redis_is_used_when_no_throttle_url_is_given():
    cache, shared = throttle_cache({"REDIS_URL": "redis://jobs:6379/0"})
    assert (cache["BACKEND"], cache["LOCATION"], shared) == (
        REDIS_BACKEND,
        "redis://jobs:6379/0",
        True,
    )
    assert cache["KEY_PREFIX"], "its own prefix beside the job queues"


def test_the_throttle_url_comes_before_the_jobs_redis():
    cache, shared = throttle_cache(
        {"KUNDKORT_API_THROTTLE_CACHE_URL": "rediss://throttle:6380/2", "REDIS_URL": "redis://x/0"}
    )
    assert (cache["BACKEND"], cache["LOCATION"], shared) == (
        REDIS_BACKEND,
        "rediss://throttle:6380/2",
        True,
    )


def test_local_opts_out_even_when_the_jobs_use_redis():
    cache, shared = throttle_cache(
        {"KUNDKORT_API_THROTTLE_CACHE_URL": "local", "REDIS_URL": "redis://jobs:6379/0"}
    )
    assert (cache["BACKEND"], shared) == (LOCMEM, False)


def test_a_url_that_is_not_redis_is_refused():
    with pytest.raises(ImproperlyConfigured):
        throttle_cache({"KUNDKORT_API_THROTTLE_CACHE_URL": "memcached://cache:11211"})


def _prod(**env):
    base = prod_env(**env)
    for name in ("KUNDKORT_API_THROTTLE_CACHE_URL", "REDIS_URL"):
        if name not in env:
            base.pop(name, None)
    return base


def test_production_refuses_to_start_with_counters_per_process():
    result = run_manage("check", env=_prod())
    assert result.returncode != 0
    assert "KUNDKORT_API_THROTTLE_CACHE_URL" in result.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"KUNDKORT_API_THROTTLE_CACHE_URL": REDIS},
        {"REDIS_URL": REDIS},
        {"KUNDKORT_API_THROTTLE_CACHE_URL": "local"},
    ],
)
def test_production_starts_with_redis_or_an_explicit_local(env):
    result = run_manage("check", env=_prod(**env))
    assert result.returncode == 0, result.stderr


# Counts one user's requests in a process of its own, with the project's throttle class.
COUNT = """
import json, sys
from types import SimpleNamespace
import django
django.setup()
from django.conf import settings
from api.throttles import UserRateThrottle
settings.KUNDKORT_API_THROTTLE_RATES = {"token": "5/minute", "user": "5/minute"}
request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=int(sys.argv[1])))
print(json.dumps([UserRateThrottle().allow_request(request, None) for _ in range(3)]))
"""


def _count_in_a_process(user_pk, cache_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.test",
        "KUNDKORT_API_THROTTLE_CACHE_URL": cache_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", COUNT, str(user_pk)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_db6():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    return REDIS


def test_two_processes_share_the_count_in_redis(redis_db6):
    user_pk = uuid.uuid4().int % 10**12  # a key no other run uses; it expires after a minute
    assert _count_in_a_process(user_pk, redis_db6) == [True, True, True]
    assert _count_in_a_process(user_pk, redis_db6) == [True, True, False]


def test_with_local_counters_each_process_counts_alone():
    """What the shared cache prevents: every process grants the whole rate."""
    assert _count_in_a_process(1, "local") == [True, True, True]
    assert _count_in_a_process(1, "local") == [True, True, True]
