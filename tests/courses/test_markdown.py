"""Lesson Markdown renders to HTML a trainee can open safely."""

from __future__ import annotations

import pytest

from lms.courses.markdown import render_markdown


def test_markdown_features_render():
    html = render_markdown(
        "## Targets\n\n| class | respond |\n| --- | --- |\n| urgent | 1 h |\n\n"
        "1. listen\n2. restate\n\n```text\nreport -> respond\n```\n\n> **calm** and *clear*\n"
    )
    for fragment in (
        "<h2>Targets</h2>",
        "<table>",
        "<td>1 h</td>",
        "<ol>",
        "<li>restate</li>",
        "<pre><code",
        "report -&gt; respond",
        "<blockquote>",
        "<strong>calm</strong>",
        "<em>clear</em>",
    ):
        assert fragment in html


def test_script_is_removed_with_its_content():
    html = render_markdown("Hello\n\n<script>alert('owned')</script>\n\nBye")
    assert "<script" not in html and "alert" not in html
    assert "Hello" in html and "Bye" in html


@pytest.mark.parametrize(
    "link",
    [
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click]( javascript:alert(1) )",
    ],
)
def test_dangerous_link_targets_are_dropped(link):
    html = render_markdown(link)
    assert "click" in html
    assert "javascript" not in html.lower() and "data:" not in html


def test_event_handlers_iframes_and_styles_are_removed():
    html = render_markdown(
        '<img src="x.png" onerror="alert(1)">\n\n<iframe src="https://evil.example"></iframe>\n\n'
        '<p style="position:fixed" onclick="steal()">text</p>'
    )
    assert "onerror" not in html and "onclick" not in html and "style" not in html
    assert "<iframe" not in html and "evil.example" not in html
    assert '<img src="x.png">' in html and "text" in html


def test_links_get_rel_noopener_and_safe_schemes_stay():
    html = render_markdown("[docs](https://example.org) [mail](mailto:a@example.org) [rel](../x)")
    assert html.count('rel="noopener noreferrer"') == 3
    assert 'href="https://example.org"' in html and 'href="mailto:a@example.org"' in html
    assert 'href="../x"' in html


def test_asset_links_are_resolved_by_the_caller():
    html = render_markdown(
        "![flow](assets/flow.png)\n\n[form](assets/form.pdf)",
        resolve_asset=lambda name: f"/courses/assets/7/{name}",
    )
    assert 'src="/courses/assets/7/flow.png"' in html
    assert 'href="/courses/assets/7/form.pdf"' in html


def test_data_uri_images_are_dropped():
    html = render_markdown("![x](data:image/png;base64,iVBORw0KGgo=)")
    assert "data:" not in html
