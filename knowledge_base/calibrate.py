"""Fits the decision on questions made from a knowledge base itself.

No hand-labelled questions are needed, so the fit works for any base:
- *leave one phrasing out*: an example question is searched with it removed
  from its article; the best article being its own is a right answer (1),
  any other a wrong one (0);
- *leave articles out*: a group of articles is removed and their title and
  example questions are searched; whatever is found is wrong (0). These are
  the near-domain questions the base has no answer for.
Each searched question is also searched once more with a typo and two words
glued together, the way citizens type.

The result is two policies, one for words alone and one for words and
meaning, each with an answer model, a suggest model and their cut-offs (see
`fit_policy`), and the words policy's `sure` cut-off, above which the model is
not needed (see `fit_sure`), printed as the tables of `data/thresholds.toml`.
Questions from several bases can be pooled: the policy then fits them all.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge_base.analysis import Analyzer
from knowledge_base.embedding import Vectors
from knowledge_base.meaning import MeaningIndex
from knowledge_base.model import Article
from knowledge_base.search import FEATURES, DecisionModel, KnowledgeBase, Policy, Thresholds

ARTICLE_FOLDS = 5
SEED = 2026
STEPS = 3000
LEARNING_RATE = 2.0
L2 = 0.001
TOP = 3
# The policy the cut-offs are chosen for (see fit_policy): at most 3% of all
# questions answered wrongly, if one question in five is about something the
# base does not cover; 60% of those go straight to a librarian.
WRONG_ANSWERS = 0.03
NULL_SHARE = 0.2
ESCALATE = 0.6


@dataclass(frozen=True)
class Example:
    """A made-up question, the decision's signals for it, and where its article ranked.

    `rank` is the position of the article it was made from among the ranked
    articles (0 = first), None when that article was left out of the base
    or not found.
    """

    text: str
    features: list[float]
    rank: int | None


@dataclass(frozen=True)
class Pair:
    """One made-up question searched by words alone and by words and meaning (None
    when the fused search found nothing to decide on)."""

    words: Example
    fused: Example | None


@dataclass
class Examples:
    words: list[Example]
    meaning: list[Example]
    pairs: list[Pair] = dataclasses.field(default_factory=list)


def examples(
    articles: Sequence[Article],
    thresholds: Thresholds,
    analyzer: Analyzer,
    meaning: Meaning | None = None,
) -> Examples:
    """Questions made from the base, searched by words alone and (with `meaning`) fused."""
    rng = random.Random(SEED)
    out = Examples([], [])
    Asked = list[tuple[str, str | None]]  # a question, and the article it was made from
    jobs: list[tuple[KnowledgeBase, Asked]] = []
    most = max((len(article.questions) for article in articles), default=0)
    for held in range(most):
        reduced = [_without_question(article, held) for article in articles]
        kb = KnowledgeBase.build(reduced, thresholds, analyzer)
        if meaning is not None:
            kb.attach_meaning(meaning.index)
        asked: Asked = [
            (text, article.id)
            for article in articles
            if len(article.questions) > 1 and held < len(article.questions)
            for text in _variants(article.questions[held], rng)
        ]
        jobs.append((kb, asked))
    order = list(range(len(articles)))
    rng.shuffle(order)
    for fold in range(ARTICLE_FOLDS):
        left_out = {number for place, number in enumerate(order) if place % ARTICLE_FOLDS == fold}
        kept_numbers = [number for number in range(len(articles)) if number not in left_out]
        kb = KnowledgeBase.build([articles[n] for n in kept_numbers], thresholds, analyzer)
        if meaning is not None:
            kb.attach_meaning(meaning.index.subset(kept_numbers))
        asked = [
            (text, None)
            for number in sorted(left_out)
            for phrasing in (articles[number].title, *articles[number].questions)
            for text in _variants(phrasing, rng)
        ]
        jobs.append((kb, asked))
    if meaning is not None:
        texts = [text for _kb, asked in jobs for text, _expected in asked]
        vectors = dict(zip(texts, meaning.queries(texts), strict=True))
    for kb, asked in jobs:
        for text, expected in asked:
            words = _example(kb, text, expected, None)
            if words is not None:
                out.words.append(words)
            if meaning is not None:
                fused = _example(kb, text, expected, vectors[text])
                if fused is not None:
                    out.meaning.append(fused)
                if words is not None:
                    out.pairs.append(Pair(words, fused))
    return out


@dataclass(frozen=True)
class Meaning:
    """What calibration needs of meaning search: the articles' index, and question vectors."""

    index: MeaningIndex
    queries: Callable[[Sequence[str]], Vectors]


@dataclass(frozen=True)
class Fitted:
    answer_model: DecisionModel
    suggest_model: DecisionModel
    answer: float
    suggest: float

    def policy(self, margin: float) -> Policy:
        return Policy(self.answer, margin, self.suggest, self.answer_model, self.suggest_model)


def fit_policy(data: Sequence[Example], margin: float) -> Fitted:
    """Both models of a policy, and their cut-offs, from the made-up questions.

    - *answer* cut-off: the lowest at which the expected share of wrong
      answers among all questions stays within WRONG_ANSWERS, if a share
      NULL_SHARE of residents' questions is about something the base does
      not cover (like the left-out articles' questions) and the rest about
      something it does (like the held-out phrasings);
    - *suggest* model: is the right article among the first three?
    - *suggest* cut-off: the lowest at which a share ESCALATE of the left-out
      articles' questions go to a librarian rather than to "did you mean".
    """
    answer_model = fit([(e.features, e.rank == 0) for e in data])
    lead = FEATURES.index("lead")
    answer_p = [answer_model.probability(e.features) for e in data]
    inside = sum(e.rank is not None for e in data) or 1
    outside = sum(e.rank is None for e in data) or 1
    answer = 1.0
    for cut in sorted(set(answer_p), reverse=True):
        answered = [
            e
            for e, p in zip(data, answer_p, strict=True)
            if p >= cut and e.features[lead] >= margin
        ]
        wrong_inside = sum(e.rank not in (0, None) for e in answered) / inside
        wrong_outside = sum(e.rank is None for e in answered) / outside
        if (1 - NULL_SHARE) * wrong_inside + NULL_SHARE * wrong_outside > WRONG_ANSWERS:
            break
        answer = cut
    left = [
        e
        for e, p in zip(data, answer_p, strict=True)
        if not (p >= answer and e.features[lead] >= margin)
    ]
    suggest_model = fit([(e.features, e.rank is not None and e.rank < TOP) for e in data])
    # Of all the left-out articles' questions (answered ones included), a share
    # ESCALATE must fall below the cut-off.
    outside_p = sorted(suggest_model.probability(e.features) for e in left if e.rank is None)
    place = math.ceil(ESCALATE * outside)
    suggest = outside_p[place] if place < len(outside_p) else 1.0
    return Fitted(answer_model, suggest_model, answer, suggest)


def fit_sure(pairs: Sequence[Pair], words: Policy, fused: Policy) -> float:
    """The words policy's `sure`: the lowest answer probability at which answering by
    words alone, without the model, leaves no made-up question worse off.

    Worse off: words alone answer it wrongly (another article, or one left out of
    the base) where words and meaning would not have (they suggest, hand over, or
    answer rightly). Infinite (never skip the model) when no cut-off is safe.
    """
    lead = FEATURES.index("lead")
    scored = [
        (words.answer_model.probability(pair.words.features), pair)
        for pair in pairs
        if pair.words.features[lead] >= words.margin
    ]
    worse = [
        p
        for p, pair in scored
        if pair.words.rank != 0
        and not (
            pair.fused is not None
            and fused.decide(pair.fused.features) == "answer"
            and pair.fused.rank != 0
        )
    ]
    floor = max([words.answer, *worse])
    return min((p for p, _pair in scored if p > floor), default=math.inf)


def fit(data: Sequence[tuple[Sequence[float], bool]]) -> DecisionModel:
    """Logistic regression by gradient descent (numpy), classes weighted equally.

    Fitted on standardised signals (closeness differences are hundredths,
    scores are tenths: raw, one step size fits neither) and returned in raw units.
    """
    if not data:
        raise ValueError("no examples")
    raw = np.array([features for features, _ in data], dtype=np.float64)
    y = np.array([label for _, label in data], dtype=np.float64)
    mean, spread = raw.mean(axis=0), raw.std(axis=0)
    spread[spread == 0] = 1.0
    x = (raw - mean) / spread
    positives = max(float(y.sum()), 1.0)
    negatives = max(float(len(y) - y.sum()), 1.0)
    share = np.where(y > 0, 0.5 / positives, 0.5 / negatives)
    share /= share.sum()
    bias, weights = 0.0, np.zeros(x.shape[1])
    for _ in range(STEPS):
        z = np.clip(bias + x @ weights, -60.0, 60.0)
        error = (1 / (1 + np.exp(-z)) - y) * share
        bias -= LEARNING_RATE * float(error.sum())
        weights -= LEARNING_RATE * (x.T @ error + L2 * weights)
    raw_weights = weights / spread
    return DecisionModel(bias - float(raw_weights @ mean), tuple(float(w) for w in raw_weights))


def policy_tables(
    name: str, names: Sequence[str], fitted: Fitted, margin: float, sure: float | None = None
) -> str:
    """The policy as `data/thresholds.toml` tables."""
    lines = [
        f"[{name}.decision]",
        f"answer = {fitted.answer:.3f}",
        f"margin = {margin:.3f}",
        f"suggest = {fitted.suggest:.3f}",
    ]
    if sure is not None and math.isfinite(sure):
        # Rounded up, never down: down could take in a question the model would have saved.
        lines.append(f"sure = {math.ceil(sure * 1000) / 1000:.3f}")
    for table, model in (
        ("answer_model", fitted.answer_model),
        ("suggest_model", fitted.suggest_model),
    ):
        lines += ["", f"[{name}.{table}]", f"bias = {model.bias:.3f}"]
        lines += [f"{n} = {w:.3f}" for n, w in zip(names, model.weights, strict=True)]
    return "\n".join(lines)


def _example(
    kb: KnowledgeBase, text: str, expected: str | None, vector: Vectors | None
) -> Example | None:
    order, features = kb.features(text, vector)
    if features is None:
        return None
    ids = [kb.articles[number].id for number in order]
    rank = ids.index(expected) if expected in ids else None
    return Example(text, features, rank)


def _without_question(article: Article, held: int) -> Article:
    if len(article.questions) <= 1 or held >= len(article.questions):
        return article
    questions = article.questions[:held] + article.questions[held + 1 :]
    return dataclasses.replace(article, questions=questions)


def _variants(text: str, rng: random.Random) -> list[str]:
    """The phrasing itself and a copy with a dropped letter and two words glued."""
    words = text.split()
    if len(words) > 2:
        at = rng.randrange(len(words) - 1)
        words[at : at + 2] = [words[at] + words[at + 1]]
    long_words = [index for index, word in enumerate(words) if len(word) > 5]
    if long_words:
        at = rng.choice(long_words)
        cut = rng.randrange(1, len(words[at]) - 1)
        words[at] = words[at][:cut] + words[at][cut + 1 :]
    noisy = " ".join(words)
    return [text] if noisy == text else [text, noisy]
