from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; production refuses to
# start without a real one.
_DEV_SECRET_KEY = "django-insecure-development-only-never-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY 未设置：关闭 DEBUG 时必须提供 SECRET_KEY 环境变量。")
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY 使用了开发默认值：生产环境必须设置真实密钥。")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "jiading_union.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "import_export",
    "django_celery_beat",
    "simple_history",
    "axes",
    "members",
    "subsidies",
    "projects",
    "payouts",
    "outreach",  # reminders on beat, the outreach scan (政策找人), 免申即享
    # One app per service project family (projects/<app>/): its records, procedures, admin and pages.
    "projects.skill_awards",
    "projects.worker_school",
    "projects.legal",
    "projects.flexible_workers",
    "projects.sanitation",
    "projects.sanatorium",
    "projects.counselling",
    "projects.health_points",
    "projects.reading_rooms",
    "projects.culture",
    "projects.flower_expo",
    "projects.member_card",
    "projects.womens_care",
    "projects.singles",
    "projects.micro_wishes",
    "projects.outdoor_care",
    "projects.caravan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, and a session read again with its account in one statement (members/session_engines).
    "members.session_engines.AuthenticationMiddleware",
    # A member's trusted-device session slides: renewed once half of it has passed (members/sessions.py).
    "members.sessions.SessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiading_union.urls"
WSGI_APPLICATION = "jiading_union.wsgi.application"
ASGI_APPLICATION = "jiading_union.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# Unset DATABASE_URL: the embedded default, a SQLite file beside manage.py.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL keep concurrent dev requests from failing
    # with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery ----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "jiading_union.cache.ReusedClientRedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis (written through to the database): a signed-in request costs no
    # session query. Only with a shared cache: a per-process cache would keep serving a session
    # that another process logged out.
    SESSION_ENGINE = "members.session_engines.cached_db"
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # Embedded default: no broker; tasks run in-process, errors propagate.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Django's database sessions, read by one statement written once per process (members/session_engines).
    SESSION_ENGINE = "members.session_engines.db"
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
# Whole pages kept for a repeat view (projects/kept_pages.py, jiading_union/kept_lists.py): per process
# and bounded (a page is some 20–35 KB; at a 9:00 rush thousands of members' pages would otherwise
# fill Redis, which also holds the Celery queues). Its TIMEOUT is a kept page's life.
CACHES["kept"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kept-pages",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": env.int("KEPT_PAGES", default=500)},
}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # A first-come queue whose kick was lost or whose worker died is picked up within seconds.
    "allocate-first-come-queues": {"task": "projects.tasks.allocate_first_come_queues", "schedule": 15.0},
    # A confirmed payout batch whose worker died is picked up again (its task is idempotent).
    "resume-payout-batches": {"task": "payouts.tasks.resume_payout_batches", "schedule": 60.0},
    # Uploaded rosters and generated exports are removed after SPREADSHEET_JOB_FILES_DAYS (daily, 03:30).
    "purge-spreadsheet-job-files": {
        "task": "members.tasks.spreadsheet_job_files_purge",
        "schedule": crontab(hour=3, minute=30),
    },
}
SPREADSHEET_JOB_FILES_DAYS = env.int("SPREADSHEET_JOB_FILES_DAYS", default=30)
# Payout batches (payouts/services.py): applications per transaction when a batch is paid, and an
# optional pause between transactions (seconds) to spare a busy database.
# Applications paid per transaction: each holds its rows and the batch for about a third of a second
# at 10,000 (bench/payouts.py: 5,000 paid 100,000 in 3.1–4.0 s, 10,000 in 3.0 s, steadier).
PAYOUT_CHUNK = env.int("PAYOUT_CHUNK", default=10000)
PAYOUT_CHUNK_PAUSE = env.float("PAYOUT_CHUNK_PAUSE", default=0.0)
PAYOUT_QUEUE = env.str("PAYOUT_QUEUE", default="celery")  # the Celery queue payout tasks go to
# The outreach scan (outreach/services.py): from OUTREACH_SCAN_PARALLEL_MIN members it runs in
# OUTREACH_SCAN_PROCESSES processes (2 = the machine's cores; 1 keeps it in one).
OUTREACH_SCAN_PROCESSES = env.int("OUTREACH_SCAN_PROCESSES", default=2)
OUTREACH_SCAN_PARALLEL_MIN = env.int("OUTREACH_SCAN_PARALLEL_MIN", default=20_000)

# --- First come, first served (projects/services/queue.py) ------------------------------------------
# With Redis, requests for a first-come pool queue in arrival order from its opening time and a worker
# allocates them in batches; without Redis (the embedded default) every booking takes the direct path.
FIRST_COME_QUEUE = env.bool("FIRST_COME_QUEUE", default=bool(REDIS_URL))
FIRST_COME_QUEUE_WINDOW = timedelta(hours=env.int("FIRST_COME_QUEUE_HOURS", default=24))
FIRST_COME_BATCH = env.int("FIRST_COME_BATCH", default=100)  # requests per transaction (one UPDATE each)
FIRST_COME_QUEUE_PREFIX = env.str("FIRST_COME_QUEUE_PREFIX", default="firstcome")
FIRST_COME_KICK_SECONDS = 5  # at most one task started by arrivals per pool in this time
FIRST_COME_TASK_SECONDS = 60  # a task hands over to a new one after this long
FIRST_COME_OUTCOME_SECONDS = 7 * 24 * 3600  # outcomes kept in Redis for the members' pages
FIRST_COME_FULL_SECONDS = 10  # once full, requests are refused at once for this long (then checked again)

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # One backend: the django-axes lockout check, then members (card number or phone) and staff
    # (username), resolved once, with exactly one password hash per attempt (members/auth.py).
    "members.auth.SignInBackend",
]
# Argon2id tuned for this box (members/hashers.py: OWASP's m=19 MiB, t=2, p=1, ≈35 ms of CPU a hash);
# PBKDF2 after it, so hashes made before verify and are upgraded on the member's next sign-in.
PASSWORD_HASHERS = [
    "members.hashers.TunedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
ARGON2_PARAMETERS = {
    "time_cost": env.int("ARGON2_TIME_COST", default=2),
    "memory_cost": env.int("ARGON2_MEMORY_KIB", default=19456),
    "parallelism": env.int("ARGON2_PARALLELISM", default=1),
}
LOGIN_URL = "members:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    # Django's checks with the portal's own Chinese messages (members.passwords).
    {"NAME": "members.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "members.passwords.MinimumLengthValidator"},
    {"NAME": "members.passwords.CommonPasswordValidator"},
    {"NAME": "members.passwords.NumericPasswordValidator"},
    {"NAME": "members.passwords.StaffPasswordValidator"},
]

# --- Sign-in lockout (django-axes; the rules are applied by members/lockout.py) ----------------
# Failures count per person (a member's card number and phone are one account) and per address.
# A lock starts short and doubles with every further failure, up to the longest lock; failures
# whose counter has been quiet for the window are forgotten. Why these numbers: README, "Deployment".
SIGN_IN_LOCKOUT = [
    # This account from this address: whoever guesses stays locked out of it for long.
    {
        "name": "account_at_address",
        "parameters": ["username", "ip_address"],
        "limit": env.int("SIGN_IN_FAILURE_LIMIT", default=5),
        "first_lock": timedelta(minutes=15),
        "longest_lock": timedelta(hours=4),
        "window": timedelta(hours=24),
    },
    # This account from anywhere (guessing from many addresses): short, so a stranger's tries
    # lock the owner out for a minute rather than half an hour.
    {
        "name": "account",
        "parameters": ["username"],
        "limit": env.int("SIGN_IN_FAILURE_LIMIT", default=5),
        "first_lock": timedelta(minutes=1),
        "longest_lock": timedelta(minutes=15),
        "window": timedelta(hours=24),
    },
    # This address, any account (one password tried on many accounts): high, because a union
    # office or a workplace puts everyone behind one NAT address.
    {
        "name": "address",
        "parameters": ["ip_address"],
        "limit": env.int("SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR", default=100),
        "first_lock": timedelta(minutes=15),
        "longest_lock": timedelta(hours=1),
        "window": timedelta(hours=1),
    },
]
AXES_HANDLER = "members.lockout.SignInLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [rule["parameters"] for rule in SIGN_IN_LOCKOUT]
AXES_USERNAME_CALLABLE = "members.lockout.lockout_username"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "members.network.client_ip"
AXES_LOCKOUT_CALLABLE = "members.lockout.lockout_response"
# How long axes keeps a quiet counter (older rows are deleted): the longest window above. How long
# a lock lasts is the rules' business, not this.
AXES_COOLOFF_TIME = max(rule["window"] for rule in SIGN_IN_LOCKOUT)
# A refused attempt checks no password: it is not counted and does not stretch the lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in clears that account's failures from that address (members/lockout.py).
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Reverse proxies in front of the app that append to X-Forwarded-For (members/network.py). Production
# sits behind the TLS proxy of docker-compose.yml's comments; development is reached directly.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0 if DEBUG else 1)

# Audit history (django-simple-history): who changed what, when, with the diff.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# Reverting from history would bypass the services (and their checks): history is read-only.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- I18N: Simplified Chinese first, English available --------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
# Uploaded proofs are private: stored outside static, served only through views
# that check who may see the application.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "jiading_union.staticfiles.StaticFilesStorage"  # WhiteNoise's, each URL worked out once
        )
    },
}

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Staff, and members who did not tick "在此设备保持登录": eight hours, not renewed.
SESSION_COOKIE_AGE = 60 * 60 * 8
# A member's trusted phone: 30 days, renewed for 30 more once 15 have passed (members/sessions.py),
# so members stay signed in across an opening rush instead of all signing in at 9:00.
MEMBER_TRUSTED_SESSION_AGE = timedelta(days=env.int("MEMBER_TRUSTED_DEVICE_DAYS", default=30))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind the reverse proxy of docker-compose.yml, which sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): only our own static files and scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- DRF ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "嘉定区总工会会员服务平台 API",
    "VERSION": "0.1.0",
}

# --- Logging: national ID numbers are masked in every log line ----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_id_numbers": {"()": "members.logging.MaskIDNumbersFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_id_numbers"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Uploaded spreadsheets: limits checked before any reader expands an .xlsx -------------
# (jiading_union/spreadsheets.py). A real 100,000-row import unpacks to 20–70 MB at 5–15x its
# compressed size; a zip bomb unpacks at 100–1000x to gigabytes.
XLSX_MAX_PARTS = 1000  # files inside the zip archive
XLSX_MAX_PART_BYTES = 100 * 1024 * 1024  # one part (a worksheet, the shared strings) unpacked
XLSX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all parts together unpacked
XLSX_MAX_RATIO = 100  # unpacked / compressed, for the file and for each part above 1 MB
# Shared strings are held in memory (~170 bytes each in openpyxl): 100,000 rows x 10 distinct texts.
XLSX_MAX_SHARED_STRINGS = 1_000_000
XLSX_MAX_ROWS = 200_000  # rows read from one sheet, blank ones included
XLSX_MAX_COLUMNS = 256  # columns read from each row
XLSX_MAX_SECONDS = 120  # checking, opening and reading one file (100,000 rows x 15 columns: ~20 s)
# Imports and exports (jiading_union/imports.py, exports.py): an upload above this size (about 3,000
# roster rows) is checked and imported by a Celery task, an export of more rows is written by one.
SPREADSHEET_INLINE_MAX_BYTES = env.int("SPREADSHEET_INLINE_MAX_BYTES", default=256 * 1024)
SPREADSHEET_INLINE_MAX_ROWS = env.int("SPREADSHEET_INLINE_MAX_ROWS", default=5000)
SPREADSHEET_UPLOAD_MAX_BYTES = env.int("SPREADSHEET_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# The district report's payouts sheet reads the ledger through this function (projects never import
# payouts, so the report is told where the ledger's report is; empty: no such sheet).
DISTRICT_REPORT_LEDGER = "payouts.selectors.payout_report"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Text messages (password codes): the union's SMS gateway class with send(phone, text). Development logs
# them; production refuses that (members.checks) and, until a gateway is set, says the service is not open.
SMS_BACKEND = env.str(
    "SMS_BACKEND", default="members.sms.ConsoleBackend" if DEBUG else "members.sms.NotConfiguredBackend"
)
# How often SMS codes may be asked for, counted in the cache (Redis in production). A refused request
# is told to wait N minutes; an allowed one gets the same answer whether or not the account exists.
# Each member also gets at most 5 codes a day and one a minute, silently (members/passwords_reset.py).
SMS_CODE_LIMITS = {
    # One card number or phone as typed, registered or not.
    "identifier": {"count": 1, "period": timedelta(minutes=1)},
    # One source address: 300 messages from one client in 77 s must stop at this; offices, workplaces
    # and service desks share NAT addresses, so it is not lower than a busy service desk needs.
    "address": {"count": env.int("SMS_CODES_PER_ADDRESS_PER_HOUR", default=30), "period": timedelta(hours=1)},
    # The whole portal: what an attack from many addresses can cost.
    "portal": {"count": env.int("SMS_CODES_PER_HOUR", default=500), "period": timedelta(hours=1)},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

SITE_TITLE = _("嘉定区总工会会员服务平台")
# The portal's address, put before the links of reminders sent by e-mail or SMS (outreach).
SITE_URL = env.str("SITE_URL", default="")

# A policy year's own document (subsidies: the 实事项目 file district staff upload) is checked by the
# same safe-upload checks as an application's proofs; named here so the policy app imports nothing
# from the projects (tests/test_architecture.py).
POLICY_DOCUMENT_CHECK = "projects.services.attachments.inspect_upload"
