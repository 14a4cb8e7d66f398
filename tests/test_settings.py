"""Settings come from the environment; each fallback is checked in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings as s; django.setup();"
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'],"
    "'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ, 'lang': s.LANGUAGE_CODE, 'langs': [c for c, _ in s.LANGUAGES],"
    "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS}))"
)


def run_settings(env: dict, code: str = PROBE) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "jiading_union.settings.base", **env})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


def probe(env: dict) -> dict:
    result = run_settings(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default_is_sqlite_beside_manage_py_and_eager_celery():
    values = probe({"DEBUG": "1"})
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "db.sqlite3")
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["hosts"] == ["127.0.0.1", "localhost"]


def test_real_services_from_the_environment():
    values = probe(
        {"DEBUG": "1", "DATABASE_URL": "postgres://u:p@db.example:5433/jd", "REDIS_URL": "redis://cache.example:6379/2"}
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "jd"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.example:6379/2"
    assert values["cache"] == "jiading_union.cache.ReusedClientRedisCache"  # Django's, one client per server


def test_time_zone_and_languages():
    values = probe({"DEBUG": "1"})
    assert (values["tz"], values["use_tz"], values["lang"]) == ("Asia/Shanghai", True, "zh-hans")
    assert values["langs"] == ["zh-hans", "en"]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY 未设置" in result.stderr


def test_production_refuses_the_development_key():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "django-insecure-development-only-never-in-production"})
    assert result.returncode != 0
    assert "开发默认值" in result.stderr


def test_production_defaults_to_no_allowed_hosts():
    assert probe({"DEBUG": "0", "SECRET_KEY": "x" * 60})["hosts"] == []


def test_check_deploy_has_no_warnings_with_production_settings():
    env = {"DEBUG": "0", "SECRET_KEY": "k3y-" + "a8Zq!x" * 10, "ALLOWED_HOSTS": "union.example.cn"}
    result = run_settings(
        env,
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _newcomer(*args: str) -> subprocess.CompletedProcess:
    """A command as the README writes it: no DEBUG, SECRET_KEY or settings module in the environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_manage_py_defaults_to_development_settings_so_readme_commands_work():
    result = _newcomer("rules", "list")
    assert result.returncode == 0, result.stderr
    assert "skill_promotion_award" in result.stdout
    assert "ImproperlyConfigured" not in result.stderr


def test_wsgi_and_celery_default_to_production_settings():
    code = "import os, sys; sys.path.insert(0, '.');import jiading_union.celery, jiading_union.wsgi"
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "SECRET_KEY 未设置" in result.stderr
