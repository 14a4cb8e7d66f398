"""Workers' health service points in parks, buildings and business districts
(2021 “建立园区（楼宇、商圈）职工健康服务点”项目): the “四固三定” creation standard.

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from datetime import timedelta

from .base import Checks, Context, Rule
from .core import Decision
from .facts import Fact, Facts, FactsSchema

EVENT_KINDS = (("patrol", "巡诊"), ("lecture", "讲座"))
EVENT_LABELS = dict(EVENT_KINDS)

# (reason code, fact, clause, met, unmet) for the yes/no conditions of 固定场所、固定人员 and 定期问诊.
_YES_NO = (
    (
        "site.cluster_area",
        "in_cluster_area",
        "health_points_site_area",
        "设于企业、职工相对集中的产业园区、楼宇或商圈内",
        "服务点应设于企业数量、职工人数相对集中的产业园区及楼宇、商圈等区域内",
    ),
    (
        "site.existing_station",
        "built_on_existing_station",
        "health_points_site_existing_resource",
        "依托党群服务站、职工服务站、职工书屋、爱心妈咪小屋或户外职工爱心接力站创建",
        "服务点应依托党群服务站、职工服务站、职工书屋、爱心妈咪小屋、户外职工爱心接力站等现有资源创建",
    ),
    (
        "site.private_area",
        "has_private_area",
        "health_points_site_private_area",
        "划定了相对私密、固定的独立区域",
        "服务点内需划定相对私密、固定的独立区域",
    ),
    (
        "site.equipment",
        "has_basic_equipment",
        "health_points_site_equipment",
        "配备日常诊疗设备",
        "服务点内应配备日常诊疗设备（听诊器、体温计、体重秤、血压计、诊疗桌椅、办公设备、便携医疗服务箱等）",
    ),
    (
        "site.plaque",
        "plaque_displayed",
        "health_points_site_plaque",
        "“健康服务点”铭牌已在醒目位置挂牌",
        "应将“健康服务点”铭牌在醒目位置挂牌明示",
    ),
    (
        "site.service_notice",
        "service_notice_posted",
        "health_points_site_notice",
        "墙上已公示《健康服务点服务公告》",
        "应在墙上公示《健康服务点服务公告》（服务时间、服务内容、当班坐诊医生、管理人员等）",
    ),
    (
        "staff.agreement",
        "cooperation_agreement_signed",
        "health_points_staff_agreement",
        "街镇工会已与对口社区卫生服务中心签订合作协议",
        "街镇工会应与服务点所属对口社区卫生服务中心签订合作协议",
    ),
    (
        "staff.gp_team",
        "gp_team_assigned",
        "health_points_staff_gp",
        "已派驻“全科（家庭）医生”（团队）",
        "应确保向服务点派驻“全科（家庭）医生”（团队）",
    ),
    (
        "staff.manager",
        "has_manager",
        "health_points_staff_manager",
        "已落实服务点管理人员",
        "服务点应落实管理人员，负责日常运营、设备管理和宣传发动",
    ),
    (
        "consultation.services",
        "offers_consultation_services",
        "health_points_consultation_services",
        "提供体检报告解读、健康咨询及常见疾病预防知识普及服务",
        "应向在职职工提供体检报告解读、健康咨询及常见疾病预防知识普及服务",
    ),
    (
        "consultation.appointment",
        "consultation_by_appointment",
        "health_points_consultation_appointment",
        "定期问诊采取预约制",
        "根据疫情防控需要，定期问诊应采取预约制",
    ),
)


def _bool(name: str, label: str, **kw) -> Fact:
    return Fact(name, "bool", label, **kw)


DAYS_PER_WEEK = 7


def _weeks(low: int, high: int) -> str:
    """The notice period's days in the document's weeks: 7 and 14 days -> “1至2周”."""
    if low % DAYS_PER_WEEK or high % DAYS_PER_WEEK:
        return f"{low}至{high}天"
    return f"{low // DAYS_PER_WEEK}至{high // DAYS_PER_WEEK}周"


class HealthServicePoint(Rule):
    """Checks a service point (and, optionally, one patrol or lecture notice) against the creation standard."""

    rule_id = "health_service_point"
    project = "health_points"
    title = "园区（楼宇、商圈）职工健康服务点创建标准"
    summary = (
        "按“四固三定”标准创建：固定场所、固定人员；定期问诊（预约制，每周{health_points_consultation_min_half_days}"
        "至{health_points_consultation_max_half_days}个半天）、定期巡诊（每月{health_points_patrols_per_month}次半日）、"
        "定期讲座（每两个月一次，全年{health_points_lectures_per_year}次）；巡诊和讲座信息提前"
        "{health_points_notice_min_days}至{health_points_notice_max_days}天公示。"
    )
    applicant = "organisation"
    params = (
        "health_points_consultation_min_half_days",
        "health_points_consultation_max_half_days",
        "health_points_patrols_per_month",
        "health_points_lectures_per_year",
        "health_points_notice_min_days",
        "health_points_notice_max_days",
    )
    conditions = (
        *(clause for _, _, clause, _, _ in _YES_NO),
        "health_points_standard",
        "health_points_focus_areas",
        "health_points_no_money",
    )
    interpretations = (
        (
            "定期问诊“原则上每周安排1至2个半天”：0个半天不符合（没有定期问诊）；超过2个半天须经批准的例外"
            "（consultation_exception_approved），否则不符合。",
            "health_points_consultation_max_half_days",
        ),
        ("定期巡诊“每月应提供一次半日巡诊”：每月至少一次即符合，多于一次也符合。", "health_points_patrols_per_month"),
        (
            "定期讲座“每两个月一次（全年共6次）”：全年至少6次即符合，5次不符合，多于6次也符合。",
            "health_points_lectures_per_year",
        ),
        (
            "“提前1至2周公示”：公示日期须在活动日前7天至前14天之间（两端含）；提前6天或15天均不符合。",
            "health_points_notice_min_days",
        ),
        ("管理人员“原则上由…负责人兼任”：只核对已落实管理人员，不核对由谁兼任。", "health_points_staff_manager"),
        (
            "文件称“四固三定”，实际列出五项（固定场所、固定人员、定期问诊、定期巡诊、定期讲座）：五项全部核对。",
            "health_points_standard",
        ),
    )
    schema = FactsSchema(
        (
            _bool("in_cluster_area", "位于企业、职工集中的产业园区、楼宇或商圈"),
            _bool(
                "built_on_existing_station", "依托党群服务站、职工服务站、职工书屋、爱心妈咪小屋或户外职工爱心接力站"
            ),
            _bool("has_private_area", "划定相对私密、固定的独立区域"),
            _bool("has_basic_equipment", "配备日常诊疗设备"),
            _bool("plaque_displayed", "“健康服务点”铭牌已挂牌明示"),
            _bool("service_notice_posted", "墙上公示《健康服务点服务公告》"),
            _bool("cooperation_agreement_signed", "街镇工会与对口社区卫生服务中心签订合作协议"),
            _bool("gp_team_assigned", "派驻“全科（家庭）医生”（团队）"),
            _bool("has_manager", "落实管理人员"),
            _bool("offers_consultation_services", "提供体检报告解读、健康咨询及疾病预防知识普及"),
            _bool("consultation_by_appointment", "定期问诊采取预约制"),
            Fact("consultation_half_days_per_week", "int", "每周问诊半天数", minimum=0, maximum=14),
            _bool("consultation_exception_approved", "问诊安排超出每周规定半天数已获批准", required=False),
            Fact("patrols_per_month", "int", "每月半日巡诊次数", minimum=0, maximum=31),
            Fact("lectures_per_year", "int", "全年讲座次数", minimum=0, maximum=366),
            Fact("event_kind", "choice", "公示的活动", choices=EVENT_KINDS, required=False),
            Fact("event_date", "date", "巡诊或讲座日期", required=False, help="填写后计算公示期限"),
            Fact("notice_posted_on", "date", "公示日期", required=False),
        )
    )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        checks.note(
            "standard",
            "按“四固三定”标准核对：固定场所、固定人员、定期问诊、定期巡诊、定期讲座",
            ctx.clause("health_points_standard"),
        )
        for code, name, clause, met, unmet in _YES_NO:
            checks.need(code, getattr(f, name), ctx.clause(clause), met, unmet)
        self._consultation(checks, f, ctx)
        patrols_min = ctx.value("health_points_patrols_per_month")
        patrols = f.patrols_per_month
        checks.need(
            "patrol.monthly",
            None if patrols is None else patrols >= patrols_min,
            ctx.clause("health_points_patrols_per_month"),
            f"每月半日巡诊{patrols}次",
            f"每月应提供{patrols_min}次半日巡诊服务，实际每月{patrols}次",
            f"待确认每月半日巡诊次数（每月应提供{patrols_min}次）",
        )
        lectures_min = ctx.value("health_points_lectures_per_year")
        lectures = f.lectures_per_year
        checks.need(
            "lecture.yearly",
            None if lectures is None else lectures >= lectures_min,
            ctx.clause("health_points_lectures_per_year"),
            f"全年讲座{lectures}次",
            f"每两个月应开展一次讲座（全年共{lectures_min}次），实际全年{lectures}次",
            f"待确认全年讲座次数（每两个月一次，全年共{lectures_min}次）",
        )
        dates = self._notice(checks, f, ctx)
        checks.note("amount.not_stated", "文件未载明建点补贴或经费金额", ctx.clause("health_points_no_money"))
        return checks.decision(self, dates=dates)

    def _consultation(self, checks: Checks, f: Facts, ctx: Context) -> None:
        low = ctx.value("health_points_consultation_min_half_days")
        high = ctx.value("health_points_consultation_max_half_days")
        half_days = f.consultation_half_days_per_week
        clause = ctx.clause("health_points_consultation_max_half_days")
        if half_days is None:
            checks.need(
                "consultation.half_days", None, clause, "", "", f"待确认每周问诊半天数（原则上{low}至{high}个半天）"
            )
        elif half_days < low:
            checks.fail(
                "consultation.half_days",
                f"定期问诊原则上每周安排{low}至{high}个半天，实际每周{half_days}个半天",
                clause,
            )
        elif half_days <= high:
            checks.note("consultation.half_days", f"每周问诊{half_days}个半天（原则上{low}至{high}个半天）", clause)
        elif f.consultation_exception_approved:
            checks.note(
                "consultation.half_days.exception",
                f"每周问诊{half_days}个半天，超出原则上的{high}个半天，已获批准",
                clause,
            )
        else:
            checks.fail(
                "consultation.half_days",
                f"定期问诊原则上每周安排{low}至{high}个半天，实际每周{half_days}个半天（超出须经批准）",
                clause,
            )

    def _notice(self, checks: Checks, f: Facts, ctx: Context) -> dict:
        event = f.event_date
        if event is None:
            return {}
        low, high = ctx.value("health_points_notice_min_days"), ctx.value("health_points_notice_max_days")
        notice_from, notice_by = event - timedelta(days=high), event - timedelta(days=low)
        what = EVENT_LABELS.get(f.event_kind, "巡诊或讲座")
        clause = ctx.clause("health_points_notice_min_days")
        posted = f.notice_posted_on
        if posted is None:
            checks.note(
                "notice.range",
                f"{what}日期 {event}：应在 {notice_from} 至 {notice_by} 之间公示（提前{_weeks(low, high)}）",
                clause,
            )
        else:
            ahead = (event - posted).days
            when = f"提前{ahead}天" if ahead >= 0 else f"晚于活动{-ahead}天"
            checks.need(
                "notice.ahead",
                notice_from <= posted <= notice_by,
                clause,
                f"{what}信息于 {posted} 公示，{when}（应提前{low}至{high}天）",
                f"{what}信息应提前{_weeks(low, high)}（{low}至{high}天，即 {notice_from} 至 {notice_by}）公示，"
                f"实际于 {posted} 公示（{when}）",
            )
        return {"notice_from": notice_from, "notice_by": notice_by}


RULES_2019: tuple[type[Rule], ...] = ()
RULES_2021: tuple[type[Rule], ...] = (HealthServicePoint,)
