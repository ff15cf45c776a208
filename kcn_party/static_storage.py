"""Production's static files storage: whitenoise's (hashed, compressed files), keeping the
address of each file once it has worked it out. Every page asks for about twenty (`{% static %}`:
the admin's style sheets and scripts), and each answer is a walk through the manifest: split,
unquote, clean and look up the name, then join it to STATIC_URL (docs/benchmarks.md, "Load").
The manifest is read once, when the process starts, so an address never changes while the
process lives; a change of the settings it depends on (STATIC_URL, DEBUG) forgets them all."""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        self._urls: dict[tuple[str, bool], str] = {}
        super().__init__(*args, **kwargs)

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        key = (name, settings.DEBUG)  # in DEBUG, Django gives the file's own name
        address = self._urls.get(key)
        if address is None:
            address = self._urls[key] = super().url(name)
        return address

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        self._urls.clear()
