"""Information pages (issue 11): what the documents offer without an application, each with its clauses,
reachable from the portal's navigation and home page."""

import html

import pytest
from django.urls import reverse

from projects import info
from subsidies.rules.data import load_policy_data

# (page, words the page must show: the offer as the document states it)
EXPECTED = [
    ("member-card", ("免收年费、换卡手续费以及挂失手续费", "135家商户", "百家商户共合作", "疗休养院所、文化宫")),
    ("flower-expo", ("持卡会员“看花博”特惠服务",)),
    ("district-checkups-2021", ("无锡市工疗养院和浙江总工会工人疗养院", "区总体检项目与疗休养项目同时执行")),
    ("flexible-coverage-2021", ("D类保障", "C类保障", "《灵活就业会员专享保障条款（2021版）》", "上海市总工会官网")),
]


@pytest.mark.django_db
@pytest.mark.parametrize("slug, words", EXPECTED)
def test_each_page_shows_the_offer_with_its_clauses(client, slug, words):
    response = client.get(reverse("projects:info_page", args=[slug]))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    for word in words:
        assert word in text, word
    for item in info.PAGES_BY_SLUG[slug].items:
        for year, name in item.clauses:
            clause = load_policy_data(year).clause(name)
            assert clause.quote in text and clause.citation in text


@pytest.mark.django_db
def test_the_pages_are_reachable_from_the_navigation_and_the_home_page(client):
    index = reverse("projects:info_index")
    home = client.get(reverse("home")).content.decode()
    assert home.count(f'href="{index}"') >= 2  # the header's navigation and the home page's section
    listing = client.get(index).content.decode()
    for page in info.PAGES:
        assert reverse("projects:info_page", args=[page.slug]) in listing


@pytest.mark.django_db
def test_an_unknown_page_is_not_found(client):
    assert client.get(reverse("projects:info_page", args=["nothing"])).status_code == 404


def test_every_page_cites_only_policy_clauses_that_exist():
    for page in info.PAGES:
        for item in page.items:
            assert item.clauses
            for year, name in item.clauses:
                assert load_policy_data(year).clause(name).quote
