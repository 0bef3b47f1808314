from __future__ import annotations

import html
import random

from bot import render
from handlers.messages import escape


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


# --- Escaped text renders as itself -------------------------------------------------------

# Every character the grammar gives a meaning to, where it means most: line starts, pairs,
# inside and around each construct, and backslashes before and after them.
CORPUS = [
    "",
    "**x**",
    "*x*",
    "`x`",
    "[a](b)",
    "[Натисніть тут](https://evil.example/login) **терміново**",
    "<b>Адмін</b> [x](http://e.vil)",
    "- пункт",
    "  - пункт з відступом",
    "+ плюс",
    "* зірочка",
    "# заголовок",
    "###### шостий",
    "#хештег",
    "-5 градусів",
    "рядок\n- другий\n\n# третій\n  * четвертий",
    "\\",
    "\\\\",
    "\\*не жирний\\*",
    "C:\\Users\\*.txt",
    "кінець\\",
    "\\- уже з рискою",
    "** **",
    "****",
    "**a\\**",
    "*a\\*",
    "[a\\](b)",
    "`a\\`",
    "a*b*c",
    "x **y** *z* `w` [v](https://u.ua) \\ # - +",
    "\r- повернення каретки",
    "\u00a0- нерозривний пробіл",
    "\t# табуляція",
    "&lt; <> & \"лапки\" 'апостроф'",
    "«- » і «**»",
]
ALPHABET = "*`[]()\\-+#_ \t\n\r\u00a0ab1<>&\"'іїєґ:/."


def random_texts(count: int) -> list[str]:
    rng = random.Random(20261126)  # fixed: the same texts every run
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def test_escaped_text_renders_as_itself() -> None:
    for text in CORPUS + random_texts(5000):
        marked = escape(text)
        assert render.to_plain(marked) == text, marked
        assert render.to_html(marked) == html.escape(text, quote=False), marked


def test_escaped_text_inside_our_bold_and_link_stays_itself() -> None:
    for text in CORPUS + random_texts(2000):
        if "\n" in text or not text.strip():
            continue  # bold and labels are one line, and of something
        shown = html.escape(text, quote=False)
        assert render.to_html("**" + escape(text) + "**") == f"<b>{shown}</b>", text
        link = render.to_html("[" + escape(text) + "](https://mkrada.gov.ua)")
        assert link == f'<a href="https://mkrada.gov.ua">{shown}</a>', text


def test_a_line_cut_between_words_does_not_turn_a_dash_into_a_bullet() -> None:
    line = "я" * 4095 + " - це тире посеред рядка"  # the cut falls just before the dash
    pieces = render.split(line, render.to_plain)
    assert pieces == ["я" * 4095, "- це тире посеред рядка"]


def test_a_word_cut_by_characters_keeps_each_escape_whole() -> None:
    word = escape("a" + "*" * 5000)  # one «word» of 10,001 characters: a\*\*\*…
    pieces = render.split(word, render.to_plain)
    assert len(pieces) > 1
    # Pieces of a word come a paragraph each; no backslash is left over from a cut escape.
    assert "".join(pieces).replace("\n", "") == "a" + "*" * 5000
