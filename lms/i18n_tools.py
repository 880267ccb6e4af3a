"""Developer tools for the translation catalogs: find untranslated strings, add translations.

``python -m lms.i18n_tools missing`` lists every string in the code and templates that
has no Chinese translation in any catalog; ``python -m lms.i18n_tools add FILE.json
[CATALOG_DIR]`` merges a ``{"English": "中文"}`` file into a catalog (default: the shared
one). The test suite runs the same check, so an untranslated string fails CI.
"""

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
METHODS = [("lms/**.py", "python"), ("templates/**.html", "jinja2")]
LOCALE = "zh"


def extract_messages() -> dict[str, list[str]]:
    """Every translatable msgid in code and templates, with where it occurs."""
    found: dict[str, list[str]] = {}
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), METHODS, options_map=options, keywords=KEYWORDS
    ):
        # ngettext gives (singular, plural): a plural entry is found by its singular, and
        # ``translated_ids`` keys it so; the plural alone is no separate message.
        msgids = message[:1] if isinstance(message, tuple) else (message,)
        for msgid in msgids:
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def plural_ids() -> dict[str, tuple[str, str]]:
    """singular → (singular, plural) for every ``ngettext`` message in code and templates."""
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    return {message[0]: (message[0], message[1]) for _f, _l, message, _c, _x in
            extract_from_dir(str(PROJECT_ROOT), METHODS, options_map=options,
                             keywords=KEYWORDS)
            if isinstance(message, tuple) and len(message) > 1 and message[1]}


def catalog_paths() -> list[Path]:
    """All Chinese ``messages.po`` files (shared and per feature)."""
    base = PROJECT_ROOT / "lms"
    return sorted(base.glob(f"**/translations/{LOCALE}/LC_MESSAGES/messages.po"))


def translated_ids() -> dict[str, str]:
    """msgid → Chinese text across every catalog (non-empty, non-fuzzy only)."""
    result: dict[str, str] = {}
    for path in catalog_paths():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=LOCALE)
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                result[key] = message.string[0] if isinstance(message.string, tuple) \
                    else message.string
    return result


def missing_translations() -> dict[str, list[str]]:
    """Strings in the code with no Chinese translation, with their locations."""
    done = translated_ids()
    return {msgid: where for msgid, where in extract_messages().items() if msgid not in done}


def add_translations(pairs: dict[str, str], catalog_dir: Path) -> int:
    """Merge ``pairs`` into ``catalog_dir``'s Chinese catalog; returns how many were added."""
    po_path = catalog_dir / LOCALE / "LC_MESSAGES" / "messages.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    if po_path.exists():
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=LOCALE)
    else:
        catalog = Catalog(locale=LOCALE, project="aftersales-lms")
    plurals = plural_ids()
    for msgid, msgstr in pairs.items():
        if msgid in plurals:  # Chinese has one form: the same text for every count
            catalog.add(plurals[msgid], (msgstr,))
        else:
            catalog.add(msgid, msgstr)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=0)
    return len(pairs)


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    if argv[:1] == ["missing"]:
        missing = missing_translations()
        for msgid, where in missing.items():
            print(json.dumps(msgid, ensure_ascii=False), "  #", where[0])
        print(f"{len(missing)} untranslated", file=sys.stderr)
        return 1 if missing else 0
    if argv[:1] == ["add"] and len(argv) >= 2:
        pairs = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        target = Path(argv[2]) if len(argv) > 2 else PROJECT_ROOT / "lms" / "translations"
        print(f"added {add_translations(pairs, target)} to {target}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
