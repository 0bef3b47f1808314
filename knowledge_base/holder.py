"""The knowledge base the bot answers from, replaceable while it runs (/reload_kb)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from knowledge_base.model import LoadError
from knowledge_base.search import KnowledgeBase


class KnowledgeBaseHolder:
    def __init__(self, directory: Path, base: KnowledgeBase, errors: list[LoadError]) -> None:
        self.directory = directory
        self.base = base
        self.errors = errors

    @classmethod
    def load(cls, directory: Path) -> KnowledgeBaseHolder:
        base, errors = KnowledgeBase.load(directory)
        return cls(directory, base, errors)

    async def reload(self) -> list[LoadError]:
        """Load the folder again; the old base answers until the new one is ready."""
        # Building the index takes a while: not on the event loop.
        base, errors = await asyncio.to_thread(KnowledgeBase.load, self.directory)
        self.base, self.errors = base, errors
        return errors
