"""Runs evaluation questions through the bot's own decision and measures it."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.embedding import Embedder
from knowledge_base.meaning import question_for_model
from knowledge_base.search import SUGGESTIONS, KnowledgeBase, SearchResult

TOP = 3


@dataclass(frozen=True)
class Question:
    text: str
    expected: str | None


@dataclass(frozen=True)
class Outcome:
    question: Question
    result: SearchResult
    milliseconds: float

    @property
    def answered_id(self) -> str | None:
        if self.result.decision != "answer":
            return None
        return self.result.candidates[0].article.id

    @property
    def top_ids(self) -> list[str]:
        return [candidate.article.id for candidate in self.result.candidates[:TOP]]

    @property
    def suggested_ids(self) -> list[str]:
        if self.result.decision != "suggest":
            return []
        return [candidate.article.id for candidate in self.result.candidates[:SUGGESTIONS]]

    @property
    def correct(self) -> bool:
        if self.question.expected is None:
            return self.result.decision == "none"
        return self.answered_id == self.question.expected


def read_questions(path: Path) -> list[Question]:
    questions: list[Question] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            questions.append(Question(str(item["q"]), item.get("expected")))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: неправильний рядок питання ({error})") from None
    return questions


def run(
    kb: KnowledgeBase, questions: Sequence[Question], embedder: Embedder | None = None
) -> list[Outcome]:
    """Each question through the bot's decision; with an embedder, the time includes
    embedding the question, as in the bot."""
    outcomes: list[Outcome] = []
    for question in questions:
        started = time.perf_counter()
        # As the bot does (`KnowledgeBaseHolder`): no model when the words are sure.
        result = kb.sure_by_words(question.text) if embedder is not None else None
        if result is None:
            vector = None
            if embedder is not None:
                vector = embedder.queries([question_for_model(question.text)])[0]
            result = kb.search(question.text, vector=vector)
        elapsed = (time.perf_counter() - started) * 1000
        outcomes.append(Outcome(question, result, elapsed))
    return outcomes


def metrics(outcomes: Sequence[Outcome]) -> dict[str, float | int]:
    answerable = [o for o in outcomes if o.question.expected is not None]
    nulls = [o for o in outcomes if o.question.expected is None]
    wrong = [o for o in outcomes if o.answered_id not in (None, o.question.expected)]
    timings = sorted(o.milliseconds for o in outcomes)
    answered = sum(o.correct for o in answerable)
    suggested = sum(o.question.expected in o.suggested_ids for o in answerable)
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "answered_correct": _share(answered, len(answerable)),
        "top3": _share(sum(o.question.expected in o.top_ids for o in answerable), len(answerable)),
        "wrong_answer": _share(len(wrong), len(outcomes)),
        "null_escalated": _share(sum(o.correct for o in nulls), len(nulls)),
        "suggested_correct": _share(suggested, len(answerable)),
        "one_tap": _share(answered + suggested, len(answerable)),
        "suggested_null": _share(sum(o.result.decision == "suggest" for o in nulls), len(nulls)),
        "p50_ms": round(_percentile(timings, 50), 3),
        "p99_ms": round(_percentile(timings, 99), 3),
    }


def misses_table(outcomes: Sequence[Outcome]) -> list[str]:
    lines = ["decision  expected -> got (score)  | question"]
    for outcome in outcomes:
        if outcome.correct:
            continue
        lines.append(_miss_line(outcome))
    return lines


def _miss_line(outcome: Outcome) -> str:
    candidates = outcome.result.candidates
    got = ", ".join(f"{c.article.id} {c.score:.2f}" for c in candidates[:TOP]) or "-"
    expected = outcome.question.expected or "null"
    return f"{outcome.result.decision:8}  {expected} -> {got}  | {outcome.question.text}"


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _percentile(sorted_values: Sequence[float], percent: float) -> float:
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(percent) - 1]
