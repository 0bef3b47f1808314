"""Draft articles from librarians' answers ("До бази знань"), in the knowledge-base format."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml


def draft_path(directory: Path, ticket_id: int) -> Path:
    return directory / f"librarian-answer-{ticket_id}.md"


def write_draft(
    directory: Path,
    ticket_id: int,
    question: str,
    answers: list[str],
    today: datetime.date,
    category: str,
) -> Path:
    """Write `_drafts/librarian-answer-N.md`; the loader skips `_drafts` until it is moved."""
    directory.mkdir(parents=True, exist_ok=True)
    title = " ".join(question.split())
    if len(title) > 120:
        title = title[:119] + "…"
    front = {
        "id": f"librarian-answer-{ticket_id}",
        "title": title,
        "category": str(category),  # a plain str: YAML refuses str subclasses
        # A second phrasing is for the librarian to add: the format asks for two or more.
        "questions": [question.strip()],
        "keywords": [],
        "updated": today,
    }
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    body = "\n\n".join(answer.strip() for answer in answers)
    path = draft_path(directory, ticket_id)
    path.write_text(
        f"---\n{header}---\n{body}\n",
        encoding="utf-8",
    )
    return path
