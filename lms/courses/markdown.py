"""Lesson Markdown to safe HTML.

Trainers write lessons in Markdown (tables, fenced code, sane lists); trainees read the HTML.
The HTML is sanitised with an allow-list, so whatever a lesson contains (pasted HTML, a
``<script>``, an ``onerror=`` handler, a ``javascript:`` or ``data:`` link) renders harmless:
only the listed tags and attributes survive, links keep http, https, mailto or relative
targets, and every link gets ``rel="noopener noreferrer"``. Relative ``assets/<name>`` links
can be rewritten to real URLs by the caller (the bundle stores assets beside the Markdown).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import bleach
import markdown as markdown_lib
from bleach.html5lib_shim import Filter

ALLOWED_TAGS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
        "pre",
        "blockquote",
        "a",
        "img",
        "strong",
        "em",
        "hr",
        "br",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_EXTENSIONS = ("tables", "fenced_code", "sane_lists")
#: Elements whose text content is code or noise, dropped whole before sanitising; bleach
#: would otherwise keep the text of a stripped <script> as visible words.
_DROPPED_ELEMENTS = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript)\b.*?(</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_ASSET_PREFIX = "assets/"


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """The attribute allow-list (bleach checks link protocols separately)."""
    if tag == "a":
        return name in ("href", "title")
    if tag == "img":
        return name in ("src", "alt", "title")
    if tag == "ol":
        return name == "start" and value.isdigit()
    if tag == "code":  # fenced code names its language for highlighting
        return name == "class" and re.fullmatch(r"language-[\w+-]+", value) is not None
    return False


def _link_filter(resolve_asset: Callable[[str], str] | None) -> type[Filter]:
    """An html5lib filter adding rel to links and resolving ``assets/`` targets."""

    class LinkFilter(Filter):
        def __iter__(self):
            for token in super().__iter__():
                if token["type"] in ("StartTag", "EmptyTag") and token["name"] in ("a", "img"):
                    self._rewrite(token)
                yield token

        def _rewrite(self, token: dict) -> None:
            attrs = token["data"]
            for key in ((None, "href"), (None, "src")):
                target = attrs.get(key)
                if resolve_asset and target and target.startswith(_ASSET_PREFIX):
                    attrs[key] = resolve_asset(target[len(_ASSET_PREFIX) :])
            if token["name"] == "a":
                attrs[(None, "rel")] = "noopener noreferrer"

    return LinkFilter


def render_markdown(text: str, resolve_asset: Callable[[str], str] | None = None) -> str:
    """Markdown ``text`` as sanitised HTML.

    ``resolve_asset(name)`` (optional) maps a relative ``assets/<name>`` link or image to the
    URL the app serves it from; its result is trusted.
    """
    html = markdown_lib.markdown(text, extensions=list(_EXTENSIONS), output_format="html")
    html = _DROPPED_ELEMENTS.sub("", html)
    cleaner = bleach.sanitizer.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_link_filter(resolve_asset)],
    )
    return cleaner.clean(html)
