"""Polish: a favicon on every page, Chinese punctuation in Chinese text, plural-correct English."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
#: Catalogs of the features this check covers (others are listed in the issue note).
CATALOGS = ("lms/translations", "lms/evaluation/translations", "lms/planning/translations",
            "lms/roleplay/translations", "lms/settings/translations",
            "lms/rostering/translations", "lms/callbacks/translations")
CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
ASCII_NEXT_TO_CHINESE = re.compile(
    rf"[{CJK}]\s*[,:;?!]|[,;?!]\s*[{CJK}]|(?<![\d%])[:]\s*[{CJK}]|[{CJK}]\s*\((?!\w\)[sd])")


def test_every_page_links_the_favicon(client):
    page = client.get("/login").get_data(as_text=True)
    link = re.search(r'<link rel="icon"[^>]*href="([^"]+)"', page)
    assert link, "no favicon link in the page head"
    with client.get(link.group(1)) as icon:
        assert icon.status_code == 200 and b"<svg" in icon.data


@pytest.mark.parametrize("catalog", CATALOGS)
def test_chinese_text_uses_chinese_punctuation(catalog):
    with (ROOT / catalog / "zh/LC_MESSAGES/messages.po").open("rb") as file:
        messages = read_po(file, locale="zh")
    wrong = []
    for message in messages:
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        wrong += [text for text in texts if text and ASCII_NEXT_TO_CHINESE.search(text)]
    assert not wrong, "\n".join(wrong[:20])


@pytest.mark.parametrize("path, lang, expected, wrong", [
    ("/evaluation/", "en", "1 trainee in this selection.", "1 trainees"),
])
def test_one_is_singular_in_english(app, client, auth, path, lang, expected, wrong):
    from lms.extensions import db
    from tests.factories import make_user

    auth.as_role("trainer", username="single", locale=lang)
    with app.app_context():
        make_user(roles=["trainee"])
        db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert expected in page and wrong not in page
