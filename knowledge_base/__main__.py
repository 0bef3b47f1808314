"""`python -m knowledge_base check|search|eval` — tools for librarians and developers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from knowledge_base import calibrate, evaluate
from knowledge_base.analysis import Analyzer
from knowledge_base.embedding import DEFAULT_MODEL, Embedder, EmbedderUnavailable, load_embedder
from knowledge_base.loader import load_articles
from knowledge_base.meaning import MeaningIndex, embed_queries, question_for_model
from knowledge_base.model import Article
from knowledge_base.search import FEATURES, MEANING_FEATURES, KnowledgeBase, Thresholds
from storage.vector_cache import VectorCache

DEFAULT_KB = Path(__file__).parent / "articles"
# The bot's own cache with its default DATABASE_PATH: vectors made here serve it too.
DEFAULT_CACHE = Path("data/kb-vectors.sqlite3")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command: int = args.handler(args)
    return command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge_base",
        description="Перевірка, пошук і оцінювання бази знань Приймальні.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", help="перевірити теку статей; код виходу 1, якщо є помилки"
    )
    check.add_argument("directory", type=Path, help="тека зі статтями (.md)")
    check.set_defaults(handler=_check)

    search = commands.add_parser("search", help="знайти статті на питання, з оцінками й рішенням")
    search.add_argument("question", help="питання, як його написав би відвідувач")
    search.add_argument("--kb", type=Path, default=DEFAULT_KB, help="тека зі статтями")
    search.add_argument("--limit", type=int, default=5, help="скільки кандидатів показати")
    _meaning_options(search)
    search.set_defaults(handler=_search)

    evaluation = commands.add_parser(
        "eval", help="прогнати питання з відомими відповідями; останній рядок — JSON з метриками"
    )
    evaluation.add_argument("--kb", type=Path, default=DEFAULT_KB, help="тека зі статтями")
    evaluation.add_argument("--questions", type=Path, required=True, help="файл JSON Lines")
    _meaning_options(evaluation)
    evaluation.set_defaults(handler=_eval)

    fitting = commands.add_parser(
        "calibrate",
        help="підібрати рішення на питаннях, зроблених із самих баз; друкує таблиці для "
        "data/thresholds.toml",
    )
    fitting.add_argument(
        "--kb",
        type=Path,
        action="append",
        help="тека зі статтями; можна кілька разів — питання всіх баз беруться разом",
    )
    _meaning_options(fitting)
    fitting.set_defaults(handler=_calibrate)
    return parser


def _meaning_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--no-semantic", action="store_true", help="лише пошук за словами, без моделі змісту"
    )
    command.add_argument(
        "--model", default=DEFAULT_MODEL, help="модель змісту (як SEMANTIC_MODEL у боті)"
    )
    command.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="файл кешу векторів статей"
    )


def _check(args: argparse.Namespace) -> int:
    result = load_articles(args.directory)
    for warning in result.warnings:
        print(f"{warning} (попередження)")
    for error in result.errors:
        print(error)
    print(f"статей без помилок: {len(result.articles)}, з помилками: {len(result.errors)}")
    return 1 if result.errors else 0


def _search(args: argparse.Namespace) -> int:
    kb, errors = KnowledgeBase.load(args.kb)
    _report_skipped(errors)
    embedder = _attach_meaning(kb, args)
    vector = None
    if embedder is not None:
        vector = embedder.queries([question_for_model(args.question)])[0]
    result = kb.search(args.question, limit=args.limit, vector=vector)
    for place, candidate in enumerate(result.candidates, start=1):
        article = candidate.article
        print(f"{place}. {candidate.score:.3f}  {article.id}  {article.title}")
    engine = "слова і зміст" if vector is not None else "лише слова"
    print(f"рішення: {result.decision} ({engine})")
    return 0


def _eval(args: argparse.Namespace) -> int:
    kb, errors = KnowledgeBase.load(args.kb)
    _report_skipped(errors)
    embedder = _attach_meaning(kb, args)
    questions = evaluate.read_questions(args.questions)
    outcomes = evaluate.run(kb, questions, embedder)
    for line in evaluate.misses_table(outcomes):
        print(line)
    print(json.dumps(evaluate.metrics(outcomes), ensure_ascii=False))
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    thresholds, analyzer = Thresholds.load(), Analyzer()
    embedder = None if args.no_semantic else _embedder(args.model)
    pooled = calibrate.Examples([], [])
    for directory in args.kb or [DEFAULT_KB]:
        result = load_articles(directory)
        _report_skipped(result.errors)
        meaning = None
        if embedder is not None:
            meaning = _meaning_for(result.articles, embedder, args.cache)
        made = calibrate.examples(result.articles, thresholds, analyzer, meaning)
        pooled.words += made.words
        pooled.meaning += made.meaning
        pooled.pairs += made.pairs
        print(f"# {directory}: питань {len(made.words)}", file=sys.stderr)
    fitted = {
        name: calibrate.fit_policy(data, getattr(thresholds, name).margin)
        for name, data in (("words", pooled.words), ("meaning", pooled.meaning))
        if data
    }
    sure = None
    if "words" in fitted and "meaning" in fitted and pooled.pairs:
        sure = calibrate.fit_sure(
            pooled.pairs,
            fitted["words"].policy(thresholds.words.margin),
            fitted["meaning"].policy(thresholds.meaning.margin),
        )
    for name, names in (("words", FEATURES), ("meaning", MEANING_FEATURES)):
        if name in fitted:
            margin = getattr(thresholds, name).margin
            tables = calibrate.policy_tables(
                name, names, fitted[name], margin, sure if name == "words" else None
            )
            print(tables, end="\n\n")
    return 0


def _embedder(model: str) -> Embedder | None:
    try:
        return load_embedder(model)
    except EmbedderUnavailable as error:
        print(f"модель змісту не завантажилася ({error}): лише пошук за словами", file=sys.stderr)
        return None


def _meaning_for(
    articles: Sequence[Article], embedder: Embedder, cache_path: Path
) -> calibrate.Meaning:
    cache = VectorCache(cache_path)
    index = _meaning_index(articles, embedder, cache)
    return calibrate.Meaning(index, lambda texts: embed_queries(texts, embedder, cache))


def _meaning_index(
    articles: Sequence[Article], embedder: Embedder, cache: VectorCache
) -> MeaningIndex:
    built = MeaningIndex.build(articles, embedder, cache)
    assert built is not None  # never cancelled here
    index, report = built
    if report.units:
        print(f"# векторів зроблено заново: статей {report.articles}", file=sys.stderr)
    return index


def _attach_meaning(kb: KnowledgeBase, args: argparse.Namespace) -> Embedder | None:
    """Meaning search for a tool, unless --no-semantic; the embedder, or None."""
    if args.no_semantic:
        return None
    embedder = _embedder(args.model)
    if embedder is not None:
        kb.attach_meaning(_meaning_index(kb.articles, embedder, VectorCache(args.cache)))
    return embedder


def _report_skipped(errors: Sequence[object]) -> None:
    for error in errors:
        print(f"пропущено: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
