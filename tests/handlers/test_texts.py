"""The Fluent catalogue behind `handlers.texts`: it parses, it has every text the code asks
for, placeholders are filled, and numbers take their Ukrainian plural forms."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from fluent.syntax import FluentParser
from fluent.syntax import ast as ftl
from fluent.syntax.visitor import Visitor

from bot import render
from handlers import texts

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("handlers", "bot", "knowledge_base", "tests")
FIELD = re.compile(r"\{(\w+)\}")
ISOLATION_MARKS = ("\u2068", "\u2069")


def public_texts() -> Iterator[tuple[str, texts.Text]]:
    """Every text of the module, the mappings' labels included (as `NAME[key]`)."""
    for name, value in vars(texts).items():
        if not name.isupper() or name.startswith("_"):
            continue
        if isinstance(value, texts.Text):
            yield name, value
        elif isinstance(value, Mapping):
            for key, label in value.items():
                assert isinstance(label, texts.Text)
                yield f"{name}[{key}]", label


def sample(text: str) -> dict[str, object]:
    """Values for a text's placeholders: numbers where a number goes, strings elsewhere."""
    return {field: 7 if field in ("count", "limit") else f"<{field}>" for field in fields(text)}


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text))


def sources_using_texts() -> Iterator[tuple[Path, ast.Module]]:
    """The modules that import `handlers.texts`, this one aside (it misuses it on purpose)."""
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == Path(__file__).resolve():
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(
                isinstance(node, ast.ImportFrom)
                and node.module == "handlers"
                and any(alias.name == "texts" for alias in node.names)
                for node in ast.walk(tree)
            ):
                yield path, tree


def uses_of_texts() -> Iterator[tuple[Path, ast.Attribute]]:
    """Every `texts.NAME` in them."""
    for path, tree in sources_using_texts():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "texts"
            ):
                yield path, node


def catalogue() -> Iterator[tuple[Path, ftl.Resource]]:
    for path in sorted(texts.CATALOGUE.glob("*.ftl")):
        yield path, FluentParser().parse(path.read_text(encoding="utf-8"))


# --- The files ---------------------------------------------------------------------------


def test_every_catalogue_file_parses_without_junk_and_opens_with_a_note_for_librarians() -> None:
    files = list(catalogue())
    assert {path.stem for path, _ in files} >= {"common", "reference", "queue", "appeals"}
    for path, resource in files:
        junk = [entry.content for entry in resource.body if isinstance(entry, ftl.Junk)]
        assert junk == [], path.name
        assert isinstance(resource.body[0], ftl.ResourceComment), path.name
        assert "{ $" in (resource.body[0].content or "")  # it explains placeholders


class _References(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def visit_MessageReference(self, node: ftl.MessageReference) -> None:
        self.ids.add(node.id.name)


def test_every_message_in_the_catalogue_is_used_and_its_id_follows_the_python_name() -> None:
    exported = {text.message_id for _, text in public_texts()}
    defined, references = set(), _References()
    for _, resource in catalogue():
        defined |= {entry.id.name for entry in resource.body if isinstance(entry, ftl.Message)}
        references.visit(resource)
    assert defined - exported - references.ids == set()
    for name, value in vars(texts).items():
        if name.isupper() and isinstance(value, texts.Text):
            assert value.message_id == name.lower().replace("_", "-")


def test_a_file_with_a_syntax_error_stops_the_import_naming_file_line_and_text(
    tmp_path: Path,
) -> None:
    (tmp_path / "common.ftl").write_text(
        "### Note\n\ngreeting = Вітаю!\nunindented second line\nmenu = Меню\n", encoding="utf-8"
    )
    with pytest.raises(texts.CatalogueError) as error:
        texts._load(tmp_path)
    assert "common.ftl:4:" in str(error.value)
    assert "«greeting»" in str(error.value)
    assert "unindented second line" in str(error.value)


def test_the_same_id_in_two_files_stops_the_import(tmp_path: Path) -> None:
    (tmp_path / "a.ftl").write_text("menu = Меню\n", encoding="utf-8")
    (tmp_path / "b.ftl").write_text("menu = Інше меню\n", encoding="utf-8")
    with pytest.raises(texts.CatalogueError, match=r"b\.ftl: «menu» is already defined in a\.ftl"):
        texts._load(tmp_path)


# --- The API the handlers use ------------------------------------------------------------


def test_every_text_the_code_names_exists() -> None:
    missing = {
        f"{path.relative_to(ROOT)}:{node.lineno}: texts.{node.attr}"
        for path, node in uses_of_texts()
        if not hasattr(texts, node.attr)
    }
    assert missing == set()


def test_every_placeholder_of_a_text_is_given_where_the_code_formats_it() -> None:
    """A placeholder renamed or mistyped in a .ftl file would fail there, in a chat."""
    checked = 0
    for path, tree in sources_using_texts():
        for call in ast.walk(tree):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "format"
                and isinstance(call.func.value, ast.Attribute)
                and isinstance(call.func.value.value, ast.Name)
                and call.func.value.value.id == "texts"
            ):
                continue
            given = {keyword.arg for keyword in call.keywords}
            if None in given:  # **values: cannot tell
                continue
            text = getattr(texts, call.func.value.attr)
            assert fields(text) <= given, f"{path.relative_to(ROOT)}:{call.lineno}"
            checked += 1
    assert checked > 50


def test_mappings_keep_their_codes_and_order_and_are_read_only() -> None:
    assert list(texts.APPEAL_TOPICS)[:2] == ["housing", "roads"]
    housing = texts.APPEAL_TOPICS["housing"]
    assert isinstance(housing, texts.Text) and housing.message_id == "appeal-topic-housing"
    assert texts.UNSUPPORTED_KINDS["video_note"] == "відеоповідомлення"
    assert list(texts.APPEAL_STATUSES)[-1] == "rejected"
    with pytest.raises(TypeError):
        texts.APPEAL_TOPICS["housing"] = "x"  # type: ignore[index]


def test_a_plain_text_is_the_message_and_a_template_shows_its_fields_as_before() -> None:
    assert texts.MENU.startswith("Головне меню.")
    assert texts.ASK_ACCEPTED_OPEN.startswith("Дякую! Ваше запитання №{number} передано")
    assert texts.CARD_HINT.startswith("\n\nЩоб відповісти")  # layout kept around the text


# --- Formatting --------------------------------------------------------------------------


def test_templates_fill_every_placeholder() -> None:
    templates = [(name, text) for name, text in public_texts() if fields(text)]
    assert len(templates) > 80
    for name, text in templates:
        shown = text.format(**sample(text))
        assert "{$" not in shown and "{ $" not in shown, name
        assert not fields(shown), name
        for field, value in sample(text).items():
            if field != "count":  # a selector may place the count with its noun
                assert str(value) in shown, (name, field)


def test_a_missing_field_is_an_error_as_with_str_format() -> None:
    with pytest.raises(KeyError, match="ask-accepted-open"):
        texts.ASK_ACCEPTED_OPEN.format()


def test_no_output_has_bidi_isolation_marks() -> None:
    for name, text in public_texts():
        for shown in (str(text), text.format(**sample(text))):
            assert not any(mark in shown for mark in ISOLATION_MARKS), name


def test_numbers_have_no_digit_grouping_and_strings_no_length_cap() -> None:
    shown = texts.TOO_LONG.format(length=texts.count(12345, texts.CHARACTERS), limit=4096)
    assert shown.startswith(
        "Повідомлення задовге: 12345 символів, а я можу прийняти щонайбільше 4096."
    )
    assert "№10000?" in texts.ASK_IS_FOLLOW_UP.format(number=10000)
    body = "абв " * 10_000
    assert texts.KB_ARTICLE.format(title="Т", body=body) == f"**Т**\n\n{body}"


# babel's CLDR rules for uk: one for 1, 21, 101 (not 11); few for 2-4, 22-24 (not 12-14);
# many for the rest of the whole numbers.
FORMS = {
    1: ("1 символ", "1 файл", "1 стаття"),
    2: ("2 символи", "2 файли", "2 статті"),
    5: ("5 символів", "5 файлів", "5 статей"),
    11: ("11 символів", "11 файлів", "11 статей"),
    21: ("21 символ", "21 файл", "21 стаття"),
    22: ("22 символи", "22 файли", "22 статті"),
    0: ("0 символів", "0 файлів", "0 статей"),
    112: ("112 символів", "112 файлів", "112 статей"),
}


@pytest.mark.parametrize("number", list(FORMS))
def test_numbers_take_the_ukrainian_plural_form(number: int) -> None:
    characters, files, articles = FORMS[number]
    assert texts.count(number, texts.CHARACTERS) == characters
    assert texts.APPEAL_FILES_COUNT.format(count=number) == files
    assert texts.KB_RELOADED.format(count=number) == f"📚 Базу знань перечитано: {articles}."


def test_the_library_phones_are_written_once_and_shown_wherever_they_are_needed() -> None:
    phones = str(texts.LIBRARY_PHONES)
    assert phones.startswith("(0512)")
    for text in (texts.HELP, texts.CONTACTS, texts.NOT_READY, texts.INTERNAL_ERROR):
        assert phones in text
    written = sum(path.read_text(encoding="utf-8").count(phones) for path, _ in catalogue())
    assert written == 1


def test_values_are_shown_as_written_and_our_own_texts_as_formatting() -> None:
    name = "**лист** [1].pdf"
    listed = texts.CARD_FILES.format(files=name)
    assert render.to_plain(listed) == "📎 Файли (надіслано разом із карткою): **лист** [1].pdf"
    # A catalogue text, or what format() made, is ours: placed as it is.
    nested = texts.APPEAL_PHONE_ALREADY.format(prompt=texts.APPEAL_ASK_EMAIL)
    assert texts.APPEAL_ASK_EMAIL in nested
    assert texts.CARD_OVERDUE.format(age=texts.AGE_MINUTES.format(minutes=5)).startswith(
        "⏰ **Без відповіді вже 5 хв**"
    )
    # plain() is for what is no message text (a button's label, a stored note).
    assert texts.plain(texts.CARD_FILES, files=name).endswith(": **лист** [1].pdf")
