"""The agreement page's headline and priority list follow the thresholds of its table."""

import re

from lms.extensions import db
from lms.roleplay import demo, service
from lms.roleplay.agreement import agreement_view
from lms.roleplay.models import Rubric
from tests.factories import make_user
from tests.roleplay.factories import levels_at, make_performance, score

PAGE = "/roleplay/rubrics/complaint_handling/agreement"
ROW = re.compile(r'<tr[^>]*>\s*<th scope="row">(.*?)</th>(.*?)</tr>', re.S)
VERDICT = re.compile(r'class="verdict verdict-(\w+)"')
TAG = re.compile(r'<span class="tag">(.*?)</span>')


def _demo_scores(app):
    """The demo's two raters: close on the total, apart on a few criteria."""
    with app.app_context():
        for username, roles in (("trainer", ["trainer"]), ("lead", ["lead", "trainer"])):
            make_user(roles=roles, username=username)
        for name in ("trainee", "e1002", "e1003", "e1004", "e1005"):
            make_user(roles=["trainee"], username=name)
        demo.load()


def _table(body: str) -> dict[str, list[str]]:
    table = body[body.index('id="agreement-table"'):body.index("</table>",
                                                                  body.index('id="agreement-table"'))]
    return {re.sub(r"<[^>]+>", "", label).strip(): VERDICT.findall(cells)
            for label, cells in ROW.findall(table)}


def test_a_good_total_is_not_called_untrustworthy_and_only_weak_criteria_are_priorities(
        app, client, auth):
    _demo_scores(app)
    auth.as_role("trainer")
    body = client.get(PAGE).get_data(as_text=True)
    rows = _table(body)
    total_label = next(label for label in rows if label == "总分")
    assert rows[total_label][0] in ("good", "excellent")  # the table says ICC is good
    headline = body[body.index('id="agreement-verdict"'):body.index("</div>",
                                                                    body.index('id="agreement-verdict"'))]
    assert "不可信" not in headline
    assert "总分可以使用" in headline
    weak = {label for label, verdicts in rows.items()
            if label != total_label and ({"moderate", "poor"} & {verdicts[0]}
                                         or "unreliable" in verdicts[1:])}
    priorities = {tag.strip() for tag in TAG.findall(headline)}
    assert weak and priorities == weak  # the same criteria the table marks, no others
    assert len(priorities) < len(rows) - 1


def test_a_poor_total_says_the_scores_cannot_be_trusted(app_ctx):
    from tests.roleplay.factories import load_content

    load_content()
    strict, lenient = make_user(roles=["trainer"]), make_user(roles=["trainer"])
    trainee = make_user(roles=["trainee"])
    for rank_a, rank_b in ((0, 3), (3, 0), (1, 3), (2, 0)):
        performance = make_performance(trainee=trainee, author=strict)
        score(performance, strict, levels_at(performance, rank_a))
        score(performance, lenient, levels_at(performance, rank_b))
    rubric = db.session.query(Rubric).filter_by(key="complaint_handling").one()
    view = agreement_view(rubric, service.scorings_for(rubric))
    assert view.total.icc_flag.level == "poor"
    assert view.headline == "untrusted" and view.calibrate
    icc = [row.icc.value for row in view.criteria if row.calibrate]
    assert icc == sorted(icc)  # worst first
