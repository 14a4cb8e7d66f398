"""Information pages: what the policy documents offer members without an application (issue 11) — the
member card's fee waivers, group-buy merchants and facility discounts, the 看花博 card-holder offer, the
2021 district check-ups held with the Wuxi and Zhejiang stays, the 2021 C/D coverage classes.

Each page is plain words of ours (through gettext) beside the clauses that state the offer, read from
the policy data (subsidies/rules/data/<year>/info.toml and the projects' own files), never retyped here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from subsidies.rules.core import Clause
from subsidies.rules.data import load_policy_data


@dataclass(frozen=True)
class InfoItem:
    heading: str
    text: str
    clauses: tuple[tuple[int, str], ...]  # (policy year, clause name)
    link: tuple[str, str] | None = None  # (label, url name): where to act on it, if anywhere


@dataclass(frozen=True)
class InfoPage:
    slug: str
    title: str
    intro: str
    items: tuple[InfoItem, ...]


@dataclass(frozen=True)
class ShownItem:
    heading: str
    text: str
    clauses: tuple[Clause, ...]
    link: tuple[str, str] | None


PAGES: tuple[InfoPage, ...] = (
    InfoPage(
        "member-card",
        _("会员服务卡权益"),
        _("持有效上海工会会员服务卡的会员无需申请即可享受以下权益，凭卡使用。"),
        (
            InfoItem(
                _("免收年费、换卡手续费和挂失手续费"),
                _("会员服务卡是上海农商银行借记卡，具有借记卡全部金融功能；年费、换卡手续费和挂失手续费均免收。"),
                ((2019, "info_card_fee_waivers"),),
            ),
            InfoItem(
                _("团购优惠商户"),
                _(
                    "持卡会员可享受工会会员团购优惠商户的专属优惠；区总工会开展“百家商户共合作，万名职工得实惠”"
                    "合作商户推广活动，在已有合作商户的基础上继续发展优惠商户。"
                ),
                ((2019, "info_card_group_buy"), (2019, "info_card_merchants_campaign")),
            ),
            InfoItem(
                _("工会服务设施优惠"),
                _(
                    "持卡会员可享受市、区两级工会所属服务机构和设施（如工会的疗休养院所、文化宫）以及职工援助服务中心"
                    "提供的免费或优惠服务。"
                ),
                ((2019, "info_card_facilities"),),
                (_("疗休养和体检计划"), "sanatorium:plans"),
            ),
        ),
    ),
    InfoPage(
        "flower-expo",
        _("持卡会员“看花博”特惠"),
        _("2021年第十届中国花卉博览会期间，上海工会会员服务卡持卡会员可享受“看花博”特惠服务。"),
        (
            InfoItem(
                _("持卡会员“看花博”特惠服务"),
                _("特惠服务面向上海工会会员服务卡持卡会员，凭卡享受。"),
                ((2021, "info_flower_expo_card_offer"),),
                (_("“看花博”进度"), "flower_expo:progress"),
            ),
        ),
    ),
    InfoPage(
        "district-checkups-2021",
        _("2021年区总体检与疗休养同时进行"),
        _("2021年区总工会的职工健康体检在无锡和浙江的工人疗养院进行，与区总团体疗休养同时执行。"),
        (
            InfoItem(
                _("区总体检地点"),
                _("无锡市工人疗养院和浙江省总工会工人疗养院；参加这两处区总团体疗休养的职工同时体检。"),
                ((2021, "info_district_checkup_sites"), (2021, "info_district_stay_sites")),
                (_("疗休养和体检计划"), "sanatorium:plans"),
            ),
        ),
    ),
    InfoPage(
        "flexible-coverage-2021",
        _("2021年灵活就业会员专享保障（C类、D类）"),
        _("2021年市总工会为符合条件的灵活就业会员赠送一份专享保障，无需另行申请；保障责任以市总工会公布的条款为准。"),
        (
            InfoItem(
                _("D类保障"),
                _("一次性缴满年度会费的灵活就业会员，由市总工会赠送《灵活就业会员专享保障D类保障》。"),
                ((2021, "info_flexible_class_d"),),
            ),
            InfoItem(
                _("C类保障"),
                _("其他符合条件的灵活就业会员，由市总工会赠送《灵活就业会员专享保障C类保障》。"),
                ((2021, "info_flexible_class_c"),),
            ),
            InfoItem(
                _("保障条款"),
                _("C类、D类保障的具体保障责任见《灵活就业会员专享保障条款（2021版）》，可在上海市总工会官网查询。"),
                ((2021, "info_flexible_terms"),),
            ),
        ),
    ),
)
PAGES_BY_SLUG = {page.slug: page for page in PAGES}


def info_page_items(page: InfoPage) -> list[ShownItem]:
    """The page's items with their clauses read from the policy data."""
    return [
        ShownItem(
            item.heading,
            item.text,
            tuple(load_policy_data(year).clause(name) for year, name in item.clauses),
            item.link,
        )
        for item in page.items
    ]
