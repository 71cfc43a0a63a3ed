"""Single built files from npm packages (``node_modules``) served as static
files under ``vendor/``: only the file a page loads, not a package's whole
``dist`` folder, which collectstatic would otherwise copy and compress at
every start of the server. (The charts are drawn on the server since issue 16,
so ECharts is no longer needed.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# htmx: the place suggestions of the report forms (issue 16).
FILES = {"vendor/htmx/htmx.min.js": ("htmx.org", "dist", "htmx.min.js")}


class NodeModulesFinder(BaseFinder):
    def _path(self, name: str) -> Path | None:
        parts = FILES.get(name)
        if parts is None:
            return None
        path = Path(settings.NODE_MODULES, *parts)
        return path if path.is_file() else None

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        found = self._path(path)
        if found is None:
            return [] if find_all else None
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns: Any) -> Any:
        for name, parts in FILES.items():
            path = Path(settings.NODE_MODULES, *parts)
            if path.is_file():
                storage = FileSystemStorage(location=str(path.parent))
                storage.prefix = str(Path(name).parent)  # type: ignore[attr-defined]
                yield path.name, storage
