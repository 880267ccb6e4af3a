"""GIFT's lexical rules, shared by the reader and the writer.

Escapes: ``\\~ \\= \\# \\{ \\} \\: \\\\`` stand for the character itself and ``\\n`` for a line
break inside a text. While parsing, each escape becomes a private-use stand-in (Moodle uses
``&&058;``-style placeholders the same way), so markup search never trips over an escaped
character; ``restore`` turns the stand-ins back at the end.
"""

from __future__ import annotations

import re
from decimal import Decimal

from question_bank.model import TextFormat

ESCAPABLE = "\\~=#{}:n"
_BASE = 0xE100
PLACEHOLDER = {char: chr(_BASE + ord(char)) for char in ESCAPABLE}
_RESTORE = {value: ("\n" if char == "n" else char) for char, value in PLACEHOLDER.items()}
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
RESERVED = re.compile(f"[{chr(_BASE)}-{chr(_BASE + 0x7F)}]")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")
TF_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def escape_placeholders(line: str) -> str:
    """``line`` with each GIFT escape replaced by its private-use stand-in."""
    return _ESCAPE.sub(lambda match: PLACEHOLDER[match.group(1)], line)


def restore(text: str) -> str:
    """Stand-ins back to the characters they escaped."""
    return "".join(_RESTORE.get(char, char) for char in text)


def split_format(text: str, default: TextFormat) -> tuple[TextFormat, str]:
    """A leading ``[format]`` marker and the text after it (stripped)."""
    match = _FORMAT.match(text)
    if not match:
        return default, text.strip()
    return TextFormat(match.group(1)), text[match.end():].strip()


def weight(text: str) -> float:
    """``50`` (from ``%50%``) -> 0.5, computed in decimal so it round-trips exactly."""
    return float(Decimal(text) / 100)


def percent(fraction: float) -> str:
    """0.5 -> ``50``: the inverse of ``weight`` without binary rounding noise."""
    value = (Decimal(repr(float(fraction))) * 100).normalize()
    return format(value, "f")


def escape(text: str) -> str:
    """``text`` written so GIFT reads it back unchanged."""
    text = text.replace("\\", "\\\\").replace("\r", "")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")
