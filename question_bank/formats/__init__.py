"""Import and export formats: native YAML, GIFT, Moodle XML and simple CSV.

``import_questions`` takes an uploaded file's bytes and name and returns an ``ImportResult``
(all questions, or all errors and none); ``export_questions`` writes questions in a format and
lists what the format could not carry. The per-format modules hold the details and the
coverage notes; README.md has the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from question_bank.formats.common import DEFAULT_CATEGORY, ExportResult
from question_bank.formats.csv_simple import export_csv, read_csv, read_csv_bytes
from question_bank.formats.gift import read_gift
from question_bank.formats.gift_export import export_gift
from question_bank.formats.moodle_xml import read_moodle_xml
from question_bank.formats.moodle_xml_export import export_moodle_xml
from question_bank.formats.preview import Duplicate, find_duplicates, preview
from question_bank.formats.yaml_native import dump_yaml, read_yaml
from question_bank.issues import ImportResult, issue, result_from
from question_bank.model import Curriculum, Difficulty, Question

FORMATS = ("yaml", "gift", "xml", "csv")
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".gift": "gift", ".txt": "gift", ".xml": "xml",
              ".csv": "csv"}


def detect_format(filename: str) -> str | None:
    """The format a file name's extension suggests, or None."""
    return EXTENSIONS.get(PurePath(filename).suffix.lower())


def import_questions(data: bytes, filename: str, *, language: str, file_format: str | None = None,
                     category: str = DEFAULT_CATEGORY, curriculum: Curriculum | None = None,
                     difficulty: Difficulty = Difficulty.MEDIUM, bilingual: bool = False
                     ) -> ImportResult:
    """Read an uploaded file; ``language`` says which language single-language formats fill.

    YAML files are bilingual by nature; ``bilingual=True`` demands both languages in them.
    """
    file_format = file_format or detect_format(filename)
    name = PurePath(filename).name
    if file_format not in FORMATS:
        return result_from([], [issue("file.format", value=filename, allowed=list(EXTENSIONS))],
                           file=name)
    options = {"language": language, "category": category, "curriculum": curriculum,
               "difficulty": difficulty}
    if file_format == "xml":
        return read_moodle_xml(data, name, **options)
    if file_format == "csv":
        return read_csv_bytes(data, name, **options)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return result_from([], [issue("file.encoding")], file=name)
    if file_format == "yaml":
        return read_yaml(text, name, shipped=False, bilingual=bilingual)
    return read_gift(text, name, **options)


def export_questions(questions: Iterable[Question], file_format: str, language: str = "zh",
                     curriculum: Curriculum | None = None) -> ExportResult:
    """``questions`` in ``file_format``; single-language formats use ``language``."""
    questions = list(questions)
    if file_format == "yaml":
        return ExportResult(dump_yaml(questions, curriculum))
    exporters = {"gift": export_gift, "xml": export_moodle_xml, "csv": export_csv}
    if file_format not in exporters:
        raise ValueError(f"unknown format {file_format!r}; use one of {FORMATS}")
    return exporters[file_format](questions, language)


__all__ = [
    "FORMATS", "Duplicate", "ExportResult", "ImportResult", "detect_format", "dump_yaml",
    "export_csv", "export_gift", "export_moodle_xml", "export_questions", "find_duplicates",
    "import_questions", "preview", "read_csv", "read_gift", "read_moodle_xml", "read_yaml",
]
