"""The deployment's static files storage (jiading_union.staticfiles): each URL worked out once."""

import json
from unittest import mock

import pytest

from jiading_union.staticfiles import StaticFilesStorage


@pytest.fixture
def storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1", "hash": "x"})
    )
    return StaticFilesStorage()


def test_a_url_is_the_hashed_name_and_is_worked_out_once(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    with mock.patch.object(StaticFilesStorage.__mro__[1], "url", side_effect=AssertionError("asked again")):
        assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_name_missing_from_the_manifest_still_raises_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError):
            storage.url("css/missing.css")
