"""Meaning search: how close a question is in meaning to each article, by sentence vectors.

An article is laid out as a few *units*, each embedded once and cached on disk:
- its title followed by a chunk of about 400 characters of its body, for each
  chunk (a question about one detail finds the paragraph that has it);
- the whole article, title and body (the model reads its first ~512 tokens).
An article's closeness is half the mean of its two closest chunks and half its
whole-article closeness. The example questions are not embedded: short
question-to-question pairs look alike whatever their topic.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge_base.embedding import Embedder, Vectors
from knowledge_base.model import Article
from storage.vector_cache import VectorCache, vector_key

log = logging.getLogger(__name__)

CHUNK_CHARS = 400
# Units embedded per call: large enough to amortise the call, small enough that
# a crash part-way keeps most of the work in the cache.
BATCH = 8
PASSAGE = "passage"
QUERY = "query"
# The model's time grows with a question's length (about 20 ms for ten words, 55 ms for
# twenty, 70 ms for forty on the 2-core machine); residents' long stories put the question
# at the end, so the model reads the last words only (the word search reads them all).
# Sixteen keep a question's sentence whole; on the development set the decisions are the
# same as with twenty, and the slowest questions take 50 ms instead of 60.
QUESTION_WORDS = 16
_MARKUP = re.compile(r"\*\*|__|`|^#+\s*|^\s*[-*]\s+|^\s*\d+\.\s+", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SPACES = re.compile(r"[ \t]+")


def plain(markdown: str) -> str:
    """The words of Markdown without its markup: the model reads text, not syntax."""
    text = _LINK.sub(r"\1", markdown)
    text = _MARKUP.sub("", text)
    return _SPACES.sub(" ", text).strip()


def chunks(body: str, size: int = CHUNK_CHARS) -> list[str]:
    """Paragraphs packed into pieces of about `size` characters; a longer paragraph is
    cut at sentence ends (or, failing that, at `size`)."""
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n", plain(body)):
        paragraph = " ".join(paragraph.split())
        while len(paragraph) > size:
            cut = max(paragraph.rfind(". ", 0, size), paragraph.rfind("; ", 0, size))
            cut = cut + 1 if cut > size // 3 else size
            pieces.append(paragraph[:cut].strip())
            paragraph = paragraph[cut:].strip()
        if paragraph:
            pieces.append(paragraph)
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 1 + len(piece) <= size:
            packed[-1] = f"{packed[-1]}\n{piece}"
        else:
            packed.append(piece)
    return packed


def units(article: Article) -> tuple[str, list[str]]:
    """The whole-article text and the chunk texts that are embedded for an article."""
    title = plain(article.title)
    whole = f"{title}\n{plain(article.body)}"
    return whole, [f"{title}\n{chunk}" for chunk in chunks(article.body)] or [title]


@dataclass(frozen=True)
class EmbedReport:
    articles: int  # articles with at least one unit embedded anew
    units: int  # units embedded anew (the rest came from the cache)


class MeaningIndex:
    """Vectors of every article's units, in the knowledge base's article order."""

    def __init__(self, model: str, whole: Vectors, parts: Vectors, starts: Sequence[int]) -> None:
        self.model = model
        self._whole = whole
        self._parts = parts
        # Index of each article's first chunk row; chunks of one article are contiguous.
        self._starts = np.asarray(starts, dtype=np.intp)
        self._counts = np.diff(np.append(self._starts, len(parts)))

    def __len__(self) -> int:
        return int(self._whole.shape[0])

    def subset(self, numbers: Sequence[int]) -> MeaningIndex:
        """The index of some of the articles, in the order given (for calibration)."""
        rows = [np.arange(self._starts[n], self._starts[n] + self._counts[n]) for n in numbers]
        starts = [0, *np.cumsum([len(r) for r in rows[:-1]]).tolist()] if rows else []
        parts = self._parts[np.concatenate(rows)] if rows else self._parts[:0]
        return MeaningIndex(self.model, self._whole[list(numbers)], parts, starts)

    def closeness(self, query: Vectors) -> Vectors:
        """Each article's cosine closeness to a query vector, in article order."""
        if not len(self):
            return np.zeros(0, dtype=np.float32)
        whole = self._whole @ query
        parts = self._parts @ query
        best = np.maximum.reduceat(parts, self._starts)
        # The second best: the best again with each article's best chunk left out.
        others = np.where(parts >= np.repeat(best, self._counts), -np.inf, parts)
        second = np.maximum.reduceat(others, self._starts)
        second = np.where(np.isfinite(second), second, best)
        closeness: Vectors = 0.5 * ((best + second) / 2) + 0.5 * whole
        return closeness

    @classmethod
    def build(
        cls,
        articles: Sequence[Article],
        embedder: Embedder,
        cache: VectorCache,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> tuple[MeaningIndex, EmbedReport] | None:
        """Vectors for every article, from the cache where the text is unchanged.

        New vectors go to the cache a batch at a time, so work done before a
        crash or a cancel (`cancelled()` returns true: the base was reloaded)
        is kept. Returns None when cancelled.
        """
        layout = [units(article) for article in articles]
        texts = [text for whole, parts in layout for text in (whole, *parts)]
        keys = [vector_key(embedder.name, PASSAGE, text) for text in texts]
        vectors = cache.get_many(keys)
        missing = [key for key in dict.fromkeys(keys) if key not in vectors]
        text_of = dict(zip(keys, texts, strict=True))
        for start in range(0, len(missing), BATCH):
            if cancelled():
                return None
            batch = missing[start : start + BATCH]
            fresh = embedder.passages([text_of[key] for key in batch])
            new = dict(zip(batch, fresh, strict=True))
            cache.put_many(new)
            vectors.update(new)
        fresh_keys = set(missing)
        touched = 0
        whole_rows: list[Vectors] = []
        part_rows: list[Vectors] = []
        starts: list[int] = []
        position = 0
        for _whole, parts in layout:
            article_keys = keys[position : position + 1 + len(parts)]
            position += 1 + len(parts)
            touched += any(key in fresh_keys for key in article_keys)
            whole_rows.append(vectors[article_keys[0]])
            starts.append(len(part_rows))
            part_rows.extend(vectors[key] for key in article_keys[1:])
        dim = embedder.dim
        index = cls(
            embedder.name,
            np.vstack(whole_rows) if whole_rows else np.zeros((0, dim), np.float32),
            np.vstack(part_rows) if part_rows else np.zeros((0, dim), np.float32),
            starts,
        )
        return index, EmbedReport(touched, len(missing))


def question_for_model(text: str) -> str:
    """What of a resident's question the model reads: its last QUESTION_WORDS words."""
    words = text.split()
    return text if len(words) <= QUESTION_WORDS else " ".join(words[-QUESTION_WORDS:])


def embed_queries(texts: Sequence[str], embedder: Embedder, cache: VectorCache) -> Vectors:
    """Question vectors, cached like the articles' (for tools that ask the same questions
    again and again: evaluation and calibration; the bot embeds each question afresh)."""
    texts = [question_for_model(text) for text in texts]
    keys = [vector_key(embedder.name, QUERY, text) for text in texts]
    vectors = cache.get_many(keys)
    missing = [key for key in dict.fromkeys(keys) if key not in vectors]
    text_of = dict(zip(keys, texts, strict=True))
    for start in range(0, len(missing), BATCH * 4):
        batch = missing[start : start + BATCH * 4]
        new = dict(zip(batch, embedder.queries([text_of[key] for key in batch]), strict=True))
        cache.put_many(new)
        vectors.update(new)
    if not keys:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.vstack([vectors[key] for key in keys])
