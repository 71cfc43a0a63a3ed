"""The model the product scores with: the one retrained here (``lnob dedup
--retrain``, saved under ``DEDUP_MODEL_PATH``) when there is one, else the model
shipped with the engine. Reloaded when the file changes."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from lnob.dedup.engine.model import Model, default_model

_loaded: dict[str, tuple[float, Model]] = {}


def model_path() -> Path:
    return Path(getattr(settings, "DEDUP_MODEL_PATH", "")
                or Path(settings.VAR_DIR) / "dedup-model.json")


def current_model() -> Model:
    path = model_path()
    if not path.exists():
        return default_model()
    mtime = path.stat().st_mtime
    cached = _loaded.get(str(path))
    if cached is None or cached[0] != mtime:
        cached = (mtime, Model.load(path))
        _loaded[str(path)] = cached
    return cached[1]
