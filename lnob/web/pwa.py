"""The progressive web app's two site-wide files: the service worker
(``/sw.js``, at the root so it may control every page) and the web app
manifest (``/manifest.webmanifest``), plus the PNG icons Android wants,
drawn here with Pillow (no binary committed). What the worker caches and
why: docs/offline.md, decision 0021."""

from __future__ import annotations

import functools
import hashlib
import io
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lnob.core.access import public

# The files the offline page needs, kept by the worker when it installs, so the
# page works offline the first time (the page itself is kept when it is opened).
PRECACHE = ["web/lnob.css", "vendor/idb/umd.js", "cases/offline.js", "cases/offline.css",
            "web/pwa.js", "web/icons/lnob.svg"]
# Workbox's built modules, served from node_modules (settings.STATICFILES_DIRS).
WORKBOX_MODULES = ["workbox-sw", "workbox-core", "workbox-routing", "workbox-strategies",
                   "workbox-precaching"]
ICON_SIZES = (192, 512)
THEME = "#0b6e4f"


@functools.cache
def _revision(path: str) -> str:
    """The content hash of a static file, so the worker refreshes it when it
    changes (the hashed names of production already say so; a checkout's don't)."""
    found = finders.find(path)
    if not found or isinstance(found, list):
        return ""
    with open(found, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:16]


@public
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    # A hashed name (production's manifest storage) is its own revision: Workbox
    # then takes the file from the HTTP cache the page already filled, instead
    # of asking the network again for every file at install (issue 16).
    precache = [{"url": url, "revision": None if url != settings.STATIC_URL + p
                 else _revision(p)} for p, url in ((p, static(p)) for p in PRECACHE)]
    config = {
        "workbox": static("vendor/workbox/workbox-sw.js"),
        # Each module's own static URL (hashed in production): never a CDN.
        "modules": {m: static(f"vendor/workbox/{m}.prod.js") for m in WORKBOX_MODULES[1:]},
        "precache": precache,
        "offlinePage": reverse("offline_people"),
        "static": settings.STATIC_URL,
        # A new worker installs when its own code changes too.
        "version": _revision("web/sw-main.js"),
    }
    # The worker's code is a static file; this answer gives it its settings.
    code = (f"self.LNOB_SW = {json.dumps(config)};\n"
            f"importScripts({json.dumps(static('web/sw-main.js'))});\n")
    response = HttpResponse(code, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@public
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [{"src": reverse("pwa_icon", args=[size]), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any maskable"} for size in ICON_SIZES]
    icons.append({"src": static("web/icons/lnob.svg"), "sizes": "any",
                  "type": "image/svg+xml"})
    data = {
        "name": _("Leave no one behind"),
        "short_name": "LNOB",
        "description": _("Visits and reports of the social-development network, "
                         "also with no signal."),
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "th",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": icons,
        "shortcuts": [{"name": _("My people (works offline)"),
                       "url": reverse("offline_people")}],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False),
                        content_type="application/manifest+json; charset=utf-8")


@functools.cache
def _icon_png(size: int) -> bytes:
    """A plain icon: two round heads over one arc (people holding together) on
    the theme colour, inside the safe zone of a maskable icon."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (size, size), THEME)
    draw = ImageDraw.Draw(img)
    u = size / 100
    white = "#ffffff"
    for cx in (38, 62):
        draw.ellipse([(cx - 8) * u, 28 * u, (cx + 8) * u, 44 * u], fill=white)
    draw.pieslice([24 * u, 46 * u, 76 * u, 98 * u], 180, 360, fill=white)
    draw.rectangle([24 * u, 71 * u, 76 * u, 74 * u], fill=white)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


@public
@require_GET
def icon(request: HttpRequest, size: int) -> HttpResponse:
    if size not in ICON_SIZES:
        raise Http404
    response = HttpResponse(_icon_png(size), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
