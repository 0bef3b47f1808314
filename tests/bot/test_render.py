from __future__ import annotations

from bot import render


def test_user_text_is_escaped_for_telegram_html() -> None:
    html = render.to_html("Ціна <5 грн> & більше")
    assert html == "Ціна &lt;5 грн&gt; &amp; більше"


def test_bold_links_and_bullets_become_html() -> None:
    html = render.to_html("**Увага**\n- крок [Дія](https://diia.gov.ua/?a=1&b=2)")
    assert html == ('<b>Увага</b>\n• крок <a href="https://diia.gov.ua/?a=1&amp;b=2">Дія</a>')


def test_markup_inside_bold_is_escaped_not_interpreted() -> None:
    assert render.to_html("**<script>**") == "<b>&lt;script&gt;</b>"


def test_a_link_label_with_quotes_cannot_break_out_of_the_tag() -> None:
    html = render.to_html('[x" onclick="y](https://a.ua/"q")')
    assert 'href="https://a.ua/&quot;q&quot;"' in html
    assert html == '<a href="https://a.ua/&quot;q&quot;">x" onclick="y</a>'


def test_unsafe_link_schemes_stay_text() -> None:
    assert render.to_html("[тиць](javascript:alert(1))") == "тиць (javascript:alert(1))"


def test_plain_rendering_keeps_urls_visible() -> None:
    assert render.to_plain("**Дія**: [портал](https://diia.gov.ua)") == (
        "Дія: портал (https://diia.gov.ua)"
    )


def test_long_text_is_split_between_paragraphs_within_the_limit() -> None:
    paragraphs = [f"**Розділ {i}**\n" + "слово " * 150 for i in range(40)]
    pieces = render.split("\n\n".join(paragraphs), render.to_html)
    assert len(pieces) > 1
    assert all(len(p) <= render.TELEGRAM_LIMIT for p in pieces)
    # every piece is balanced markup: as many <b> as </b>
    assert all(p.count("<b>") == p.count("</b>") for p in pieces)
    assert sum(p.count("Розділ") for p in pieces) == 40


def test_one_huge_paragraph_is_split_between_words() -> None:
    text = " ".join(["<тег>"] * 2000)  # escaping makes it grow
    pieces = render.split(text, render.to_html)
    assert all(len(p) <= render.TELEGRAM_LIMIT for p in pieces)
    assert "".join(pieces).count("&lt;тег&gt;") == 2000


def test_short_text_is_one_piece() -> None:
    assert render.split("Привіт", render.to_html) == ["Привіт"]
