"""`manage.py rules`: list, evaluate (exit 2 on bad facts, never a traceback), docs."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jiading_union import safejson
from subsidies.rules import registry

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "is_district_member": True,
    "level_reached": "senior_technician",
    "certificate_issued_on": "2018-01-01",
    "certificate_issuer": "shanghai_hrss",
    "certificate_number": "1931000000000009",
    "application_date": "2019-08-15",
}


def run(*args) -> str:
    out = StringIO()
    call_command("rules", *args, stdout=out)
    return out.getvalue()


def test_list_json_has_every_rule_with_its_facts_schema():
    listed = json.loads(run("list", "--json"))
    assert {(r["rule_id"], r["policy_year"]) for r in listed} == {
        (r.rule_id, r.policy_year) for r in registry.all_rules()
    }
    promotion = next(r for r in listed if r["rule_id"] == "skill_promotion_award" and r["policy_year"] == 2019)
    assert promotion["title"] == "技能晋升职工奖励"
    facts = {f["name"]: f for f in promotion["facts"]}
    assert facts["certificate_issued_on"]["type"] == "date" and facts["certificate_issued_on"]["required"]
    assert {c["value"] for c in facts["level_reached"]["choices"]} == {"technician", "senior_technician"}


@pytest.mark.django_db
def test_evaluate_prints_the_decision_as_json_with_string_amounts_and_iso_dates():
    decision = json.loads(
        run("evaluate", "skill_promotion_award", "--year", "2019", "--facts", json.dumps(GOOD), "--json")
    )
    assert decision["eligible"] is True
    assert decision["amount"] == "2000.00"
    assert decision["split"] == [{"payer": "city_union", "payer_label": "市总工会", "amount": "2000.00"}]
    assert decision["dates"] == {"window_opens": "2019-08-15", "window_closes": "2019-09-15"}
    assert all(r["clause"]["citation"] for r in decision["reasons"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "facts, field",
    [
        ({**GOOD, "application_date": "2019-02-30"}, "application_date"),
        ({**GOOD, "level_reached": "master"}, "level_reached"),
        ({k: v for k, v in GOOD.items() if k != "certificate_issued_on"}, "certificate_issued_on"),
        ({**GOOD, "unexpected": 1}, "unexpected"),
    ],
)
def test_bad_facts_exit_2_naming_the_field(facts, field):
    with pytest.raises(CommandError) as excinfo:
        run("evaluate", "skill_promotion_award", "--year", "2019", "--facts", json.dumps(facts))
    assert excinfo.value.returncode == 2
    assert field in str(excinfo.value)


@pytest.mark.django_db
def test_unknown_rule_or_year_exits_2():
    with pytest.raises(CommandError) as excinfo:
        run("evaluate", "skill_promotion_award", "--year", "2018", "--facts", "{}")
    assert excinfo.value.returncode == 2


def test_a_real_process_exits_2_without_a_traceback():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jiading_union.settings.test"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "rules",
            "evaluate",
            "skill_promotion_award",
            "--year",
            "2019",
            "--facts",
            '{"application_date": "someday"}',
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "application_date" in result.stderr and "YYYY-MM-DD" in result.stderr


def test_docs_are_current():
    """Fails when a rule, fact, clause or interpretation changed without `manage.py rules docs`."""
    from subsidies.rules.docs import render_rules_markdown

    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_markdown(registry.all_rules()), "run: python manage.py rules docs"


def test_facts_nested_20000_deep_exit_2_with_one_line_and_no_traceback():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jiading_union.settings.test"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "rules",
            "evaluate",
            "legal_aid",
            "--year",
            "2019",
            "--facts",
            "[" * 20_000 + "]" * 20_000,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"CommandError: --facts 有误：{safejson.TOO_DEEP.format(limit=safejson.MAX_DEPTH)}"
    ]


@pytest.mark.parametrize(
    "facts, message",
    [
        ('{"application_date": "' + "x" * safejson.MAX_BYTES + '"}', safejson.TOO_LARGE.format(limit="1,048,576")),
        ('{"application_date": ', safejson.INVALID.format(line=1, column=22)),
        ('{"n": ' + "9" * 5000 + "}", safejson.UNPARSABLE),
    ],
)
def test_oversized_or_broken_facts_exit_2_with_a_chinese_message(facts, message):
    with pytest.raises(CommandError) as excinfo:
        run("evaluate", "legal_aid", "--year", "2019", "--facts", facts)
    assert excinfo.value.returncode == 2
    assert str(excinfo.value) == f"--facts 有误：{message}"


def test_evaluate_on_a_database_never_migrated_says_so_in_one_line(tmp_path):
    """A newcomer's fresh clone: `rules evaluate` before `migrate` explains itself, no traceback."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "rules",
            "evaluate",
            "legal_aid",
            "--year",
            "2019",
            "--facts",
            '{"application_date": "2019-06-01"}',
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "数据库尚未初始化" in result.stderr and "Traceback" not in result.stderr
