"""docker-compose.yml cannot be run here (no Docker engine); check it as a file."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_defines_the_whole_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert "celery" in services["worker"]["command"] and "worker" in services["worker"]["command"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["environment"]["DEBUG"] == "0"
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "jiading_union.settings.production"
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_env_example_names_every_required_variable():
    text = (ROOT / ".env.example").read_text()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"):
        assert f"{name}=" in text


def test_the_web_service_runs_gunicorn_with_the_rush_settings():
    import runpy

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["command"]
    assert command[:2] == ["gunicorn", "jiading_union.wsgi:application"]
    assert command[command.index("--config") + 1] == "gunicorn.conf.py"
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", 2, 8)
    assert config["timeout"] == 30 and config["backlog"] == 4096
