"""Item analysis in words that agree with its numbers, naming questions by number and text."""

from lms.exams import attempts
from tests.exams.factories import make_exam, option_ids, single_choice, store
from tests.factories import make_user


def _drawn_exam(app, people: int = 4) -> int:
    """Each attempt draws 2 of 5 questions, so no attempt answers every question."""
    with app.app_context():
        ids = {}
        for n in range(5):
            row = store(single_choice(f"pool-q{n}", right="R", wrong=("W", "X"),
                                      category="service-standards/pool"))
            ids[row.key] = option_ids(row)
        exam = make_exam([], department="Hotline East", draws="2 service-standards/pool")
        for number in range(people):
            person = make_user(roles=["trainee"], department="Hotline East")
            attempt = attempts.start_attempt(exam, person)
            for slot in attempt.questions:
                choice = "R" if number % 2 else "W"
                attempts.save_answer(attempt.id, person.id, slot.id,
                                     ids[slot.version.question.key][choice])
            attempts.submit(attempt.id, person.id)
        return exam.id


def test_drawn_questions_do_not_claim_there_are_no_responses(app, client, auth):
    exam_id = _drawn_exam(app)
    auth.as_role("trainer")
    page = client.get(f"/exams/manage/{exam_id}/items").get_data(as_text=True)
    assert "4 (" in page  # four attempts analysed
    assert "没有作答数据" not in page
    assert "没有一份答卷做了全部题目" in page  # why reliability is missing, in words


def test_advice_names_questions_by_number_and_stem(app, client, auth):
    exam_id = _drawn_exam(app)
    auth.as_role("trainer")
    page = client.get(f"/exams/manage/{exam_id}/items").get_data(as_text=True)
    advice = page[page.index('class="advice"'):page.index("</ul>", page.index('class="advice"'))]
    assert "第 " in advice and "题（题目 pool-q" in advice
    assert "第 pool-q" not in advice  # never "第 <key> 题"
    assert "<code>pool-q" not in page


def test_the_item_analysis_downloads_as_a_sheet_with_its_figures_and_options(app, client,
                                                                            auth):
    import csv
    import io

    from openpyxl import load_workbook

    exam_id = _drawn_exam(app)
    auth.as_role("trainer")
    page = client.get(f"/exams/manage/{exam_id}/items").get_data(as_text=True)
    assert 'id="items-csv"' in page
    got = client.get(f"/exams/manage/{exam_id}/items.csv")
    assert got.status_code == 200
    rows = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["题号", "题目"]
    questions = [r for r in rows[1:] if r[1]]
    options = [r for r in rows[1:] if r[2]]
    assert questions and all(r[4] for r in questions)  # answered counts
    assert {r[2] for r in options} >= {"R", "W", "X"} and any(r[3] == "是" for r in options)
    assert "pool-q" not in "".join(r[0] for r in rows[1:])  # numbers, not keys
    sheet = load_workbook(io.BytesIO(client.get(
        f"/exams/manage/{exam_id}/items.xlsx").data)).active
    assert sheet.max_row == len(rows)
