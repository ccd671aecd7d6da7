"""gunicorn's configuration for Kundkort: ``gunicorn settings.wsgi`` reads it from here.

Web workers only serve pages: imports, undo and large exports run in the job workers
(``manage.py db_worker`` or ``rqworker``), so a page never needs long. docs/deploy.md says how
many of each to run per machine. Every value can be overridden with GUNICORN_* variables or on
the command line.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers, the usual 2 x CPUs + 1: pages wait on PostgreSQL for much of their time.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A page takes well under a second; 30 s only stops a request that hangs. Long work is a job.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGHUP (a deploy), or SIGTERM, a worker finishes its requests for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Restart each worker after about this many requests (jittered so they do not all restart at
# once): bounds the memory a worker can grow to.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The app is loaded in each worker: SIGHUP then reloads new code without dropping requests.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Client address as the proxy sends it, request, status, bytes, referrer, agent, and time in µs.
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'
)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
