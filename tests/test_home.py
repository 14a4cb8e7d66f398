import pytest

from projects.catalogue import CATEGORIES, SERVICE_PROJECTS

pytestmark = pytest.mark.django_db


def test_home_page_lists_every_service_project_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "嘉定区总工会会员服务平台" in html
    for category in CATEGORIES:
        assert category.title in html
    for project in SERVICE_PROJECTS:
        assert project.title in html


def test_english_is_available(client):
    response = client.get("/", headers={"accept-language": "en"})
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_health_check(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
