"""Gunicorn for the rush (docker-compose.yml's web service and bench/rush.py use this file).

Why these settings, on the 2-core box (bench/rush.py measures them):
- worker_class gthread, 2 workers × 8 threads: one process per core keeps both cores busy; the threads
  overlap each request's waits on PostgreSQL and Redis, and a sign-in's Argon2 hash (argon2-cffi
  releases the GIL) does not hold up the requests of its process behind it. More processes only add
  memory and context switches; sync workers would answer one request per process at a time.
- backlog 4096: at an opening thousands of connections arrive within a second; they wait in the
  kernel's queue (net.core.somaxconn is 4096 here) instead of being refused.
- timeout 30 / graceful_timeout 30: a worker that stops answering for 30 s is restarted. Nothing in a
  request waits that long any more — a first-come booking only joins the queue (the worker allocates),
  and a sign-in hashes for ≈35 ms — so a 502 now means a fault, not a crowd.
- keepalive 5: the page's status polling reuses its connection instead of opening one every few seconds.
- max_requests 5000 (+ jitter): workers are recycled now and then, never both at once.
Each can be changed from the environment (GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT, …).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
backlog = int(os.environ.get("GUNICORN_BACKLOG", "4096"))
# A gthread worker stops accepting at worker_connections (default 1000) and, with a burst queued behind
# it, stalls until clients time out (measured: 5,000 connections in one second, every one timed out).
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "10000"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # "" turns the access log off


def post_worker_init(worker):
    # Django, the URL conf and the templates are loaded by now: moving them out of the collector's
    # generations means a full collection no longer walks the ~150,000 objects every worker keeps.
    import gc

    gc.collect()
    gc.freeze()
