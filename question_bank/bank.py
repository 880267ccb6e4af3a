"""Loading the shipped question banks (``question_bank/banks/*.yaml``).

A shipped bank must be perfect: both languages everywhere, teaching feedback on every
question, keys unique across all files. ``load_bank`` and ``load_shipped_banks`` raise
``BankError`` listing every problem (file, line, key, field) rather than return part of a bank.
"""

from __future__ import annotations

from pathlib import Path

from question_bank.formats.yaml_native import load_file
from question_bank.issues import BankError
from question_bank.model import Question
from question_bank.validation import duplicate_keys

BANKS_DIR = Path(__file__).with_name("banks")


def load_bank(path: str | Path, *, strict: bool = True) -> tuple[Question, ...]:
    """The questions of one bank file; ``strict`` applies the shipped-bank rules."""
    result = load_file(path, shipped=strict)
    if result.errors:
        raise BankError(result.errors)
    return result.questions


def bank_files(directory: str | Path = BANKS_DIR) -> list[Path]:
    """The bank files of ``directory``, in name order."""
    return sorted(Path(directory).glob("*.yaml"))


def load_shipped_banks(directory: str | Path = BANKS_DIR) -> tuple[Question, ...]:
    """Every question of every shipped bank, checked across files for duplicate keys."""
    located: list[tuple[str, None, Question]] = []
    errors = []
    for path in bank_files(directory):
        result = load_file(path)
        errors += result.errors
        located += [(path.name, None, question) for question in result.questions]
    errors += duplicate_keys(located)
    if errors:
        raise BankError(errors)
    return tuple(question for _, _, question in located)
