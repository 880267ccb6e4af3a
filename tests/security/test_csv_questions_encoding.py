"""Question CSV bytes are decoded strictly: GB18030 read, anything else refused (item 8)."""

from question_bank.formats.csv_simple import read_csv_bytes

CSV = "text,option_a,option_b,correct\n先回应客户情绪还是先查问题?,先安抚情绪,先查问题,A\n"


def test_gb18030_is_read_and_flagged():
    result = read_csv_bytes(CSV.encode("gb18030"), "bank.csv", language="zh")
    assert not result.errors
    assert "先安抚情绪" in str(result.questions[0])
    assert any(w.code == "csv.gb18030" for w in result.warnings)


def test_bytes_of_no_known_encoding_are_refused_not_replaced():
    garbage = b"text,option_a\n\xff\xfe\xfd\x80\x81,\xff\n"
    result = read_csv_bytes(garbage, "bank.csv", language="zh")
    assert not result.questions
    assert [e.code for e in result.errors] == ["file.encoding"]
