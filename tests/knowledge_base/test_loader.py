from __future__ import annotations

import datetime
from pathlib import Path

from knowledge_base.loader import load_articles
from knowledge_base.model import Link
from tests.harness import write_articles

from .conftest import ARTICLES

GOOD = """---
id: {id}
title: Заголовок
category: Категорія
questions:
  - перше питання
  - друге питання
---
Текст відповіді.
"""


def load_one(tmp_path: Path, text: str) -> tuple[Path, list[str], list[int]]:
    path = tmp_path / "article.md"
    path.write_text(text, encoding="utf-8")
    result = load_articles(tmp_path)
    assert result.articles == []
    assert [error.path for error in result.errors] == [path]
    return path, [error.reason for error in result.errors], [e.line for e in result.errors]


def test_loads_every_field(kb_dir: Path) -> None:
    result = load_articles(kb_dir)

    assert result.errors == []
    bills = next(article for article in result.articles if article.id == "utility-bills")
    assert bills.category == "Комунальні послуги"
    assert bills.questions[0] == "як оплатити рахунок за воду через інтернет"
    assert bills.keywords == ("квартплата", "особовий рахунок", "лічильник")
    assert bills.links == (Link("Портал міської ради", "https://mkrada.gov.ua"),)
    assert bills.updated == datetime.date(2026, 11, 1)
    assert bills.body.startswith("Рахунки за воду")
    assert bills.path == kb_dir / "housing/utility-bills.md"


def test_bad_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    text = "---\nid: a\ntitle: [не закрито\ncategory: x\n---\nТекст\n"
    _path, reasons, lines = load_one(tmp_path, text)

    assert "YAML" in reasons[0]
    assert lines[0] in (3, 4)


def test_missing_field(tmp_path: Path) -> None:
    _path, reasons, lines = load_one(tmp_path, "---\nid: a\ntitle: Т\n---\nТекст\n")

    assert reasons == ["немає обов'язкового поля «category»"]
    assert lines == [1]


def test_bad_id(tmp_path: Path) -> None:
    _path, reasons, lines = load_one(tmp_path, GOOD.format(id="Bad_ID"))

    assert "неправильний id" in reasons[0]
    assert lines == [2]


def test_empty_body(tmp_path: Path) -> None:
    text = GOOD.format(id="a").replace("Текст відповіді.\n", "\n\n")
    _path, reasons, lines = load_one(tmp_path, text)

    assert reasons == ["порожній текст статті після метаданих"]
    assert lines == [9]


def test_malformed_link_points_at_the_link(tmp_path: Path) -> None:
    text = GOOD.format(id="a").replace(
        "---\nТекст",
        "links:\n  - title: Добре\n    url: https://example.org\n  - title: Погане\n"
        "    url: mkrada.gov.ua\n---\nТекст",
    )
    _path, reasons, lines = load_one(tmp_path, text)

    assert "посилання №2" in reasons[0]
    assert lines == [11]


def test_missing_front_matter(tmp_path: Path) -> None:
    _path, reasons, lines = load_one(tmp_path, "Просто текст без метаданих\n")

    assert "---" in reasons[0]
    assert lines == [1]


def test_duplicate_id_keeps_the_first_and_reports_the_second(tmp_path: Path) -> None:
    write_articles(tmp_path, {"a.md": GOOD.format(id="same"), "b.md": GOOD.format(id="same")})

    result = load_articles(tmp_path)

    assert [article.path.name for article in result.articles] == ["a.md"]
    [error] = result.errors
    assert error.path == tmp_path / "b.md"
    assert error.line == 2
    assert "уже є" in error.reason
    assert str(error) == f"{tmp_path / 'b.md'}:2: {error.reason}"


def test_one_question_is_a_warning_not_an_error(tmp_path: Path) -> None:
    text = GOOD.format(id="a").replace("  - друге питання\n", "")
    write_articles(tmp_path, {"a.md": text})

    result = load_articles(tmp_path)

    assert [article.id for article in result.articles] == ["a"]
    assert result.errors == []
    [warning] = result.warnings
    assert warning.line == 5
    assert "questions" in warning.reason


def test_drafts_and_hidden_files_are_skipped(tmp_path: Path) -> None:
    broken = "not an article"
    write_articles(
        tmp_path,
        {
            "ok.md": GOOD.format(id="ok"),
            "_draft.md": broken,
            ".hidden.md": broken,
            "_drafts/inside.md": broken,
            ".git/inside.md": broken,
        },
    )

    result = load_articles(tmp_path)

    assert [article.id for article in result.articles] == ["ok"]
    assert result.errors == []


def test_good_articles_load_beside_broken_ones(tmp_path: Path) -> None:
    write_articles(tmp_path, {**ARTICLES, "broken.md": "---\nid: x\n---\n"})

    result = load_articles(tmp_path)

    assert len(result.articles) == len(ARTICLES)
    assert [error.path.name for error in result.errors] == ["broken.md"]


def test_notes_for_staff_in_comments_are_neither_shown_nor_searched(tmp_path: Path) -> None:
    text = GOOD.format(id="a").replace(
        "Текст відповіді.\n",
        "Коротка відповідь.\n\n<!-- Персоналу:\nперевірити телефони -->\n\nПодробиці.\n",
    )
    write_articles(tmp_path, {"a.md": text})

    [article] = load_articles(tmp_path).articles

    assert "Персоналу" not in article.body and "<!--" not in article.body
    assert article.short_answer == "Коротка відповідь."
    assert article.details == "Подробиці."


def test_an_unclosed_comment_is_an_error(tmp_path: Path) -> None:
    text = GOOD.format(id="a").replace("Текст відповіді.", "Текст. <!-- забули закрити")
    _path, [reason], [line] = load_one(tmp_path, text)

    assert "не закрито" in reason
    assert line == 9


def test_a_long_first_paragraph_is_a_warning(tmp_path: Path) -> None:
    long_answer = "Дуже довге речення без жодної паузи. " * 20
    write_articles(tmp_path, {"a.md": GOOD.format(id="a").replace("Текст відповіді.", long_answer)})

    result = load_articles(tmp_path)

    assert [article.id for article in result.articles] == ["a"]
    [warning] = result.warnings
    assert "перший абзац" in warning.reason and warning.line == 9
