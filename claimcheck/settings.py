"""ClaimCheck settings: one file, every environment difference an environment variable.

Defaults are safe for production; `make run` and the test suite supply development values.
Every variable is listed, with a one-line comment, in .env.example.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
# The placeholder of .env.example (and the fallback an older docker-compose.yml used) is public:
# with DEBUG off it would sign real sessions, so start-up stops instead.
if not DEBUG and "change-me" in SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is a placeholder from this repository; set a long random one, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "claimcheck.accounts.apps.StaffAdminConfig",  # django.contrib.admin with the 2FA site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_celery_results",
    "django_celery_beat",
    "claimcheck.claims",
    "claimcheck.watch",
    "claimcheck.web",
    "claimcheck.api",
    "claimcheck.accounts",
    "articles",
    "claimcheck.snapshots",
    "claimcheck.freshness",
    "claimcheck.webhooks",
]

MIDDLEWARE = [
    "claimcheck.freshness.RequestScope",  # the content version read at most once per request
    # An anonymous reader's GET or HEAD answered again, byte for byte, from the answer the whole
    # stack gave it under the current content version (web/edge.py): the rest is skipped.
    "claimcheck.web.edge.AnonymousEdgeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Response headers for every answer, the outage page included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "claimcheck.web.csp.CSPMiddleware",  # django-csp, usual policy built once (web/csp.py)
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Above everything that reads the session or the user from the database, so an outage is
    # the friendly 503 for signed-in visitors too.
    "claimcheck.web.middleware.DatabaseUnavailableMiddleware",
    "claimcheck.web.middleware.RefuseNulMiddleware",
    "claimcheck.web.middleware.BoundedUploadMiddleware",
    "claimcheck.api.cors.ApiCorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "claimcheck.accounts.middleware.StaffSessionTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 page
]

ROOT_URLCONF = "claimcheck.urls"
WSGI_APPLICATION = "claimcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "claimcheck" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claimcheck.web.context_processors.chrome",
            ],
        },
    },
]

# Database: DATABASE_URL, or (unset or empty) the embedded SQLite file in the project folder.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'claimcheck.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every request reads the content version, so each worker keeps its connection (opening
    # one costs more than the read: measured in bench/README.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # Several processes share the embedded file (gunicorn workers, commands): WAL lets readers
    # run beside a writer, IMMEDIATE takes the write lock when a transaction starts (so two
    # writers queue instead of failing with "database is locked"), and a writer waits up to
    # 20 s for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections were the largest single throughput factor measured (DESIGN.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": 2,  # seconds; libpq's minimum (issue 7: a 503 within ~2 s)
            "options": "-c statement_timeout=5000 -c idle_in_transaction_session_timeout=10000",
        }
    )
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASE_ROUTERS = ["claimcheck.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Benchmark floor views (/bench/json, /bench/row; bench/README.md). Never on in production.
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=False)

# Cache: Redis when REDIS_URL is set (shared by all workers), else each process's memory, whose
# entries are all keyed by the content version that the database holds for every process
# (claimcheck/freshness/); rate limits then count in the database (accounts/ratelimits.py).
# If Redis is unreachable the site serves uncached rather than failing (web/cachebackend.py);
# the short socket timeouts bound what a dead Redis costs a request.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "claimcheck.web.cachebackend.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
# With Redis, each worker holds the content version, pushed over pub/sub when it changes, and
# keeps up to LOCAL_CACHE_ITEMS pages, answers, documents and edge answers (web/edge.py) of that
# version in its own memory (claimcheck/freshness/; a few tens of KB each). CONTENT_VERSION_PUSH=0
# reads the version from Redis on every request.
CONTENT_VERSION_PUSH = env.bool("CONTENT_VERSION_PUSH", default=True)
LOCAL_CACHE_ITEMS = env.int("LOCAL_CACHE_ITEMS", default=600)
if not REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "claimcheck",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "claimcheck" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# HTTPS and cookies. SECURE_SSL_REDIRECT follows DEBUG unless set (off for plain HTTP on
# loopback, or behind a proxy that already redirects).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
# Content Security Policy: no inline script or style anywhere (django-csp 4).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Trusted reverse proxies in front of the app: client addresses are read this many hops from
# the right of X-Forwarded-For (0: use the connection's address).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000

# Staff accounts (claimcheck/accounts). The admin answers at ADMIN_PATH (a relative path ending
# in "/"); staff need a TOTP code as well as their password unless STAFF_2FA_REQUIRED is off
# (default: off only with DEBUG); staff sessions end after STAFF_SESSION_IDLE_TIMEOUT seconds
# idle, and SESSION_COOKIE_AGE after sign-in at the latest.
ADMIN_PATH = env.str("ADMIN_PATH", default="admin/")
if not re.fullmatch(r"(?:[A-Za-z0-9._~-]+/)+", ADMIN_PATH) or ".." in ADMIN_PATH:
    raise ImproperlyConfigured(
        f"ADMIN_PATH={ADMIN_PATH!r}: use a relative path ending in '/', e.g. 'admin/' or "
        "'staff-desk/'."
    )
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=not DEBUG)
STAFF_SESSION_IDLE_TIMEOUT = env.int("STAFF_SESSION_IDLE_TIMEOUT", default=30 * 60)
OTP_TOTP_ISSUER = "ClaimCheck"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the device admin never shows a secret or its QR code
# Sign-in lockout (django-axes, counted in the database): 5 failures for one username from one
# address lock that pair out for 30 minutes after the last failure, answered with a 429 page.
# The address is read like the API's (TRUSTED_PROXIES), so a forged X-Forwarded-For cannot
# dodge it. Axes' backend must come first; it needs the request, so tests sign staff in with
# staff_login (tests/staff_sessions.py), never client.login.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "claimcheck.accounts.lockout.AcrossAddressesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins for one username over all addresses within the cool-off after which it is
# refused everywhere (accounts/lockout.py): bounds slow guessing from many addresses.
USERNAME_FAILURE_LIMIT = env.int("USERNAME_FAILURE_LIMIT", default=20)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "claimcheck.accounts.lockout.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False  # no start-up banner on every command; failures are still logged

# REST API (claimcheck/api). Default deny: every view names its permission. JSON only; the
# browsable API only with DEBUG. Throttles count in the default cache (Redis in production).
# Check requests per client address and hour, through the site's form and the API together
# (one counter: accounts/ratelimits.py).
CHECK_REQUEST_RATE = env.str("CHECK_REQUEST_RATE", default="5/hour")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claimcheck.api.authentication.ApiKeyAuthentication",
        "claimcheck.api.authentication.StaffSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claimcheck.api.permissions.DenyAll"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_PARSER_CLASSES": ["claimcheck.api.parsers.StrictJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "claimcheck.api.negotiation.JSONNegotiation",
    "DEFAULT_THROTTLE_CLASSES": ["claimcheck.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="60/min"),
        "api_key": env.str("API_RATE_KEY", default="600/min"),
        "staff": env.str("API_RATE_KEY", default="600/min"),
        "write": env.str("API_RATE_WRITE", default="120/hour"),
        "check_request": CHECK_REQUEST_RATE,
        # POST /api/v1/check/ (copy checking costs CPU): per key, account or address.
        "copy_check": env.str("API_RATE_COPY_CHECK", default="20/min"),
    },
    "NUM_PROXIES": TRUSTED_PROXIES,
    "EXCEPTION_HANDLER": "claimcheck.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "claimcheck.api.schema.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ClaimCheck API",
    "DESCRIPTION": (
        "Skincare and aesthetics claims rated from the evidence. Reads, the copy check and "
        "check requests are open (anonymous clients are rate-limited; an API key raises the "
        "limit); writes need a write-enabled API key or a staff session. Send a key as "
        "`Authorization: Bearer <key>` or `Authorization: Api-Key <key>` (the same key); any "
        "other scheme, or a key that is not valid, is a 401. Reads, the copy check and check "
        "requests answer any origin (CORS, without cookies); other writes are same-origin. "
        "Bodies are JSON (`Content-Type: application/json`); the copy check and check requests "
        "also read JSON sent as `text/plain`. Errors always have the shape "
        '`{"error": {"code", "message", "fields"}}`. See the README for limits, pagination, '
        "caching and examples."
    ),
    "VERSION": "1.0.0",
    # The data is the open-data dump's (claims/opendata.py); the contact page's address is
    # added per request (api/schema.py: contact_page).
    "CONTACT": {"name": "ClaimCheck"},
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claimcheck.api.schema.contact_page",
        "claimcheck.api.schema.plain_text_bodies",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "VerdictEnum": "claimcheck.api.docs.VERDICTS",
        "SubjectKindEnum": "claimcheck.api.docs.SUBJECT_KINDS",
        "SourceKindEnum": "claimcheck.api.docs.SOURCE_KINDS",
        "SignalKindEnum": "claimcheck.api.docs.SIGNAL_KINDS",
        "SignalStatusEnum": "claimcheck.api.docs.SIGNAL_STATUSES",
        "VerdictChangeKindEnum": "claimcheck.api.docs.CHANGE_KINDS",
        "ClaimStatusEnum": "claimcheck.api.docs.CLAIM_STATUSES",
        "DirectionEnum": "claimcheck.api.docs.DIRECTIONS",
    },
}
# CORS: the read API answers any origin, without cookies; writes are never allowed
# cross-origin (no unsafe method is offered to a preflight), except the two open POSTs, the
# copy checker and check requests, whose preflight also offers POST and Content-Type
# (claimcheck/api/cors.py).
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "RateLimit", "RateLimit-Policy"]
CORS_PREFLIGHT_MAX_AGE = 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "format": "time=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The account that management commands act as, so their changes are attributed.
SYSTEM_USERNAME = "claimcheck-system"

# E-mail: check-request status notices (claims.services.check_request_notify) and self-serve
# API key links (accounts.services.api_key_request), through Django's SMTP backend to this
# relay; `make run` prints them to the console instead.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ClaimCheck <noreply@localhost>")
# The site's public origin, for links in e-mails (default: https:// and the first allowed host)
# and as the authority of the Atom entries' tag URIs (default: the host asked for).
SITE_URL = env.str("SITE_URL", default="").rstrip("/")

# Background jobs (claimcheck/celery.py): Celery. The broker is JOBS_BROKER_URL, else Redis when
# REDIS_URL is set (its database 1), else a folder of files under .cache/jobs that a worker on
# the same machine reads (the embedded default: `make run` starts one beside runserver). Results
# and failures are kept in the database (django-celery-results) and the schedule too
# (django-celery-beat), so staff see both in the admin.
JOBS_BROKER_URL = env.str("JOBS_BROKER_URL", default="")
JOBS_FOLDER = Path(env.str("JOBS_FOLDER", default=str(BASE_DIR / ".cache" / "jobs")))
if not JOBS_BROKER_URL and REDIS_URL:
    JOBS_BROKER_URL = re.sub(r"/\d*$", "", REDIS_URL) + "/1"
CELERY_BROKER_URL = JOBS_BROKER_URL or "filesystem://localhost/"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(JOBS_FOLDER / "queue"),
        "data_folder_out": str(JOBS_FOLDER / "queue"),
        "control_folder": str(JOBS_FOLDER / "control"),
    }
else:
    # Redis: a job not acknowledged in this many seconds (its worker died) is delivered again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sending a job from a request gives up within about a second when the broker is away (the
# change stands; warm.send logs it).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True  # the job's name and arguments, shown in the admin
CELERY_RESULT_EXPIRES = 30 * 24 * 3600  # results kept 30 days (celery.backend_cleanup, daily)
CELERY_TASK_ACKS_LATE = True  # a job is acknowledged when done: one a crash interrupts runs again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60  # no job runs longer than this (each sets its own, shorter)
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TASK_TRACK_STARTED = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "webhooks-tick": {"task": "webhooks.tick", "schedule": 30.0},
    "open-data-dump-daily": {"task": "snapshots.take", "schedule": crontab(hour=3, minute=15)},
    # Evidence watch (claimcheck/watch/), at the cadences of the catalogue audit: retraction
    # and erratum notices nightly, feeds daily, the rest weekly. Off unless WATCH_SOURCES says.
    "watch-pubmed-nightly": {
        "task": "watch.run",
        "schedule": crontab(hour=2, minute=0),
        "args": ["pubmed"],
    },
    "watch-pubmed-reviews-monthly": {
        "task": "watch.run",
        "schedule": crontab(hour=3, minute=0, day_of_month=1),
        "args": ["pubmedreviews"],
    },
    "watch-fda-feeds-daily": {
        "task": "watch.run",
        "schedule": crontab(hour=6, minute=30),
        "args": ["fdaletters"],
    },
    "watch-crossref-weekly": {
        "task": "watch.run",
        "schedule": crontab(hour=1, minute=0, day_of_week="sun"),
        "args": ["crossref"],
    },
    "watch-clinicaltrials-weekly": {
        "task": "watch.run",
        "schedule": crontab(hour=1, minute=30, day_of_week="mon"),
        "args": ["clinicaltrials"],
    },
    "watch-openfda-weekly": {
        "task": "watch.run",
        "schedule": crontab(hour=1, minute=0, day_of_week="tue"),
        "args": ["openfda"],
    },
}
# Run jobs in the calling process instead of sending them (JOBS_EAGER=1: a shell, a one-off).
CELERY_TASK_ALWAYS_EAGER = env.bool("JOBS_EAGER", default=False)

# Warm after a change (claimcheck/freshness/warm.py): every committed public change moves the
# content version, so the pages and API documents of the changed claims, then the home page,
# lists, feed, sitemap and open-data zip, then every other claim (up to WARM_CLAIMS) are built
# again before readers ask. "worker": a job (with Redis, whose cache every worker shares);
# "thread": in the process that made the change (the in-process cache of the embedded default);
# "off". Default: worker with Redis, thread without.
WARM_AFTER_CHANGE = env.str("WARM_AFTER_CHANGE", default="worker" if REDIS_URL else "thread")
WARM_CLAIMS = env.int("WARM_CLAIMS", default=5000)

# Webhooks (claimcheck/webhooks/): seconds a receiver has to answer. Addresses must be https://
# outside a private network; the two switches below exist for tests and local trials only.
WEBHOOKS_TIMEOUT = env.float("WEBHOOKS_TIMEOUT", default=5.0)
WEBHOOKS_ALLOW_PLAIN_HTTP = env.bool("WEBHOOKS_ALLOW_PLAIN_HTTP", default=False)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
# Dated open-data dumps (manage.py opendata_snapshot, daily): how many are kept (at least 12).
OPENDATA_SNAPSHOTS_KEPT = env.int("OPENDATA_SNAPSHOTS_KEPT", default=30)

# Self-serve read keys (/developers/keys/): active keys per address, hours a confirmation or
# manage link stays valid, and link requests per address and per client IP.
API_KEY_SELF_SERVE_LIMIT = env.int("API_KEY_SELF_SERVE_LIMIT", default=3)
API_KEY_LINK_HOURS = env.int("API_KEY_LINK_HOURS", default=48)
API_KEY_REQUEST_RATE = env.str("API_KEY_REQUEST_RATE", default="5/hour")
API_KEY_REQUEST_RATE_IP = env.str("API_KEY_REQUEST_RATE_IP", default="20/hour")
# Evidence watch (claimcheck/watch): connectors to public sources, each off unless named here.
WATCH_SOURCES = env.list("WATCH_SOURCES", default=[])
WATCH_CONTACT_EMAIL = env.str("WATCH_CONTACT_EMAIL", default="")
WATCH_CONNECT_TIMEOUT = env.float("WATCH_CONNECT_TIMEOUT", default=5.0)
WATCH_READ_TIMEOUT = env.float("WATCH_READ_TIMEOUT", default=30.0)
WATCH_RETRIES = env.int("WATCH_RETRIES", default=3)
WATCH_BACKOFF = env.float("WATCH_BACKOFF", default=2.0)
WATCH_MAX_RETRY_WAIT = env.float("WATCH_MAX_RETRY_WAIT", default=120.0)
# Unset: each provider's published rate limit (connector modules); tests and bench set 0.
WATCH_MIN_INTERVAL = env.float("WATCH_MIN_INTERVAL", default=None)
WATCH_PUBMED_URL = env.str(
    "WATCH_PUBMED_URL", default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
)
WATCH_PUBMED_API_KEY = env.str("WATCH_PUBMED_API_KEY", default="")
WATCH_CROSSREF_URL = env.str("WATCH_CROSSREF_URL", default="https://api.crossref.org")
WATCH_CLINICALTRIALS_URL = env.str(
    "WATCH_CLINICALTRIALS_URL", default="https://clinicaltrials.gov/api/v2"
)
WATCH_OPENFDA_URL = env.str("WATCH_OPENFDA_URL", default="https://api.fda.gov")
WATCH_OPENFDA_API_KEY = env.str("WATCH_OPENFDA_API_KEY", default="")
WATCH_RECALL_DAYS = env.int("WATCH_RECALL_DAYS", default=365)
# New systematic reviews: how far back (days since PubMed entered them) each monthly search looks.
WATCH_REVIEW_DAYS = env.int("WATCH_REVIEW_DAYS", default=90)
WATCH_FDA_FEEDS = env.list(
    "WATCH_FDA_FEEDS",
    default=[
        "https://www.fda.gov/about-fda/contact-fda/stay-informed/rss-feeds/press-releases/rss.xml",
        "https://www.fda.gov/about-fda/contact-fda/stay-informed/rss-feeds/medwatch/rss.xml",
    ],
)
