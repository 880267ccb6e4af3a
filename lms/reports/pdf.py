"""PDF output through one helper: a Jinja template and plain data in, PDF bytes out.

WeasyPrint renders the HTML. Its URL fetcher only reads the app's own ``static/``
files, so a report can never pull anything from the network or the file system.
Chinese prints with the Noto Sans CJK SC font (installed by ``scripts/setup.sh``),
named in ``static/css/print.css``.
"""

import base64
import binascii
import mimetypes
import os
from pathlib import Path
from urllib.parse import urlsplit

import segno
from flask import current_app, render_template, url_for

STATIC_PREFIX = "/static/"


def static_file_for(url: str, static_root: Path) -> Path:
    """The file under ``static_root`` that ``url`` names; ValueError for anything else."""
    path = urlsplit(url).path
    marker = path.find(STATIC_PREFIX)
    if not url.startswith(("file:", "/", "static/")) or marker < 0:
        raise ValueError(f"reports may only embed static files, not {url}")
    target = (static_root / path[marker + len(STATIC_PREFIX):]).resolve()
    if static_root not in target.parents or not target.is_file():
        raise ValueError(f"no static file {url}")
    return target


#: ``data:`` images a report may embed (the site logo); nothing else is decoded.
EMBEDDED_IMAGE_TYPES = ("image/png", "image/jpeg")


def embedded_image(url: str) -> tuple[str, bytes] | None:
    """``(mime type, bytes)`` of a base64 PNG/JPEG ``data:`` URL, else None."""
    head, comma, payload = url.partition(",")
    mime = head[len("data:"):].removesuffix(";base64")
    if not (url.startswith("data:") and comma and head.endswith(";base64")
            and mime in EMBEDDED_IMAGE_TYPES):
        return None
    try:
        return mime, base64.b64decode(payload, validate=True)
    except binascii.Error:
        return None


def _fetcher(static_root: Path):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Reads ``/static/...`` from disk and refuses every other address."""

        def fetch(self, url, headers=None):
            embedded = embedded_image(url)
            if embedded is not None:  # the site logo, embedded by lms.settings
                return URLFetcherResponse(url, body=embedded[1],
                                          headers={"Content-Type": embedded[0]})
            target = static_file_for(url, static_root)
            mime_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=target.read_bytes(),
                                      headers={"Content-Type": mime_type})

    return StaticOnlyFetcher()


def absolute_url(endpoint: str, **values) -> str:
    """The full address of a page, on ``SITE_URL`` (what a printed page must carry)."""
    base = (current_app.config.get("SITE_URL") or os.environ.get("SITE_URL")
            or "http://127.0.0.1:5000").rstrip("/")
    return base + url_for(endpoint, **values)


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as a PNG ``data:`` URL (embedded by the fetcher above)."""
    return segno.make(text, error="m").png_data_uri(scale=6, border=2)


def render_pdf(template: str, context: dict) -> bytes:
    """Render ``template`` with ``context`` (plain data, not ORM objects) to PDF bytes."""
    from weasyprint import HTML

    html = render_template(template, **context)
    base = Path(current_app.static_folder).resolve().parent.as_uri() + "/"
    fetcher = _fetcher(Path(current_app.static_folder).resolve())
    return HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf()
