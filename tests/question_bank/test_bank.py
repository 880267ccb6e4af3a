"""The shipped banks load through the loader, and the message catalogue is complete."""

import re
import string
from pathlib import Path

from question_bank import BANKS_DIR, load_shipped_banks, validate_questions
from question_bank.bank import load_shipped_banks as load_from
from question_bank.issues import BankError, messages

PACKAGE = Path(__file__).resolve().parents[2] / "question_bank"
CODE_CALL = re.compile(
    r'(?:issue|fail|warn|_warning|message_text)\(\s*"([a-z_0-9]+\.[a-z_.0-9]+)"')


def test_shipped_banks_load_validate_and_hold_at_least_200_questions():
    questions = load_shipped_banks()
    assert validate_questions(questions) == []
    assert len(questions) >= 200, f"only {len(questions)} shipped questions so far"


def test_a_key_used_in_two_bank_files_is_refused(tmp_path):
    bank = (BANKS_DIR / sorted(p.name for p in BANKS_DIR.glob("*.yaml"))[0]).read_text(
        encoding="utf-8")
    (tmp_path / "one.yaml").write_text(bank, encoding="utf-8")
    (tmp_path / "two.yaml").write_text(bank, encoding="utf-8")
    try:
        load_from(tmp_path)
    except BankError as error:
        assert {item.code for item in error.issues} == {"key.duplicate"}
        assert all(item.file == "two.yaml" for item in error.issues)
        assert "one.yaml" in error.issues[0].message("en")
    else:
        raise AssertionError("duplicate keys across files were accepted")


def test_every_message_code_used_in_the_package_is_in_the_catalogue():
    catalogue = messages()
    used = set()
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(CODE_CALL, source))
    assert used, "no message codes found"
    assert used <= set(catalogue), sorted(used - set(catalogue))


def test_every_message_has_chinese_and_english_with_the_same_placeholders():
    for code, texts in messages().items():
        assert set(texts) == {"zh", "en"}, code
        fields = [{name for _, name, _, _ in string.Formatter().parse(texts[lang]) if name}
                  for lang in ("zh", "en")]
        assert fields[0] == fields[1], code
