"""Pages and API answers gzip-compressed for slow phone networks, except the
few answers that show a secret once (see docs/decisions/0020-compression-and-breach.md).

A coverage page of 80 KB of HTML travels as about 6 KB: on a 400 kbit/s
"Slow 3G" link that is 1.5 s less per page. Static files are compressed once
at ``collectstatic`` by WhiteNoise (which answers them before this runs).

BREACH needs a secret in a compressed body beside text an attacker can make
the page reflect, and many requests whose sizes the attacker can watch.
Here:

- the CSRF token in forms is masked afresh in every response (Django since
  1.10), so it never repeats byte for byte between two answers;
- Django's ``GZipMiddleware`` adds a random number of bytes to each answer
  ("Heal the Breach", Django 4.2), which blurs the sizes;
- the session cookie is ``SameSite=Lax``: another site cannot make the
  browser send it with the repeated background requests the attack needs;
- the answers that show a real secret once — a new API token, the key of a
  second-factor device — are never compressed (``UNCOMPRESSED_URL_NAMES``);
  a view can also mark one answer with :func:`never_compress`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Views whose answers may show a secret (a token, a TOTP key) in the page.
UNCOMPRESSED_URL_NAMES = frozenset({"api_tokens", "second_factor", "second_factor_verify"})
NO_COMPRESSION_ATTR = "lnob_no_compression"
# Text compresses; PDFs, spreadsheets (zip files) and images already are.
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/javascript",
                      "application/xml", "image/svg+xml")


def never_compress(response: HttpResponseBase) -> HttpResponseBase:
    """Marks an answer that must travel uncompressed (it shows a secret)."""
    setattr(response, NO_COMPRESSION_ATTR, True)
    return response


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, minus the answers that show a secret."""

    def process_response(self, request: HttpRequest,
                         response: HttpResponseBase) -> HttpResponseBase:
        if getattr(response, NO_COMPRESSION_ATTR, False):
            return response
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in UNCOMPRESSED_URL_NAMES:
            return response
        return super().process_response(request, response)
