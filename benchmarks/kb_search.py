"""Knowledge-base search at 40, 1,000 and 10,000 articles: build time, latency, memory.

Run by hand (`make bench` or `.venv/bin/python benchmarks/kb_search.py`); it
prints figures and asserts nothing. The larger bases are made by varying the
shipped articles (or the development set when none are shipped): each copy
gets a new id and a few words swapped in from the base's own vocabulary, so
the index grows the way a real base written in the same language would.

Word search (words alone, no model): building the index, p50/p99 of a
question, and the memory the index holds (traced by Python, dictionaries of
the morphology excluded).

Meaning search (the default model, pinned to one thread as in the bot):
- first embed: embedding the base's articles into an empty vector cache.
  Measured at 40 articles. At 1,000 and 10,000 it would take from half an hour
  to hours, so it is an estimate, marked «est.»: every unit of that base times
  the time a unit took on 40 articles drawn from it (embedded for real).
- restart: in a fresh process, loading the article files (the base is written
  out as Markdown for this), building the word index (`KnowledgeBase.build`)
  and the meaning index (`MeaningIndex.build`) with every vector already in
  the cache, so nothing is embedded; loading the model is not counted. Vectors
  the run did not embed are random unit vectors under the keys the index looks
  up: timing does not depend on what they mean.
- p50/p99: per question, embedding it with the model plus `kb.search(text,
  vector=...)` over the whole index, in that same process.
- RSS: the peak resident memory of that process (interpreter, morphology,
  both indexes and the model), one process per size so sizes do not add up.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import math
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

from knowledge_base.analysis import Analyzer
from knowledge_base.embedding import Embedder, load_embedder
from knowledge_base.loader import load_articles
from knowledge_base.meaning import PASSAGE, MeaningIndex, units
from knowledge_base.model import Article
from knowledge_base.search import KnowledgeBase
from storage.vector_cache import VectorCache, vector_key

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "knowledge_base" / "articles"
DEV = ROOT.parent / "shared" / "kb-eval" / "dev" / "kb"
SIZES = (40, 1_000, 10_000)
QUERIES = 300
# Articles embedded for real per base; at ~0.3 s a unit, 40 articles take a minute or two.
EMBED_SAMPLE = 40
SEED = 2026
RESTART = "--restart"


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
    # The spaces and line breaks stay, so a copy keeps its paragraphs and is cut
    # into as many chunks (embedded units) as its original.
    pieces = re.split(r"(\s+)", text)
    words = [number for number in range(0, len(pieces), 2) if pieces[number]]
    for _ in range(swaps):
        if words:
            pieces[rng.choice(words)] = rng.choice(vocabulary)
    return "".join(pieces)


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


def quantiles(timings_ms: Sequence[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings_ms, n=100, method="inclusive")
    return cuts[49], cuts[98]


# Word search


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
    p50, p99 = quantiles(timings)
    return {"build_s": build_s, "p50_ms": p50, "p99_ms": p99}


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


# Meaning search


def write_articles(articles: Sequence[Article], directory: Path) -> None:
    """The articles as Markdown files, so that a restart loads them as the bot does."""
    for article in articles:
        header = {
            "id": article.id,
            "title": article.title,
            "category": article.category,
            "questions": list(article.questions),
            "keywords": list(article.keywords),
            "links": [{"title": link.title, "url": link.url} for link in article.links],
            "updated": article.updated,
        }
        front = yaml.safe_dump(header, allow_unicode=True, sort_keys=False)
        (directory / f"{article.id}.md").write_text(f"---\n{front}---\n{article.body}\n", "utf-8")


def passage_keys(articles: Sequence[Article], model: str) -> dict[str, str]:
    """Cache key → text of every unit, as `MeaningIndex.build` looks them up."""
    keys: dict[str, str] = {}
    for article in articles:
        whole, parts = units(article)
        for text in (whole, *parts):
            keys[vector_key(model, PASSAGE, text)] = text
    return keys


def first_embedding(
    articles: Sequence[Article], embedder: Embedder, cache: VectorCache, rng: random.Random
) -> tuple[float, bool]:
    """Seconds to embed the base into an empty cache, and whether that is an estimate."""
    sample = list(articles) if len(articles) <= EMBED_SAMPLE else rng.sample(articles, EMBED_SAMPLE)
    started = time.perf_counter()
    built = MeaningIndex.build(sample, embedder, cache)
    elapsed = time.perf_counter() - started
    assert built is not None  # never cancelled here
    if len(sample) == len(articles):
        return elapsed, False
    per_unit = elapsed / max(built[1].units, 1)
    return per_unit * len(passage_keys(articles, embedder.name)), True


def fill_cache(cache: VectorCache, articles: Sequence[Article], embedder: Embedder) -> None:
    """Random unit vectors for every unit not embedded yet: a restart then embeds nothing."""
    keys = passage_keys(articles, embedder.name)
    cached = cache.get_many(keys)
    missing = [key for key in keys if key not in cached]
    vectors = np.random.default_rng(SEED).standard_normal((len(missing), embedder.dim))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    cache.put_many(dict(zip(missing, vectors, strict=True)))


def restart_in_fresh_process(directory: Path, cache: Path, questions: Path) -> dict[str, float]:
    command = [sys.executable, __file__, RESTART, str(directory), str(cache), str(questions)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        # The last line of the traceback: the row says what failed, the other sizes still run.
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?")
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return figures


def restart(directory: Path, cache_path: Path, questions_path: Path) -> None:
    """Run in a fresh process: restart from a full cache, ask, print the figures as JSON."""
    embedder = load_embedder()
    started = time.perf_counter()
    articles = load_articles(directory).articles
    kb = KnowledgeBase.build(articles)
    built = MeaningIndex.build(articles, embedder, VectorCache(cache_path))
    assert built is not None  # never cancelled here
    kb.attach_meaning(built[0])
    restart_s = time.perf_counter() - started
    if built[1].units:
        sys.exit(f"{built[1].units} units were not in the cache: the restart time is wrong")
    timings = []
    for question in json.loads(questions_path.read_text("utf-8")):
        started = time.perf_counter()
        kb.search(question, vector=embedder.queries([question])[0])
        timings.append((time.perf_counter() - started) * 1000)
    p50, p99 = quantiles(timings)
    rss_mb = peak_rss_mb()
    print(json.dumps({"restart_s": restart_s, "p50_ms": p50, "p99_ms": p99, "rss_mb": rss_mb}))


def peak_rss_mb() -> float:
    """The peak resident memory of this process."""
    # VmHWM rather than ru_maxrss: Linux carries ru_maxrss over from the process that
    # started this one, so it would report the benchmark's own, larger, memory.
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # macOS: in bytes


@dataclasses.dataclass(frozen=True)
class MeaningFigures:
    embed_s: float
    estimated: bool  # embed_s extrapolated from a sample
    restart_s: float = math.nan
    p50_ms: float = math.nan
    p99_ms: float = math.nan
    rss_mb: float = math.nan
    failed: str = ""  # why the restart process failed (the figures above are then missing)


def measure_meaning(
    articles: Sequence[Article], questions: Sequence[str], embedder: Embedder, rng: random.Random
) -> MeaningFigures:
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as temporary:
        work = Path(temporary)
        (work / "kb").mkdir()
        write_articles(articles, work / "kb")
        # What the restart will load: vectors are keyed by the text as loaded.
        loaded = load_articles(work / "kb").articles
        cache = VectorCache(work / "vectors.sqlite3")
        embed_s, estimated = first_embedding(loaded, embedder, cache, rng)
        fill_cache(cache, loaded, embedder)
        (work / "questions.json").write_text(json.dumps(questions, ensure_ascii=False), "utf-8")
        try:
            figures = restart_in_fresh_process(work / "kb", cache.path, work / "questions.json")
        except RuntimeError as error:
            return MeaningFigures(embed_s, estimated, failed=str(error))
    return MeaningFigures(embed_s, estimated, **figures)


def duration(seconds: float, estimated: bool) -> str:
    if seconds < 120:
        text = f"{seconds:.0f} s"
    elif seconds < 2 * 3600:
        text = f"{seconds / 60:.0f} min"
    else:
        text = f"{seconds / 3600:.1f} h"
    return f"≈ {text} (est.)" if estimated else text


def words_row(words: dict[str, float], articles: Sequence[Article]) -> str:
    return (
        f"{words['build_s']:>8.2f} {words['p50_ms']:>7.2f} {words['p99_ms']:>7.2f}"
        f" {memory_mb(articles):>9.1f}"
    )


def meaning_row(meaning: MeaningFigures) -> str:
    embed = f"{duration(meaning.embed_s, meaning.estimated):>17}"
    if meaning.failed:
        return f"{embed} restart process failed: {meaning.failed}"
    return (
        f"{embed} {meaning.restart_s:>9.2f} {meaning.p50_ms:>7.2f}"
        f" {meaning.p99_ms:>7.2f} {meaning.rss_mb:>8.0f}"
    )


def main() -> None:
    rng = random.Random(SEED)
    directory, base = base_articles()
    embedder = load_embedder()
    print(f"base: {len(base)} articles from {directory}")
    print(f"model: {embedder.name}, {embedder.dim} dims, one thread")
    print(f"{'':9} {'word search':-^35}  {'meaning search (model + words)':-^54}")
    print(
        f"{'articles':>9} {'build s':>8} {'p50 ms':>7} {'p99 ms':>7} {'index MB':>9}"
        f"  {'first embed':>17} {'restart s':>9} {'p50 ms':>7} {'p99 ms':>7} {'RSS MB':>8}"
    )
    for size in SIZES:
        articles = varied(base, size, rng)
        questions = queries(articles, rng)
        words = measure(articles, questions)
        meaning = measure_meaning(articles, questions, embedder, rng)
        print(f"{size:>9,} {words_row(words, articles)}  {meaning_row(meaning)}", flush=True)
    print(
        f"est.: every unit of the base × the time a unit took on {EMBED_SAMPLE} of its articles."
        " restart, p50/p99 and RSS: a fresh process, all vectors in the cache."
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == RESTART:
        restart(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()
