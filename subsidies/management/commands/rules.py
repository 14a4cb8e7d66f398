"""The rules engine from the command line.

    python manage.py rules list [--json] [--year 2019]
    python manage.py rules evaluate RULE_ID --year 2019 --facts '{"...": "..."}' [--json] [--partial]
    python manage.py rules docs [--check]

Invalid facts exit with code 2 and a message naming the field, never a traceback; --facts is
parsed with jiading_union.safejson (size and nesting capped).
"""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from jiading_union import safejson
from subsidies.rules import registry
from subsidies.rules.docs import render_rules_markdown
from subsidies.rules.facts import FactsError
from subsidies.selectors import decide

NOT_MIGRATED = "数据库尚未初始化：请先运行 python manage.py migrate（或 make run）。"
DOCS_PATH = Path(settings.BASE_DIR) / "docs" / "rules.md"


class Command(BaseCommand):
    help = "列出、试算规则，生成 docs/rules.md。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="列出全部规则及其事实字段")
        listing.add_argument("--json", action="store_true")
        listing.add_argument("--year", type=int)
        evaluate = sub.add_parser("evaluate", help="按事实试算一条规则")
        evaluate.add_argument("rule_id")
        evaluate.add_argument("--year", type=int, required=True)
        evaluate.add_argument("--facts", required=True, help='JSON 对象，例如 \'{"application_date": "2019-03-20"}\'')
        evaluate.add_argument("--json", action="store_true")
        evaluate.add_argument("--partial", action="store_true", help="允许缺少事实（结果为“需补充信息”）")
        docs = sub.add_parser("docs", help="生成 docs/rules.md")
        docs.add_argument("--check", action="store_true", help="只检查是否过期，过期时退出码为1")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _list(self, *, json: bool = False, year=None, **_):
        rules = [r for r in registry.all_rules() if year is None or r.policy_year == year]
        if json:
            self.stdout.write(
                _dumps(
                    [
                        {
                            "rule_id": r.rule_id,
                            "policy_year": r.policy_year,
                            "project": r.project,
                            "title": r.title,
                            "applicant": r.applicant,
                            "summary": r.describe(),
                            "facts": r.schema.to_list(),
                        }
                        for r in rules
                    ]
                )
            )
            return
        for rule in rules:
            self.stdout.write(f"{rule.policy_year}  {rule.rule_id:<34} {rule.title}")

    def _evaluate(self, *, rule_id, year, facts, json: bool = False, partial: bool = False, **_):
        try:
            raw = _loads(facts)
        except ValueError as exc:
            raise CommandError(f"--facts 有误：{exc}", returncode=2) from None
        if not isinstance(raw, dict):
            raise CommandError("--facts 必须是 JSON 对象（键为事实字段名）。", returncode=2)
        try:
            decision = decide(rule_id=rule_id, year=year, facts=raw, partial=partial).decision
        except DatabaseError:
            # The policy tables district staff edit live in the database: a fresh clone has none yet.
            raise CommandError(NOT_MIGRATED, returncode=2) from None
        except registry.UnknownRule as exc:
            raise CommandError(str(exc), returncode=2) from None
        except FactsError as exc:
            lines = [f"  {name}: {message}" for name, message in exc.errors.items()]
            raise CommandError("事实有误：\n" + "\n".join(lines), returncode=2) from None
        if json:
            self.stdout.write(_dumps(decision.to_dict()))
            return
        self.stdout.write(f"{decision.outcome.label}  金额 {decision.amount} 元")
        for share in decision.split:
            self.stdout.write(f"  {share.payer.label}: {share.amount}")
        for name, value in decision.dates:
            self.stdout.write(f"  {name}: {value.isoformat()}")
        for reason in decision.reasons:
            mark = {True: "✓", False: "✗", None: "?"}[reason.ok]
            self.stdout.write(f"  {mark} {reason.message}  〔{reason.clause.citation}〕")

    def _docs(self, *, check: bool = False, **_):
        text = render_rules_markdown(registry.all_rules())
        if check:
            current = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.exists() else ""
            if current != text:
                raise CommandError("docs/rules.md 已过期：运行 python manage.py rules docs", returncode=1)
            self.stdout.write("docs/rules.md 是最新的。")
            return
        DOCS_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"已写入 {DOCS_PATH.relative_to(settings.BASE_DIR)}")


def _loads(text: str):
    # Numbers become Decimal: no float anywhere on the way into the rules.
    return safejson.loads(text, parse_float=Decimal)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
