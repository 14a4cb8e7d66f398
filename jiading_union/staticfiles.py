"""The static files storage of a deployment (DEBUG off)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, hashed files, with each file's URL worked out once per process. The
    manifest is read once and fixed for the release, so a name's URL never changes while the process
    runs; Django's storage still looks it up and rebuilds it on every {% static %} (an admin list
    page asks some twenty times: its stylesheets and its form media's scripts)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)  # an unknown name raises, and is not kept
            return url
