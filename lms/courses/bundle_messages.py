"""The bilingual message catalogue of course bundles (``messages.yaml`` next to this module).

A bundle problem is stored as a stable code plus parameters (see `BundleError`); the wording in
Simplified Chinese and English lives in the catalogue, so a trainer on a Chinese page reads
Chinese and the same problem on an English page reads English. A parameter may itself be a
`Bilingual` text (e.g. "the document"), rendered in the same language as the message.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).with_name("messages.yaml")


@cache
def messages() -> dict[str, dict[str, str]]:
    """The message catalogue: code -> {"zh": template, "en": template}."""
    with MESSAGES_FILE.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def message_text(code: str, language: str = "en", params: dict[str, Any] | None = None) -> str:
    """The message ``code`` in ``language`` (``zh`` or ``en``) with its placeholders filled."""
    templates = messages()[code]
    template = templates.get(language) or templates["en"]
    filled = {
        name: value.get(language) if hasattr(value, "get") else value
        for name, value in (params or {}).items()
    }
    return template.format(**filled)


def check_code(code: str) -> str:
    """``code`` itself; fails loudly if the catalogue lacks it (a programming error)."""
    if code not in messages():
        raise KeyError(f"message code {code!r} is not in {MESSAGES_FILE.name}")
    return code
