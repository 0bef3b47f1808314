"""Knowledge-base search at 40, 1,000 and 10,000 articles: build time, latency, memory.

Run by hand (`make bench` or `.venv/bin/python benchmarks/kb_search.py`); it
prints figures and asserts nothing. The larger bases are made by varying the
shipped articles (or the development set when none are shipped): each copy
gets a new id and a few words swapped in from the base's own vocabulary, so
the index grows the way a real base written in the same language would.
"""

from __future__ import annotations

import dataclasses
import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

from knowledge_base.analysis import Analyzer
from knowledge_base.loader import load_articles
from knowledge_base.model import Article
from knowledge_base.search import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "knowledge_base" / "articles"
DEV = ROOT.parent / "shared" / "kb-eval" / "dev" / "kb"
SIZES = (40, 1_000, 10_000)
QUERIES = 300
SEED = 2026


def base_articles() -> tuple[Path, list[Article]]:
    for directory in (SHIPPED, DEV):
        articles = load_articles(directory).articles
        if articles:
            return directory, articles
    raise SystemExit("no articles found in knowledge_base/articles or the dev set")


def varied(articles: Sequence[Article], size: int, rng: random.Random) -> list[Article]:
    vocabulary = sorted({word for article in articles for word in article.body.split()})
    out: list[Article] = []
    for number in range(size):
        source = articles[number % len(articles)]
        if number < len(articles):
            out.append(source)
            continue
        out.append(
            dataclasses.replace(
                source,
                id=f"{source.id}-{number}",
                title=_mutate(source.title, vocabulary, rng, 1),
                questions=tuple(_mutate(q, vocabulary, rng, 1) for q in source.questions),
                body=_mutate(source.body, vocabulary, rng, 12),
            )
        )
    return out


def _mutate(text: str, vocabulary: Sequence[str], rng: random.Random, swaps: int) -> str:
    words = text.split()
    for _ in range(swaps):
        if words:
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
    return " ".join(words)


def queries(articles: Sequence[Article], rng: random.Random) -> list[str]:
    phrasings = [q for article in articles for q in article.questions] or ["бібліотека"]
    typos = [_typo(q, rng) for q in phrasings]
    pool = phrasings + typos + ["яка погода завтра", "як оплатити комуналку онлайн"]
    return [rng.choice(pool) for _ in range(QUERIES)]


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    cut = rng.randrange(1, len(text) - 1)
    return text[:cut] + text[cut + 1 :]


def measure(articles: Sequence[Article], questions: Sequence[str]) -> dict[str, float]:
    gc.collect()
    started = time.perf_counter()
    # A fresh analyser each time so that build time includes lemmatising the text.
    kb = KnowledgeBase.build(articles, analyzer=Analyzer())
    build_s = time.perf_counter() - started
    timings = []
    for question in questions:
        started = time.perf_counter()
        kb.search(question)
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {"build_s": build_s, "p50_ms": cuts[49], "p99_ms": cuts[98]}


def memory_mb(articles: Sequence[Article]) -> float:
    """Memory the built index holds, dictionaries of the morphology excluded."""
    analyzer = Analyzer()
    gc.collect()
    tracemalloc.start()
    kb = KnowledgeBase.build(articles, analyzer=analyzer)
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kb
    return current / 1e6


def main() -> None:
    rng = random.Random(SEED)
    directory, base = base_articles()
    print(f"base: {len(base)} articles from {directory}")
    print(f"{'articles':>9} {'build s':>8} {'p50 ms':>7} {'p99 ms':>7} {'index MB':>9}")
    for size in SIZES:
        articles = varied(base, size, rng)
        figures = measure(articles, queries(articles, rng))
        print(
            f"{size:>9,} {figures['build_s']:>8.2f} {figures['p50_ms']:>7.2f}"
            f" {figures['p99_ms']:>7.2f} {memory_mb(articles):>9.1f}"
        )


if __name__ == "__main__":
    main()
