"""Reads a folder of Markdown articles with YAML front matter and checks every rule.

A broken file never stops the others from loading: it becomes a `LoadError`
(path, line, reason) that the bot can pass on to the staff chat.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from knowledge_base.model import Article, Link, LoadError

# An article's id travels in button data (64 bytes on Telegram, with a question's id).
MAX_ID_LENGTH = 40
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FENCE = "---"
REQUIRED = ("id", "title", "category")
MIN_QUESTIONS = 2
# The first paragraph is the short answer a resident reads first (and alone, in a
# long article, until they press «Детальніше»).
SHORT_ANSWER_CHARS = 500
# Notes for staff: kept in the file, never shown to residents nor searched.
STAFF_NOTE = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    # Rules that are advice, not requirements: the article still loads.
    warnings: list[LoadError] = field(default_factory=list)


class _Invalid(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def load_articles(directory: Path) -> LoadResult:
    result = LoadResult()
    if not directory.is_dir():
        result.errors.append(LoadError(directory, 0, "теки не існує"))
        return result
    seen: dict[str, Path] = {}
    for path in article_paths(directory):
        try:
            article, warnings = parse_article(path)
        except _Invalid as problem:
            result.errors.append(LoadError(path, problem.line, problem.reason))
            continue
        if article.id in seen:
            line = _field_line(path, "id")
            reason = f"id «{article.id}» уже є у файлі {seen[article.id]}"
            result.errors.append(LoadError(path, line, reason))
            continue
        seen[article.id] = path
        result.articles.append(article)
        result.warnings.extend(warnings)
    return result


def article_paths(directory: Path) -> Iterator[Path]:
    """Markdown files in any sub-folder; names starting with `_` or `.` are drafts."""
    for path in sorted(directory.rglob("*.md")):
        parts = path.relative_to(directory).parts
        if any(part.startswith(("_", ".")) for part in parts):
            continue
        if path.is_file():
            yield path


def parse_article(path: Path) -> tuple[Article, list[LoadError]]:
    text = _read(path)
    header, body, body_line = _split_front_matter(text)
    data = _parse_yaml(header)
    lines, item_lines = _key_lines(header)

    def line_of(key: str) -> int:
        return lines.get(key, 1)

    for key in REQUIRED:
        if key not in data or data[key] is None or str(data[key]).strip() == "":
            raise _Invalid(1, f"немає обов'язкового поля «{key}»")
    article_id = str(data["id"]).strip()
    if not ID_PATTERN.match(article_id):
        reason = f"неправильний id «{article_id}»: лише малі латинські літери, цифри та «-»"
        raise _Invalid(line_of("id"), reason)
    if len(article_id) > MAX_ID_LENGTH:
        reason = f"задовгий id «{article_id}»: не більше {MAX_ID_LENGTH} знаків"
        raise _Invalid(line_of("id"), reason)
    if "<!--" in STAFF_NOTE.sub("", body):
        raise _Invalid(body_line, "коментар «<!--» не закрито знаком «-->»")
    body = STAFF_NOTE.sub("", body)
    if not body.strip():
        raise _Invalid(body_line, "порожній текст статті після метаданих")
    questions = _strings(data.get("questions"), "questions", line_of("questions"))
    keywords = _strings(data.get("keywords"), "keywords", line_of("keywords"))
    links = _links(data.get("links"), line_of("links"), item_lines.get("links", []))
    updated = _date(data.get("updated"), line_of("updated"))
    offers = data.get("offers")
    if offers is not None and offers != "training":
        raise _Invalid(
            line_of("offers"), f"невідоме значення «offers: {offers}»: можна лише training"
        )
    article = Article(
        id=article_id,
        title=_text(data["title"], "title", line_of("title")),
        category=_text(data["category"], "category", line_of("category")),
        questions=questions,
        keywords=keywords,
        links=links,
        updated=updated,
        body=body.strip(),
        path=path,
        offers_training=offers == "training",
    )
    warnings: list[LoadError] = []
    if len(article.short_answer) > SHORT_ANSWER_CHARS:
        reason = (
            f"перший абзац (коротка відповідь) довший за {SHORT_ANSWER_CHARS} символів: "
            "почніть статтю з двох-трьох речень, а подробиці дайте далі"
        )
        warnings.append(LoadError(path, body_line, reason))
    if len(questions) < MIN_QUESTIONS:
        reason = f"у «questions» бажано щонайменше {MIN_QUESTIONS} формулювання питання"
        warnings.append(LoadError(path, line_of("questions") if questions else 1, reason))
    return article, warnings


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise _Invalid(1, "файл не в кодуванні UTF-8") from None
    except OSError as error:
        raise _Invalid(1, f"не вдалося прочитати файл: {error.strerror}") from None


def _split_front_matter(text: str) -> tuple[str, str, int]:
    """Returns (header, body, the body's first line number)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise _Invalid(1, "файл має починатися з рядка --- і блоку метаданих")
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            header = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return header, body, index + 2
    raise _Invalid(1, "блок метаданих не закрито рядком ---")


def _parse_yaml(header: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(header)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or "синтаксична помилка"
        raise _Invalid(line, f"помилка YAML у метаданих: {problem}") from None
    if not isinstance(data, dict):
        raise _Invalid(2, "метадані мають бути списком полів «назва: значення»")
    return data


def _key_lines(header: str) -> tuple[dict[str, int], dict[str, list[int]]]:
    """File line of each top-level key and of each item of a list value."""
    # The header starts on file line 2 and YAML marks count from zero.
    offset = 2
    node = yaml.compose(header, Loader=yaml.SafeLoader)
    keys: dict[str, int] = {}
    items: dict[str, list[int]] = {}
    if not isinstance(node, yaml.MappingNode):
        return keys, items
    for key, value in node.value:
        name = str(key.value)
        keys[name] = key.start_mark.line + offset
        if isinstance(value, yaml.SequenceNode):
            items[name] = [item.start_mark.line + offset for item in value.value]
    return keys, items


def _field_line(path: Path, key: str) -> int:
    header, _body, _line = _split_front_matter(_read(path))
    keys, _items = _key_lines(header)
    return keys.get(key, 1)


def _text(value: Any, name: str, line: int) -> str:
    if not isinstance(value, str | int | float):
        raise _Invalid(line, f"поле «{name}» має бути рядком тексту")
    return str(value).strip()


def _strings(value: Any, name: str, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        # A keyword line written without brackets is a common slip; read it as a list.
        value = value.split(",")
    if not isinstance(value, list):
        raise _Invalid(line, f"поле «{name}» має бути списком")
    items: list[str] = []
    for offset, item in enumerate(value):
        if not isinstance(item, str | int | float) or not str(item).strip():
            raise _Invalid(line, f"порожній або неправильний пункт №{offset + 1} у «{name}»")
        items.append(str(item).strip())
    return tuple(items)


def _links(value: Any, key_line: int, item_lines: list[int]) -> tuple[Link, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Invalid(key_line, "поле «links» має бути списком пунктів з title і url")
    links: list[Link] = []
    for index, item in enumerate(value, start=1):
        line = item_lines[index - 1] if index <= len(item_lines) else key_line
        if not isinstance(item, dict):
            raise _Invalid(line, f"посилання №{index}: потрібні поля title і url")
        title, url = item.get("title"), item.get("url")
        if not isinstance(title, str) or not title.strip():
            raise _Invalid(line, f"посилання №{index}: немає назви (title)")
        if not isinstance(url, str) or not _is_url(url.strip()):
            raise _Invalid(line, f"посилання №{index}: неправильна адреса (url) «{url}»")
        links.append(Link(title.strip(), url.strip()))
    return tuple(links)


def _is_url(url: str) -> bool:
    parts = urlparse(url)
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc) and " " not in url
    if parts.scheme in ("tel", "mailto"):
        return bool(parts.path)
    return False


def _date(value: Any, line: int) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _Invalid(line, f"поле «updated» має бути датою РРРР-ММ-ДД, а не «{value}»") from None
