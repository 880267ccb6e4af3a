"""Text handling shared by grading, hashing and display.

- ``normalise_answer``: how a typed short answer is compared. NFKC folds full-width letters,
  digits and spaces to half-width (Chinese input methods produce both); casefold ignores case;
  surrounding spaces are dropped and inner runs of spaces count as one.
- ``parse_number``: what a trainee may type into a numerical answer: full-width digits,
  a decimal comma (``3,5``), thousands separators (``1,000,000`` or ``1,000.5``) and the unit
  shown beside the box.
- ``render_text``: a question text in its format (Markdown, HTML, plain, Moodle auto-format)
  to HTML that is safe to put in a page: whatever the author wrote, only a short list of tags
  and attributes survives, and scripts and styles are removed with their content.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata

import bleach
import markdown

from question_bank.model import TextFormat

_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SINGLE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "hr", "span",
    "table", "thead", "tbody", "tr", "th", "td", "a",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["colspan", "rowspan"],
                      "td": ["colspan", "rowspan"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def normalise_answer(text: str) -> str:
    """Fold width, case and spacing so equal answers compare equal."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES.sub(" ", folded).strip()


def plain_text(text: str) -> str:
    """The text with HTML tags removed and entities decoded (for hashing and excerpts)."""
    return html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", text)))


def normalise_for_hash(text: str | None) -> str:
    """Markup-free, width-, case- and space-folded text for duplicate detection."""
    return normalise_answer(plain_text(text or ""))


def excerpt(text: str, length: int = 80) -> str:
    """A one-line plain-text excerpt for lists and previews."""
    flat = _SPACES.sub(" ", plain_text(text)).strip()
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def parse_number(raw: str | float | int, unit: str | None = None) -> float | None:
    """The number a trainee typed, or None when it is not a number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw) if math.isfinite(raw) else None
    text = normalise_answer(str(raw)).replace("\u2212", "-")
    folded_unit = normalise_answer(unit or "")
    if folded_unit and text.endswith(folded_unit):
        text = text[: len(text) - len(folded_unit)].strip()
    text = text.replace(" ", "").replace("_", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # decimal comma
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def render_text(text: str | None, text_format: TextFormat = TextFormat.MARKDOWN,
                *, inline: bool = False) -> str:
    """Safe HTML for ``text`` written in ``text_format``.

    ``inline=True`` unwraps a single paragraph (for options, items and labels).
    """
    if not text:
        return ""
    if text_format == TextFormat.PLAIN:
        rendered = html.escape(text).replace("\n", "<br>\n")
    elif text_format == TextFormat.MARKDOWN:
        rendered = markdown.markdown(_SCRIPT.sub("", text), extensions=["tables", "sane_lists"])
    elif text_format == TextFormat.MOODLE:
        rendered = _SCRIPT.sub("", text).replace("\n", "<br>\n")
    else:
        rendered = _SCRIPT.sub("", text)
    cleaned = bleach.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                           protocols=ALLOWED_PROTOCOLS, strip=True).strip()
    if inline:
        match = _SINGLE_PARAGRAPH.match(cleaned)
        if match and "<p>" not in match.group(1):
            return match.group(1)
    return cleaned
