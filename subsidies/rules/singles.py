"""“嘉缘会” singles events (2019 §9; the 2021 singles project, whose target group is not restated).

The interpretation choices are class attributes, rendered into docs/rules.md.
"""

from __future__ import annotations

from .base import Checks, Context, Rule
from .core import Decision, Route
from .facts import Fact, Facts, FactsSchema
from .pieces import age_on
from .vocabulary import MARITAL_STATUSES

SINGLE_STATUSES = frozenset({"single", "divorced", "widowed"})

CHANNELS_2019 = (
    ("online_platform", "市总工会线上平台登记注册，后台匹配（使用会员服务卡）"),
    ("wechat_event", "嘉定工会微信公众号报名区总女职工委员会“嘉缘会”活动"),
    ("shengongshe_event", "“申工社”活动报名页面领取名额（持卡会员绑定申工社）"),
    ("union_event", "所在街镇、委、局、公司工会组织报名"),
)
CHANNELS_2021 = (
    ("online_platform", "市总工会线上平台（“会缘”小程序）登记注册并实名认证（使用会员服务卡）"),
    ("shengongshe_event", "“申工社”活动报名页面领取名额（持卡会员绑定“申工社”）"),
    ("union_event", "各直属工会单独或联合举办的活动"),
)
CHANNEL_CLAUSES = {
    "online_platform": "singles_online_platform",
    "wechat_event": "singles_wechat_event",
    "shengongshe_event": "singles_shengongshe_event",
    "union_event": "singles_union_event",
}

SHANGHAI_MEMBER = Fact("is_shanghai_member", "bool", "上海工会会员", profile="is_district_member")
MARITAL_STATUS = Fact(
    "marital_status",
    "choice",
    "婚姻状况",
    choices=tuple(MARITAL_STATUSES.items()),
    profile="marital_status",
    source="applicant",
    help="未婚、离异、丧偶视为单身",
)
BIRTH_DATE = Fact("birth_date", "date", "出生日期", profile="birth_date")
APPLICATION_DATE = Fact("application_date", "date", "报名日期", profile="today")
EVENT_DATE = Fact("event_date", "date", "活动日期", required=False, help="填写后按活动日期计算年龄，否则按报名日期")
MEMBER_CARD = Fact(
    "has_valid_member_card",
    "bool",
    "持有有效上海工会会员服务卡",
    required=False,
    profile="has_valid_member_card",
    help="线上平台登记和“申工社”报名需要",
)
BOUND = Fact(
    "bound_to_shengongshe", "bool", "会员服务卡已绑定“申工社”", required=False, help="通过“申工社”报名线下活动需要"
)
PLACES_LEFT = Fact(
    "places_left",
    "int",
    "活动剩余名额",
    source="record",
    required=False,
    minimum=0,
    maximum=100000,
    help="线下活动名额；为0时名额已满",
)


class _SinglesEvent(Rule):
    rule_id = "singles_event"
    project = "singles"
    title = "“嘉缘会”单身青年交友活动"
    summary = "{singles_max_age}周岁以下单身上海工会会员，可在线上平台登记匹配，或报名参加线下主题交友活动。"
    applicant = "member"
    params = ("singles_max_age",)
    conditions = (
        "singles_shanghai_member",
        "singles_single",
        "singles_forms",
        "singles_online_platform",
        "singles_shengongshe_event",
        "singles_union_event",
    )
    channels: dict[str, str] = dict(CHANNELS_2019)
    interpretations = (
        ("“单身”：婚姻状况为未婚、离异或丧偶的属单身，已婚的不属单身；婚姻状况“未登记”的待确认。", "singles_single"),
        (
            "“40周岁以下”含40周岁（“以下”含本数）：按活动日期计算周岁，未填活动日期的按报名日期计算；41周岁不可参加。",
            "singles_max_age",
        ),
        (
            "2月29日出生的，按项目通用约定在平年的2月28日满周岁：2025年2月28日起即为41周岁，不可参加。",
            "singles_max_age",
        ),
        (
            "会员服务卡只在文件写明“使用/持工会会员服务卡”的参加方式中要求（线上平台登记、“申工社”报名领取名额）；"
            "其他参加方式文件未要求持卡。",
            "singles_online_platform",
        ),
    )

    def _target_group(self, checks: Checks, f: Facts, ctx: Context) -> None:
        checks.need(
            "member.shanghai",
            f.is_shanghai_member,
            ctx.clause("singles_shanghai_member"),
            "上海工会会员",
            "须为上海工会会员",
        )
        status = f.marital_status
        label = MARITAL_STATUSES.get(status, "")
        checks.need(
            "single",
            None if status is None or status == "unknown" else status in SINGLE_STATUSES,
            ctx.clause("singles_single"),
            f"单身（{label}）",
            f"须为单身（未婚、离异或丧偶），婚姻状况为{label}",
            "待确认婚姻状况：须为单身（未婚、离异或丧偶）",
        )
        max_age = ctx.value("singles_max_age")
        on = f.event_date or f.application_date
        basis = "活动日" if f.event_date else "报名日"
        age = None if f.birth_date is None or on is None else age_on(f.birth_date, on)
        checks.need(
            "age.over_40",
            None if age is None else age <= max_age,
            ctx.clause("singles_max_age"),
            f"{basis}为{age}周岁，在{max_age}周岁以下（含{max_age}周岁）",
            f"年龄须在{max_age}周岁以下（含{max_age}周岁），{basis}为{age}周岁",
            f"待确认年龄：须在{max_age}周岁以下（含{max_age}周岁）",
        )

    def _card(self, checks: Checks, f: Facts, ctx: Context, clause_name: str) -> None:
        checks.need(
            "card.valid",
            f.has_valid_member_card,
            ctx.clause(clause_name),
            "持有有效上海工会会员服务卡",
            "此参加方式须使用有效的上海工会会员服务卡",
        )

    def _channel_specific(self, checks: Checks, f: Facts, ctx: Context) -> None:
        channel = f.channel
        if channel == "online_platform":
            self._card(checks, f, ctx, "singles_online_platform")
            checks.note(
                "channel.online",
                "在市总工会线上平台登记注册后，后台按择偶条件匹配",
                ctx.clause("singles_online_platform"),
            )
        elif channel == "shengongshe_event":
            self._card(checks, f, ctx, "singles_shengongshe_event")
            checks.need(
                "card.bound",
                f.bound_to_shengongshe,
                ctx.clause("singles_shengongshe_event"),
                "会员服务卡已绑定“申工社”，可在活动报名页面领取名额",
                "通过“申工社”报名须先将会员服务卡绑定“申工社”",
            )
        elif channel == "wechat_event":
            checks.note(
                "channel.wechat",
                "通过嘉定工会微信公众号报名区总女职工委员会组织的“嘉缘会”活动",
                ctx.clause("singles_wechat_event"),
            )
        elif channel == "union_event":
            checks.note("channel.union", "通过所在工会报名参加其组织的交友活动", ctx.clause("singles_union_event"))

    def _scope_note(self, checks: Checks, ctx: Context) -> None:
        checks.note(
            "service.forms", "线上交友平台与线下主题活动；文件未载明费用或补贴金额", ctx.clause("singles_forms")
        )

    def decide(self, f: Facts, ctx: Context) -> Decision:
        checks = Checks()
        self._scope_note(checks, ctx)
        self._target_group(checks, f, ctx)
        channel = f.channel
        checks.need(
            "channel",
            None if channel is None else True,
            ctx.clause("singles_forms"),
            f"参加方式：{self.channels.get(channel, '')}",
            "",
            "待选择参加方式",
        )
        self._channel_specific(checks, f, ctx)
        if f.places_left is not None and channel is not None:
            checks.need(
                "places.full",
                f.places_left > 0,
                ctx.clause(CHANNEL_CLAUSES[channel]),
                f"活动尚余名额 {f.places_left} 个",
                "活动名额已满",
            )
        details = {"age_basis": "活动日期" if f.event_date else "报名日期"}
        if channel is not None:
            details["channel"] = self.channels[channel]
        return checks.decision(self, route=Route.APP if channel == "shengongshe_event" else None, details=details)


class SinglesEvent2019(_SinglesEvent):
    conditions = (*_SinglesEvent.conditions, "singles_wechat_event")
    schema = FactsSchema(
        (
            SHANGHAI_MEMBER,
            MARITAL_STATUS,
            BIRTH_DATE,
            APPLICATION_DATE,
            EVENT_DATE,
            Fact("channel", "choice", "参加方式", choices=CHANNELS_2019),
            MEMBER_CARD,
            BOUND,
            PLACES_LEFT,
        )
    )


class SinglesEvent2021(_SinglesEvent):
    summary = (
        "单身青年会员（2021年文件未重述服务对象，沿用2019年{singles_max_age}周岁以下单身上海工会会员），"
        "可在“会缘”小程序登记并实名认证，或报名参加线下交友活动。"
    )
    channels = dict(CHANNELS_2021)
    interpretations = (
        (
            "2021年文件未重述服务对象：沿用2019年“40周岁以下单身上海工会会员”，条款引用2019年文件。",
            "singles_shanghai_member",
        ),
        *_SinglesEvent.interpretations,
        ("“会缘”小程序“登记注册后，实名认证信息”：线上平台须完成实名认证。", "singles_online_platform"),
    )
    schema = FactsSchema(
        (
            SHANGHAI_MEMBER,
            MARITAL_STATUS,
            BIRTH_DATE,
            APPLICATION_DATE,
            EVENT_DATE,
            Fact("channel", "choice", "参加方式", choices=CHANNELS_2021),
            MEMBER_CARD,
            Fact("real_name_verified", "bool", "已在“会缘”小程序完成实名认证", required=False, help="线上平台需要"),
            BOUND,
            PLACES_LEFT,
        )
    )

    def _scope_note(self, checks: Checks, ctx: Context) -> None:
        checks.note(
            "scope.2019_criteria",
            f"2021年文件未重述服务对象，沿用2019年“{ctx.value('singles_max_age')}周岁以下单身上海工会会员”；"
            "文件未载明费用或补贴金额",
            ctx.clause("singles_forms"),
        )

    def _channel_specific(self, checks: Checks, f: Facts, ctx: Context) -> None:
        super()._channel_specific(checks, f, ctx)
        if f.channel == "online_platform":
            checks.need(
                "real_name",
                f.real_name_verified,
                ctx.clause("singles_online_platform"),
                "已在“会缘”小程序实名认证",
                "须在“会缘”小程序登记注册并完成实名认证",
            )


RULES_2019: tuple[type[Rule], ...] = (SinglesEvent2019,)
RULES_2021: tuple[type[Rule], ...] = (SinglesEvent2021,)
