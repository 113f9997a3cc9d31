"""The static files' storage in production: WhiteNoise's, with each file's address worked
out once per process."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Fingerprinted, compressed files (WhiteNoise), each address remembered.

    `{% static %}` asks for five addresses on every page, each about 15 µs of parsing and
    looking up the manifest. The manifest is read when the process starts, and new files
    need `collectstatic` and a restart (scripts/serve runs it before gunicorn), so a
    name's address cannot change while the process runs.
    """

    REMEMBERED_MOST = 4096  # the templates and the admin name a few hundred at most

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._addresses[name]
        except KeyError:
            address = super().url(name)
        if len(self._addresses) < self.REMEMBERED_MOST:
            self._addresses[name] = address
        return address
