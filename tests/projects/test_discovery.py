"""Project apps are discovered, not listed: INSTALLED_APPS is the one list (issue 10)."""

from pathlib import Path

from django.apps import apps
from django.urls import reverse

from projects.app_config import ProjectAppConfig
from projects.procedures import PROCEDURES
from subsidies.rules import registry

ROOT = Path(__file__).resolve().parents[2]


def project_apps():
    return [c for c in apps.get_app_configs() if isinstance(c, ProjectAppConfig)]


def test_every_app_under_projects_is_a_project_app_with_procedures():
    folders = {p.parent.name for p in (ROOT / "projects").glob("*/procedures.py")}
    assert {c.label for c in project_apps()} == folders
    assert len(folders) == 17


def test_every_rule_has_a_procedure_and_every_procedure_a_rule():
    rule_ids = {r.rule_id for r in registry.all_rules()}
    assert set(PROCEDURES) == rule_ids


def test_an_apps_pages_are_served_under_its_prefix_when_it_has_urls():
    assert reverse("legal:centres").startswith("/p/legal/")
    with_urls = {c.label for c in project_apps() if (Path(c.path) / "urls.py").exists()}
    assert "skill_awards" not in with_urls and "flexible_workers" in with_urls


def test_rule_families_are_found_by_walking_the_rules_package():
    found = {m.__name__.rsplit(".", 1)[1] for m in registry.families()}
    assert {"skill_awards", "member_card", "legal"} <= found and "core" not in found
