"""How the singles rules are applied for (see projects.procedures)."""

from projects.procedures import Procedure

PROCEDURES = (Procedure("singles_event", (), "2019 §9 参加方式：会员报名领取名额", offering="required"),)
