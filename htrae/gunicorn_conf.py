"""gunicorn's settings for served mode's `http` process (the Procfile; `make up`).

Plain HTTP (the REST API, the admin, the viewer's pages, the probes) is served by gunicorn's
worker processes through WSGI (`htrae.wsgi`), beside the `web` process (daphne), which keeps
the WebSockets; a proxy routes `/ws/` and `/metrics` to `web` and the rest here
(`deploy/nginx.conf`). Why: `bench/api.py --server daphne|gunicorn|nginx`, bench/README.md.

HTTP_WORKERS processes (default: the machine's cores), HTTP_THREADS threads each (default 1:
a sync worker); the port is HTTP_PORT (`make up` sets it to PORT + 1 unless given; honcho hands
each process a PORT of its own, so this process's PORT is not the web's).
"""

import os
import sys

if not os.environ.get("REDIS_URL"):
    # Embedded mode's in-memory channel layer reaches one process only: what a request here
    # publishes would never reach the sockets on daphne. `make run` serves everything itself.
    sys.exit("gunicorn serves served mode's HTTP (REDIS_URL set); embedded mode is `make run`.")

_port = int(os.environ.get("HTTP_PORT") or int(os.environ.get("PORT") or 8000) + 1)
bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{_port}"
workers = int(os.environ.get("HTTP_WORKERS") or os.cpu_count() or 1)
threads = int(os.environ.get("HTTP_THREADS") or 1)
# Each worker has its own database pool (DATABASE_POOL is per process), opened after the fork
# (no preload: the master holds none). A worker serves `threads` requests at once, each on one
# connection, so its pool needs no more: the process holds at most workers x threads.
preload_app = False
os.environ.setdefault("DATABASE_POOL_MIN_SIZE", "1")
os.environ.setdefault("DATABASE_POOL_MAX_SIZE", str(threads))
# A request the web process would still answer; longer means a stuck worker, which is replaced.
timeout = int(os.environ.get("HTTP_TIMEOUT_SECONDS") or 30)
graceful_timeout = 20
# A worker is replaced after about this many requests (spread, so they are not replaced at
# once): whatever a long-lived interpreter accumulates stays bounded. 0: never.
max_requests = int(os.environ.get("HTTP_MAX_REQUESTS") or "20000")
max_requests_jitter = max_requests // 10
keepalive = 5
# gunicorn's control socket (gunicornc) sits at one path per user: several servers on a
# machine (tests, benchmarks, a second world) would fight over it. Signals control this one.
control_socket_disable = True
# A line per request on stdout (as daphne's `web` writes), gunicorn's own log on stderr: one
# JSON object a line as the rest of served mode logs (htrae/settings.py LOGGING), unless
# LOG_FORMAT=plain. HTTP_ACCESS_LOG=false drops the request lines.
accesslog = "-" if (os.environ.get("HTTP_ACCESS_LOG") or "true").lower() in ("1", "true", "yes", "on") else None
errorlog = "-"
loglevel = (os.environ.get("LOG_LEVEL") or "info").lower()
if (os.environ.get("LOG_FORMAT") or "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        # gunicorn's own handler names (its defaults' root logger refers to "console").
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["error_console"], "level": loglevel.upper(), "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
