"""The rules engine from the command line.

    python manage.py rules list [--json] [--year 2019]
    python manage.py rules evaluate RULE_ID --year 2019 --facts '{"...": "..."}' [--json] [--partial]
    python manage.py rules docs [--check]
    python manage.py rules years [--json]
    python manage.py rules diff 2019 2021 [--json]

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
        years = sub.add_parser("years", help="列出政策年度（文件年度、区总工会开设的年度及其状态）")
        years.add_argument("--json", action="store_true")
        diff = sub.add_parser("diff", help="按项目比较两个政策年度")
        diff.add_argument("year_a", type=int)
        diff.add_argument("year_b", type=int)
        diff.add_argument("--json", action="store_true")

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
        text = render_rules_markdown(registry.all_rules(held=False))  # the files' years only
        if check:
            current = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.exists() else ""
            if current != text:
                raise CommandError("docs/rules.md 已过期：运行 python manage.py rules docs", returncode=1)
            self.stdout.write("docs/rules.md 是最新的。")
            return
        DOCS_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"已写入 {DOCS_PATH.relative_to(settings.BASE_DIR)}")

    def _years(self, *, json: bool = False, **_):
        from subsidies.selectors import all_policy_years, year_in_force_on, year_rule_ids

        try:
            rows = all_policy_years()
        except DatabaseError:
            raise CommandError(NOT_MIGRATED, returncode=2) from None
        from django.utils import timezone

        in_force = year_in_force_on(timezone.localdate())
        listed = [
            {
                "year": row["year"],
                "status": row["status"],
                "effective_from": row["effective_from"],
                "in_force": row["year"] == in_force,
                "source_year": row["record"].source_year if row["record"] else None,
                "rules": len(year_rule_ids(row["year"])),
                "note": row["note"],
            }
            for row in rows
        ]
        if json:
            self.stdout.write(_dumps(listed))
            return
        status = {"file": "政策文件", "draft": "草稿", "published": "已发布"}
        for row in listed:
            source = f" 沿用{row['source_year']}年度" if row["source_year"] else ""
            since = f" 自{row['effective_from'].isoformat()}施行" if row["effective_from"] else ""
            mark = " ←现行" if row["in_force"] else ""
            note = f" {row['note']}" if row["note"] else ""
            self.stdout.write(
                f"{row['year']}  {status[row['status']]}{source}{since}  {row['rules']}条规则{mark}{note}"
            )

    def _diff(self, *, year_a, year_b, json: bool = False, **_):
        from subsidies.policy_labels import param_label
        from subsidies.rules.data import PolicyDataError
        from subsidies.selectors import policy_diff

        try:
            changes = policy_diff(year_a, year_b)
        except DatabaseError:
            raise CommandError(NOT_MIGRATED, returncode=2) from None
        except PolicyDataError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if json:
            self.stdout.write(_dumps([change.__dict__ for change in changes]))
            return
        if not changes:
            self.stdout.write(f"{year_a}年度与{year_b}年度没有差别。")
            return
        project = None
        for change in changes:
            if change.project != project:
                project = change.project
                self.stdout.write(f"\n[{project or '其他'}]")
            if change.kind == "rule":
                what = "新增规则" if change.old is None else "不再有规则"
                self.stdout.write(f"  {what}：{change.new or change.old}（{change.name}）")
                continue
            where = f" {change.where}" if change.where else ""
            old, new = _text(change.old), _text(change.new)
            self.stdout.write(f"  {param_label(change.name)}{where}：{old} → {new}")
            self.stdout.write(f"      {year_a}：{change.old_clause or '—'}")
            self.stdout.write(f"      {year_b}：{change.new_clause or '—'}")


def _text(value) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _loads(text: str):
    # Numbers become Decimal: no float anywhere on the way into the rules.
    return safejson.loads(text, parse_float=Decimal)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
