"""Images and attachments of a course bundle: allowed types, size limit, and references.

An asset lives flat in ``assets/`` and is referenced from lesson Markdown as ``assets/<name>``.
Only png, jpg/jpeg, gif, webp and pdf are accepted, at most 5 MB each, and the first bytes must
match the extension (a renamed ``.exe`` is not a PNG). `asset_problem` is the same check for a
single upload, so the authoring pages refuse what an import would refuse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from lms.courses.bundle_model import (
    ASSET_EXTENSIONS,
    MAX_ASSET_BYTES,
    Asset,
    BundleError,
    bundle_error,
)

ASSET_DIR = "assets/"
_ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: ``assets/<name>`` anywhere in Markdown: image, link, reference definition or raw HTML.
_ASSET_REF = re.compile(r"(?<![\w./-])assets/[^\s)\"'<>\]]+")
_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "pdf": (b"%PDF-",),
}


def _looks_like(extension: str, data: bytes) -> bool:
    """Whether ``data`` starts like a file of ``extension`` (magic numbers)."""
    if extension == "webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return data.startswith(_SIGNATURES[extension])


def asset_problem(name: str, data: bytes) -> BundleError | None:
    """Why an asset named ``name`` with content ``data`` is refused (an error located at
    ``name``), or None if it is fine."""
    if not _ASSET_NAME.match(name):
        return bundle_error(name, None, "asset.bad_name", name=repr(name))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ASSET_EXTENSIONS:
        return bundle_error(name, None, "asset.type", extension=extension,
                            allowed=", ".join(ASSET_EXTENSIONS))
    if len(data) > MAX_ASSET_BYTES:
        return bundle_error(name, None, "asset.too_big", size=f"{len(data) / (1024 * 1024):.1f}",
                            limit=MAX_ASSET_BYTES // (1024 * 1024))
    if not _looks_like(extension, data):
        return bundle_error(name, None, "asset.content", kind=extension.upper(),
                            extension=extension)
    return None


def check_assets(files: Mapping[str, bytes], errors: list[BundleError]) -> tuple[Asset, ...]:
    """The bundle's assets sorted by name; problems are appended to ``errors``."""
    assets = []
    for path in sorted(files):
        if not path.startswith(ASSET_DIR):
            continue
        name = path[len(ASSET_DIR) :]
        problem = asset_problem(name, files[path])
        if problem:
            errors.append(replace(problem, file=path))
        else:
            assets.append(Asset(name, files[path]))
    return tuple(assets)


def asset_refs(text: str) -> list[tuple[int, str]]:
    """``(line, assets/<name>)`` for every asset reference in Markdown ``text``."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _ASSET_REF.finditer(line):
            target = re.split(r"[?#]", match.group(0), maxsplit=1)[0]
            found.append((number, target))
    return found


def check_asset_refs(file: str, text: str, files: Mapping[str, bytes]) -> list[BundleError]:
    """Errors for references in ``file`` to assets the bundle does not contain."""
    return [
        bundle_error(file, line, "asset.missing_ref", target=target)
        for line, target in asset_refs(text)
        if target not in files
    ]
