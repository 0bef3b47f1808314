"""The Markdown subset of replies → Telegram HTML or plain text, split to fit a message.

Supported: **bold**, *italic*, `code`, [label](http-url), "- " bullets, "# " headings, and
a backslash before a markup character (`handlers.messages.ESCAPABLE`) to show it as it is:
that is how `handlers.messages.escape` keeps residents' and librarians' text literal.
Everything else is text, and every character of it is escaped for HTML — including what
citizens typed and what librarians wrote in articles.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from handlers.messages import ESCAPABLE, LINE_MARKUP

_ESCAPED = "[" + re.escape(ESCAPABLE) + "]"
# Inside markup a backslash takes the next character with it, so an escaped `*` or `]`
# can neither close it nor open anything.
_BOLD_CHAR = r"(?:\\.|[^*\\\n])"
_CODE_CHAR = r"(?:\\.|[^`\\\n])"
_LABEL_CHAR = r"(?:\\.|[^\]\\\n])"
_INLINE = re.compile(
    rf"\\(?P<escaped>{_ESCAPED})"
    rf"|\*\*(?P<bold>{_BOLD_CHAR}+?)\*\*"
    rf"|(?<![\w*])\*(?P<italic>(?:\\.|[^*\s\\]){_BOLD_CHAR}*?)\*(?![\w*])"
    rf"|`(?P<code>{_CODE_CHAR}+)`"
    rf"|\[(?P<label>{_LABEL_CHAR}+)\]\((?P<url>[^)\s]+)\)"
)
_UNESCAPE = re.compile(rf"\\({_ESCAPED})")
_SAFE_URL = re.compile(r"^(https?://|tg://|mailto:)", re.IGNORECASE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")

TELEGRAM_LIMIT = 4096
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


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
        if match.group("escaped") is not None:
            out.append(esc(match.group("escaped")))
        elif match.group("bold") is not None:
            inner = esc(_unescape(match.group("bold")))
            out.append(f"<b>{inner}</b>" if html_mode else inner)
        elif match.group("italic") is not None:
            inner = esc(_unescape(match.group("italic")))
            out.append(f"<i>{inner}</i>" if html_mode else inner)
        elif match.group("code") is not None:
            inner = esc(_unescape(match.group("code")))
            out.append(f"<code>{inner}</code>" if html_mode else inner)
        else:
            label = _unescape(match.group("label"))
            out.append(_link(label, match.group("url"), html_mode=html_mode))
    out.append(esc(text[pos:]))
    return "".join(out)


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


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
    # Most replies fit in one message: rendered once. (Rendering is line by line, so a
    # text that fits whole fits in every prefix the loop below would try.)
    whole = render(_PARAGRAPH_BREAK.sub("\n\n", markdown.strip()))
    if len(whole) <= limit:
        return [whole]
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
    for paragraph in _PARAGRAPH_BREAK.split(markdown.strip()):
        units.extend(_fit(paragraph, render, limit, separators=("\n", " ")))
    return units


def _fit(
    text: str, render: Callable[[str], str], limit: int, separators: tuple[str, ...]
) -> list[str]:
    if len(render(text)) <= limit:
        return [text]
    if not separators:
        # One unbreakable word longer than a message: cut it by characters.
        return [_text_start(p) if i else p for i, p in enumerate(_cut(text, limit))]
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
    if sep == "\n":
        return parts
    return parts[:1] + [_text_start(p) for p in parts[1:]]


def _cut(text: str, limit: int) -> list[str]:
    step = max(2, limit // 8)  # escaping can grow a character up to 6-fold ("&quot;")
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + step, len(text))
        piece = text[start:end]
        if end < len(text) and (len(piece) - len(piece.rstrip("\\"))) % 2:
            end -= 1  # never between a backslash and the character it escapes
        pieces.append(text[start:end])
        start = end
    return pieces


_LINE_MARK = re.compile(r"^(\s*)([" + re.escape(LINE_MARKUP) + r"]|\*(?=\s))")


def _text_start(piece: str) -> str:
    """A piece cut from the middle of a line begins a message or paragraph of its own: a
    «- » or «#» there was text in the line, and must not turn into a bullet or a heading."""
    return _LINE_MARK.sub(r"\1\\\2", piece, count=1)
