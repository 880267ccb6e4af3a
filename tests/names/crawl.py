"""Crawl the pages a signed-in person can reach by links, and read their visible text.

Visible text is what a person sees or hears: element text outside ``<script>``/``<style>``
and ``<template>``, plus ``aria-label``, ``title``, ``alt``, ``placeholder`` and the value of
buttons. Form field values (``<input value>``, ``<textarea>``) are what a person typed or will
type, so they are left out, as are ``<option value>`` attributes (the option's text is kept).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

HIDDEN = {"script", "style", "template", "textarea", "noscript"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SPOKEN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "aria-description")
#: Paths never followed: they end the session, download a file or are not pages.
SKIP_PATH = re.compile(
    r"^/(logout|static/)|\.(csv|xlsx|pdf|json|ics|svg|png|jpe?g|yaml|zip|xml|txt|gift)$"
    r"|/(export|download|pdf|csv|json|feed|ics|xlsx|yaml|report\.pdf)(/|$)", re.I)


class VisibleText(HTMLParser):
    """Collects visible text and links of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href") and "download" not in values:
            self.links.append(values["href"])
        if tag in HIDDEN:
            self.hidden_depth += 1
        if self.hidden_depth == 0:
            if "hidden" in values or values.get("aria-hidden") == "true":
                pass  # an aria-hidden icon's text is still drawn; keep it, attributes too
            for name in SPOKEN_ATTRIBUTES:
                if values.get(name):
                    self.parts.append(values[name])
            if tag == "input" and values.get("type") in {"submit", "button", "reset"} \
                    and values.get("value"):
                self.parts.append(values["value"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if self.hidden_depth == 0 and data.strip():
            self.parts.append(data.strip())


def read_page(html: str) -> tuple[list[str], list[str]]:
    """(visible text fragments, hrefs) of an HTML page."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.parts, parser.links


def _pattern(app, path: str) -> str:
    """The route rule a path belongs to (pages of one rule are capped together)."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except Exception:  # noqa: BLE001 - a link to no route is grouped under its own path
        return path
    return endpoint


def crawl(client, app, start: str = "/", limit: int = 400, per_rule: int = 6):
    """Yield ``(path, visible text fragments)`` of every same-site HTML page reached by links.

    At most ``per_rule`` pages of one route (``/courses/<slug>`` with different slugs) and at
    most ``limit`` pages in all, so the crawl stays quick while still seeing every kind of page.
    """
    seen = {start}
    queue = deque([start])
    per_pattern: Counter = Counter()
    pages = 0
    while queue and pages < limit:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        pages += 1
        parts, links = read_page(response.get_data(as_text=True))
        yield path, parts
        for href in links:
            href = urldefrag(href)[0]
            split = urlsplit(href)
            if split.scheme or split.netloc or not split.path.startswith("/"):
                continue
            target = split.path + (f"?{split.query}" if split.query else "")
            if target in seen or SKIP_PATH.search(split.path) or "lang=" in split.query:
                continue
            seen.add(target)
            pattern = _pattern(app, split.path) + ("?" if split.query else "")
            if per_pattern[pattern] >= per_rule:
                continue
            per_pattern[pattern] += 1
            queue.append(target)
