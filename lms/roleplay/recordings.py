"""Role-play recordings: audio or video only, size-limited, stored under a random name.

Files live in ``UPLOAD_DIR/roleplay/`` under a random name (the uploader's file name is never
used on disk, so it cannot traverse directories or collide). The type is accepted when the
file extension is an allowed audio/video one, the browser-declared MIME type says audio or
video, AND the file's first bytes (its "magic number") match the container the extension
names: MP3 (ID3 tag or an MPEG audio frame sync), WAV (RIFF....WAVE), Ogg (OggS), WebM
(EBML header 1A 45 DF A3) and the ISO media family MP4/M4A/MOV (``ftyp``, or for old
QuickTime files a ``moov``/``mdat``/``wide``/``free`` atom, at offset 4). A renamed
executable or document is therefore refused whatever its name says. The limit is
``ROLEPLAY_RECORDING_MAX_MB`` (default 20 MB, the app-wide upload limit).
"""

import secrets
from pathlib import Path

from flask import current_app

ALLOWED_EXTENSIONS = {
    "mp3": "audio/mpeg", "m4a": "audio/mp4", "wav": "audio/wav", "ogg": "audio/ogg",
    "oga": "audio/ogg", "webm": "video/webm", "mp4": "video/mp4", "mov": "video/quicktime",
}
DEFAULT_MAX_MB = 20


def _is_mp3(head: bytes) -> bool:
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF
                                       and head[1] & 0xE0 == 0xE0)


def _is_iso_media(head: bytes) -> bool:
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


#: extension → test of the file's first bytes.
MAGIC_CHECKS = {
    "mp3": _is_mp3,
    "wav": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE",
    "ogg": lambda head: head[:4] == b"OggS",
    "oga": lambda head: head[:4] == b"OggS",
    "webm": lambda head: head[:4] == b"\x1a\x45\xdf\xa3",
    "mp4": _is_iso_media, "m4a": _is_iso_media, "mov": _is_iso_media,
}


def content_matches(extension: str, data: bytes) -> bool:
    """True when the file's first bytes are those of the container ``extension`` names."""
    check = MAGIC_CHECKS.get(extension)
    return bool(check and check(data[:16]))


class RecordingError(ValueError):
    """The upload was refused; the message says why and what is allowed."""


class ContentMismatch(RecordingError):
    """The file's bytes are not those of the audio/video type its name claims."""


def recording_dir() -> Path:
    """The folder holding recordings (created on first use)."""
    folder = Path(current_app.config["UPLOAD_DIR"]) / "roleplay"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def max_bytes() -> int:
    """The size limit in bytes."""
    return int(current_app.config.get("ROLEPLAY_RECORDING_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def save_recording(filename: str, mimetype: str, data: bytes) -> tuple[str, str]:
    """Check and store one recording; returns (stored name, MIME type)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    declared = (mimetype or "").split(";")[0].strip().lower()
    if extension not in ALLOWED_EXTENSIONS or not declared.startswith(("audio/", "video/")):
        raise RecordingError(", ".join(sorted(ALLOWED_EXTENSIONS)))
    if not content_matches(extension, data):
        raise ContentMismatch(extension)
    if len(data) > max_bytes():
        raise RecordingError(f"{max_bytes() // (1024 * 1024)} MB")
    name = f"{secrets.token_hex(16)}.{extension}"
    (recording_dir() / name).write_bytes(data)
    return name, ALLOWED_EXTENSIONS[extension]


def recording_path(name: str) -> Path:
    """The file of a stored recording (names are ours, but never trust a path part)."""
    return recording_dir() / Path(name).name
