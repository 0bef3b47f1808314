"""The Markdown subset of replies → Telegram HTML or plain text, split to fit a message.

Supported: **bold**, *italic*, `code`, [label](http-url), "- " bullets, "# " headings.
Everything else is text, and every character of it is escaped for HTML — including what
citizens typed and what librarians wrote in articles.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

_INLINE = re.compile(
    r"\*\*(?P<bold>[^*\n]+?)\*\*"
    r"|(?<![\w*])\*(?P<italic>[^*\s][^*\n]*?)\*(?![\w*])"
    r"|`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
)
_SAFE_URL = re.compile(r"^(https?://|tg://|mailto:)", re.IGNORECASE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")

TELEGRAM_LIMIT = 4096


def to_html(markdown: str) -> str:
    return "\n".join(_line(line, html_mode=True) for line in markdown.split("\n"))


def to_plain(markdown: str) -> str:
    return "\n".join(_line(line, html_mode=False) for line in markdown.split("\n"))


def _line(line: str, *, html_mode: bool) -> str:
    heading = _HEADING.match(line)
    if heading:
        inner = _inline(heading.group(1), html_mode=html_mode)
        return f"<b>{inner}</b>" if html_mode else inner
    bullet = _BULLET.match(line)
    if bullet:
        return bullet.group(1) + "• " + _inline(line[bullet.end() :], html_mode=html_mode)
    return _inline(line, html_mode=html_mode)


def _inline(text: str, *, html_mode: bool) -> str:
    esc: Callable[[str], str] = (lambda s: html.escape(s, quote=False)) if html_mode else str
    out: list[str] = []
    pos = 0
    for match in _INLINE.finditer(text):
        out.append(esc(text[pos : match.start()]))
        pos = match.end()
        if match.group("bold") is not None:
            inner = esc(match.group("bold"))
            out.append(f"<b>{inner}</b>" if html_mode else inner)
        elif match.group("italic") is not None:
            inner = esc(match.group("italic"))
            out.append(f"<i>{inner}</i>" if html_mode else inner)
        elif match.group("code") is not None:
            inner = esc(match.group("code"))
            out.append(f"<code>{inner}</code>" if html_mode else inner)
        else:
            out.append(_link(match.group("label"), match.group("url"), html_mode=html_mode))
    out.append(esc(text[pos:]))
    return "".join(out)


def _link(label: str, url: str, *, html_mode: bool) -> str:
    if not _SAFE_URL.match(url):
        # javascript: and friends are shown as text, never made clickable.
        text = f"{label} ({url})"
        return html.escape(text, quote=False) if html_mode else text
    if html_mode:
        return f'<a href="{html.escape(url, quote=True)}">{html.escape(label, quote=False)}</a>'
    return label if label == url else f"{label} ({url})"


def split(markdown: str, render: Callable[[str], str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Render `markdown` into messages of at most `limit` characters each.

    Cuts fall between paragraphs, else between lines, else between words; each piece is
    rendered on its own, so no tag is ever left open across two messages.
    """
    pieces: list[str] = []
    current = ""
    for unit in _units(markdown, render, limit):
        candidate = f"{current}\n\n{unit}" if current else unit
        if current and len(render(candidate)) > limit:
            pieces.append(render(current))
            current = unit
        else:
            current = candidate
    if current or not pieces:
        pieces.append(render(current))
    return pieces


def _units(markdown: str, render: Callable[[str], str], limit: int) -> list[str]:
    """Paragraphs, each broken further until it renders within the limit."""
    units: list[str] = []
    for paragraph in re.split(r"\n\s*\n", markdown.strip()):
        units.extend(_fit(paragraph, render, limit, separators=("\n", " ")))
    return units


def _fit(
    text: str, render: Callable[[str], str], limit: int, separators: tuple[str, ...]
) -> list[str]:
    if len(render(text)) <= limit:
        return [text]
    if not separators:
        # One unbreakable word longer than a message: cut it by characters.
        step = max(1, limit // 8)  # escaping can grow a character up to 6-fold ("&quot;")
        return [text[i : i + step] for i in range(0, len(text), step)]
    sep, rest = separators[0], separators[1:]
    parts: list[str] = []
    current = ""
    for chunk in text.split(sep):
        candidate = f"{current}{sep}{chunk}" if current else chunk
        if current and len(render(candidate)) > limit:
            parts.extend(_fit(current, render, limit, rest))
            current = chunk
        else:
            current = candidate
    if current:
        parts.extend(_fit(current, render, limit, rest))
    return parts
