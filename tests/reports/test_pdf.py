"""The PDF helper prints Chinese with the embedded CJK font and fetches only static files."""

import io
from pathlib import Path

import pytest
from flask import render_template_string

from lms.reports import pdf


def _text_of(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _font_names(data: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_pdf_embeds_a_cjk_font_and_keeps_chinese(app_ctx, monkeypatch):
    monkeypatch.setattr(pdf, "render_template", lambda name, **ctx: render_template_string(
        '{% extends "reports/base_pdf.html" %}{% block body %}<h1>{{ title }}</h1>{% endblock %}',
        **ctx))
    data = pdf.render_pdf("ignored.html", {"title": "应急演练评估报告"})
    assert data.startswith(b"%PDF")
    # the CJK font is embedded, so Chinese does not print as empty boxes
    assert any("Noto-Sans-CJK-SC" in name for name in _font_names(data))
    assert "应急演练评估报告" in _text_of(data)


@pytest.mark.parametrize("url", ["http://example.com/x.png", "file:///etc/passwd",
                                 "/static/../../etc/passwd"])
def test_fetcher_refuses_anything_but_static_files(app_ctx, url):
    with pytest.raises(ValueError):
        pdf.static_file_for(url, Path(app_ctx.static_folder).resolve())


def test_fetcher_serves_static_css(app_ctx):
    target = pdf.static_file_for("/static/css/print.css", Path(app_ctx.static_folder).resolve())
    assert b"Noto Sans CJK SC" in target.read_bytes()
