"""Bilingual texts of the simulation (alerts, warnings, drill actions and errors).

The texts live in ``messages.yaml`` beside this module, each as ``{zh: ..., en: ...}`` with
``str.format`` placeholders; queue and group ids in parameters are replaced by the scenario's
titles in the same language when the scenario gives them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from scenarios import Scenario

_FILE = Path(__file__).with_name("messages.yaml")


@lru_cache(maxsize=1)
def messages() -> dict:
    """All message templates by section and code."""
    with _FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _titled(params: dict, lang: str, scenario: Scenario | None) -> dict:
    shown = dict(params)
    if scenario is None:
        return shown
    if "queue" in shown and shown["queue"] in scenario.queue_names:
        title = scenario.queue(shown["queue"]).title
        shown["queue"] = title.get(lang) if title else shown["queue"]
    if "group" in shown and shown["group"] in scenario.group_names:
        title = scenario.group(shown["group"]).title
        shown["group"] = title.get(lang) if title else shown["group"]
    return shown


def render(section: str, code: str, params: dict | None = None,
           scenario: Scenario | None = None) -> dict[str, str]:
    """``{zh: ..., en: ...}`` for message ``code`` of ``section`` filled with ``params``."""
    template = messages()[section][code]
    params = params or {}
    texts = {}
    for lang in ("zh", "en"):
        shown = _titled(params, lang, scenario)
        if section == "alerts" and "action" in shown:
            shown["action"] = messages()["actions"][shown["action"]][lang]
        texts[lang] = template[lang].format_map(_Default(shown))
    return texts


class _Default(dict):
    """Leaves unknown placeholders visible instead of raising (e.g. an alert without queue)."""

    def __missing__(self, key: str) -> str:
        return "-"
