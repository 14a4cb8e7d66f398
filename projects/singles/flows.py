"""How the singles rules are applied for (see projects.flows)."""

from projects.flows import Flow

FLOWS = (
    Flow("singles_event", (), "2019 §9 参加方式：会员报名领取名额", session="required"),
)
