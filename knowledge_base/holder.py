"""The knowledge base the bot answers from: replaceable while it runs (/reload_kb), with
meaning search joining in once the articles' vectors are ready.

The bot never waits for embedding: it answers by words alone until the vectors
are ready (from the cache in a moment, or embedded anew in the background), then
fuses meaning in. If the model cannot be loaded or fails, it logs one line and
goes on by words alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.embedding import DEFAULT_MODEL, Embedder, EmbedderUnavailable, load_embedder
from knowledge_base.meaning import MeaningIndex, question_for_model
from knowledge_base.model import LoadError
from knowledge_base.search import KnowledgeBase, SearchResult
from storage.vector_cache import VectorCache

log = logging.getLogger(__name__)

RECENT_QUESTIONS = 512  # answers kept for questions asked again


@dataclass(frozen=True)
class MeaningSettings:
    """Which model to use and where its vectors are cached."""

    cache_path: Path
    model: str = DEFAULT_MODEL


class KnowledgeBaseHolder:
    def __init__(
        self,
        directory: Path,
        base: KnowledgeBase,
        errors: list[LoadError],
        meaning: MeaningSettings | None = None,
    ) -> None:
        self.directory = directory
        self.base = base
        self.errors = errors
        self._meaning = meaning
        self._embedder: Embedder | None = None
        # Recent questions → their result; the base is kept with it, so an id reused
        # after a reload never serves an old answer.
        self._recent: OrderedDict[tuple[int, int, str], tuple[KnowledgeBase, SearchResult]] = (
            OrderedDict()
        )
        self._searching: dict[tuple[int, int, str], asyncio.Future[SearchResult]] = {}
        self._model_failed = False
        self._embedding: asyncio.Task[None] | None = None
        # Set on close: the embedding thread stops at its next batch, so a shutdown
        # (or the end of a console session) never waits for the whole base.
        self._closing = False

    @classmethod
    def load(cls, directory: Path, meaning: MeaningSettings | None = None) -> KnowledgeBaseHolder:
        base, errors = KnowledgeBase.load(directory)
        return cls(directory, base, errors, meaning)

    @property
    def embedder(self) -> Embedder | None:
        """The loaded model (None before it loads, or when meaning search is off)."""
        return self._embedder

    @property
    def semantic_ready(self) -> bool:
        return self.base.meaning is not None and self._embedder is not None

    def needs_model(self, text: str) -> bool:
        """Whether answering `text` would run the model now (it is ready, the question
        was not asked lately and the words alone are not sure of it): tens of
        milliseconds, which the caller may want to spend outside its database
        transaction (see `Context.search`)."""
        base, embedder = self.base, self._embedder
        if embedder is None or base.meaning is None:
            return False
        key = self._key(base, text)
        found = self._recent.get(key)
        if found is not None and found[0] is base:
            return False
        sure = base.sure_by_words(text)
        if sure is None:
            return True
        self._remember(key, base, sure)
        return False

    def _key(self, base: KnowledgeBase, text: str) -> tuple[int, int, str]:
        meaning = base.meaning if self._embedder is not None else None
        return (id(base), id(meaning), " ".join(text.casefold().split()))

    async def search(self, text: str) -> SearchResult:
        """The decision for a question: words and meaning once the vectors are ready.

        A crowd after a city announcement asks the same few questions: the last answers
        are kept, per base and engine, so a repeated question costs no model time; and
        while one is being searched, others asking it wait for that search rather than
        start their own."""
        base, embedder = self.base, self._embedder
        meaning = base.meaning if embedder is not None else None
        key = self._key(base, text)
        found = self._recent.get(key)
        if found is not None and found[0] is base:
            self._recent.move_to_end(key)
            return found[1]
        running = self._searching.get(key)
        if running is None:
            running = asyncio.ensure_future(
                self._search(base, embedder if meaning is not None else None, text)
            )
            self._searching[key] = running
            running.add_done_callback(lambda _: self._searching.pop(key, None))
        # Shielded: one asker giving up (its event cancelled) does not cancel the others'.
        result = await asyncio.shield(running)
        self._remember(key, base, result)
        return result

    def _remember(
        self, key: tuple[int, int, str], base: KnowledgeBase, result: SearchResult
    ) -> None:
        self._recent[key] = (base, result)
        if len(self._recent) > RECENT_QUESTIONS:
            self._recent.popitem(last=False)

    def search_by_words(self, text: str) -> SearchResult:
        """The word engine's ranking and decision alone: a millisecond or two, no model."""
        return self.base.search(text)

    async def _search(
        self, base: KnowledgeBase, embedder: Embedder | None, text: str
    ) -> SearchResult:
        if embedder is None:
            return base.search(text)
        sure = base.sure_by_words(text)
        if sure is not None:
            return sure
        try:
            # The model takes tens of milliseconds of CPU: not on the event loop.
            vectors = await asyncio.to_thread(embedder.queries, [question_for_model(text)])
            return base.search(text, vector=vectors[0])
        except Exception as error:  # a failing model must not cost the resident an answer
            log.warning(
                "meaning search failed (%s); answering by words alone", type(error).__name__
            )
            return base.search(text)

    async def reload(self) -> list[LoadError]:
        """Load the folder again; the old base answers until the new one is ready."""
        # Building the index takes a while: not on the event loop.
        base, errors = await asyncio.to_thread(KnowledgeBase.load, self.directory)
        self.base, self.errors = base, errors
        self.start_embedding()
        return errors

    def start_embedding(self) -> None:
        """Make (or read from the cache) the current base's vectors in the background."""
        if self._meaning is None or self._model_failed:
            return
        if self._embedding is not None:
            self._embedding.cancel()
        log.info(
            "meaning search: preparing vectors of %d articles; answering by words until ready",
            len(self.base.articles),
        )
        self._embedding = asyncio.create_task(self._embed(self.base), name="kb-embedding")

    async def wait_embedded(self) -> None:
        """Until the background embedding (if any) has finished: for tests and tools."""
        if self._embedding is not None:
            await asyncio.gather(self._embedding, return_exceptions=True)

    async def close(self) -> None:
        self._closing = True
        if self._embedding is not None:
            self._embedding.cancel()
            await asyncio.gather(self._embedding, return_exceptions=True)

    async def _embed(self, base: KnowledgeBase) -> None:
        settings = self._meaning
        assert settings is not None
        if self._embedder is None:
            try:
                self._embedder = await asyncio.to_thread(load_embedder, settings.model)
            except EmbedderUnavailable as error:
                self._model_failed = True
                log.warning("meaning search is off: the model did not load (%s)", error)
                return
        embedder = self._embedder
        cache = VectorCache(settings.cache_path)
        started = time.monotonic()
        try:
            built = await asyncio.to_thread(
                MeaningIndex.build,
                base.articles,
                embedder,
                cache,
                lambda: self._closing or base is not self.base,
            )
        except Exception as error:  # the bot keeps answering by words
            log.warning("meaning search is off for now: embedding failed (%s)", error)
            return
        if built is None or base is not self.base:
            return  # the base was reloaded meanwhile; its own task takes over
        index, report = built
        base.attach_meaning(index)
        log.info(
            "meaning search ready: %d articles, %d embedded anew, in %.1f s",
            len(index),
            report.articles,
            time.monotonic() - started,
        )
