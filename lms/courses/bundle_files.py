"""Getting a bundle's files in and out of folders and zips, safely.

Reading produces ``{posix path inside the course folder: bytes}``; it refuses symbolic links,
zip entries that would leave the folder (``../``, absolute paths, drive letters), encrypted
entries, and bundles whose uncompressed total passes `MAX_BUNDLE_BYTES` (checked from the zip
directory before anything is inflated, and again while reading in case the directory lies).
Editor and OS litter (``.DS_Store``, ``__MACOSX/``, ``Thumbs.db``) is skipped.

Writing is deterministic: files in sorted order, fixed timestamps and permissions in zips, and
a folder is written beside its target and renamed into place so a failure leaves nothing.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from lms.courses.bundle_model import (
    MAX_BUNDLE_BYTES,
    MAX_BUNDLE_FILES,
    BundleError,
    BundleInvalid,
    bundle_error,
)

ZIP_LABEL = "<zip>"
_LITTER_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
_LITTER_DIRS = {"__MACOSX"}
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_MEGABYTE = 1024 * 1024


def _is_litter(path: str) -> bool:
    """Files operating systems leave behind, which are not part of any course."""
    parts = PurePosixPath(path).parts
    return bool(parts) and (parts[-1] in _LITTER_NAMES or any(p in _LITTER_DIRS for p in parts))


def _too_big(total: int, label: str) -> BundleError:
    return bundle_error(label, None, "bundle.too_big", limit=MAX_BUNDLE_BYTES // _MEGABYTE,
                        size=f"{total / _MEGABYTE:.1f}")


def files_from_dir(path: str | os.PathLike) -> dict[str, bytes]:
    """All files of a course folder, keyed by their POSIX path inside it."""
    root = Path(path)
    if not (root / "course.yaml").is_file():
        raise BundleInvalid([bundle_error("course.yaml", None, "course.missing_in_folder",
                                          folder=str(root))])
    files: dict[str, bytes] = {}
    errors: list[BundleError] = []
    total = 0
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            full = Path(folder, name)
            rel = full.relative_to(root).as_posix()
            if full.is_symlink():
                errors.append(bundle_error(rel, None, "file.symlink"))
            elif name in filenames and not _is_litter(rel):
                total += full.stat().st_size
                if total > MAX_BUNDLE_BYTES or len(files) >= MAX_BUNDLE_FILES:
                    raise BundleInvalid([_too_big(total, root.name)])
                files[rel] = full.read_bytes()
    if errors:
        raise BundleInvalid(errors)
    return files


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a zip entry may not be unpacked (a message code), or None."""
    name = info.filename
    parts = PurePosixPath(name).parts
    if "\\" in name or name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        return "zip.unsafe_path"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "file.symlink"
    if info.flag_bits & 0x1:
        return "zip.encrypted"
    return None


def _bundle_root(names: list[str]) -> str:
    """The folder prefix holding course.yaml: '' or '<slug>/' (one top folder)."""
    if "course.yaml" in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and f"{next(iter(tops))}/course.yaml" in names:
        return f"{next(iter(tops))}/"
    raise BundleInvalid([bundle_error("course.yaml", None, "zip.course_missing")])


def _open_zip(source: bytes | str | os.PathLike) -> zipfile.ZipFile:
    """A zip from bytes or a path; an unreadable one is a bundle error, not a crash."""
    try:
        if isinstance(source, bytes | bytearray):
            return zipfile.ZipFile(io.BytesIO(source))
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        error = bundle_error(ZIP_LABEL, None, "zip.unreadable", problem=str(exc))
        raise BundleInvalid([error]) from exc


def files_from_zip(source: bytes | str | os.PathLike) -> dict[str, bytes]:
    """All files of a zipped course, keyed by their POSIX path inside the course folder."""
    with _open_zip(source) as archive:
        entries = [i for i in archive.infolist() if not i.is_dir() and not _is_litter(i.filename)]
        errors = [bundle_error(i.filename, None, p) for i in entries if (p := _entry_problem(i))]
        total = sum(info.file_size for info in entries)
        if total > MAX_BUNDLE_BYTES or len(entries) > MAX_BUNDLE_FILES:
            errors.append(_too_big(total, ZIP_LABEL))
        if errors:
            raise BundleInvalid(errors)
        root = _bundle_root([info.filename for info in entries])
        files = {}
        for info in entries:
            if not info.filename.startswith(root):
                errors.append(bundle_error(info.filename, None, "zip.outside_root", root=root))
                continue
            files[info.filename[len(root) :]] = _read_entry(archive, info, errors)
    if errors:
        raise BundleInvalid(errors)
    return files


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, errors: list) -> bytes:
    """One entry's bytes, never more than its declared size (the directory could lie)."""
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        errors.append(bundle_error(info.filename, None, "zip.cannot_unpack", problem=str(exc)))
        return b""
    if len(data) > info.file_size:
        errors.append(bundle_error(info.filename, None, "zip.larger_than_declared"))
    return data


def write_files_to_dir(files: Mapping[str, bytes], path: str | os.PathLike) -> Path:
    """Write ``files`` into a new or empty folder ``path``, all or nothing."""
    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target} exists and is not an empty folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name in sorted(files):
            full = staging / name
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_bytes(files[name])
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def zip_files(files: Mapping[str, bytes], folder: str) -> bytes:
    """A deterministic zip holding ``files`` under ``<folder>/``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
