"""Role-play recordings: audio or video only, size-limited, stored under a random name.

Files live in ``UPLOAD_DIR/roleplay/`` under a random name (the uploader's file name is never
used on disk, so it cannot traverse directories or collide). The type is accepted when both the
file extension and the browser-declared MIME type say audio or video. The limit is
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


class RecordingError(ValueError):
    """The upload was refused; the message says why and what is allowed."""


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
    if len(data) > max_bytes():
        raise RecordingError(f"{max_bytes() // (1024 * 1024)} MB")
    name = f"{secrets.token_hex(16)}.{extension}"
    (recording_dir() / name).write_bytes(data)
    return name, ALLOWED_EXTENSIONS[extension]


def recording_path(name: str) -> Path:
    """The file of a stored recording (names are ours, but never trust a path part)."""
    return recording_dir() / Path(name).name
