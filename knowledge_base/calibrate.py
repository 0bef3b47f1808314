"""Fits the decision model on questions made from a knowledge base itself.

No hand-labelled questions are needed, so the fit works for any base:
- *leave one phrasing out*: an example question is searched with it removed
  from its article; the best article being its own is a right answer (1),
  any other a wrong one (0);
- *leave articles out*: a group of articles is removed and their title and
  example questions are searched; whatever is found is wrong (0). These are
  the near-domain questions the base has no answer for.
Each searched question is also searched once more with a typo and two words
glued together, the way citizens type.

The result is a logistic regression over `search.FEATURES`, printed as the
`[model]` table of `data/thresholds.toml`.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from knowledge_base.analysis import Analyzer
from knowledge_base.model import Article
from knowledge_base.search import FEATURES, KnowledgeBase, Thresholds

ARTICLE_FOLDS = 5
SEED = 2026
STEPS = 3000
LEARNING_RATE = 2.0
L2 = 0.001


@dataclass(frozen=True)
class Example:
    text: str
    features: list[float]
    right: bool


def examples(
    articles: Sequence[Article], thresholds: Thresholds, analyzer: Analyzer
) -> list[Example]:
    rng = random.Random(SEED)
    out: list[Example] = []
    most = max((len(article.questions) for article in articles), default=0)
    for held in range(most):
        reduced = [_without_question(article, held) for article in articles]
        kb = KnowledgeBase.build(reduced, thresholds, analyzer)
        for article in articles:
            if len(article.questions) > 1 and held < len(article.questions):
                for text in _variants(article.questions[held], rng):
                    out.extend(_example(kb, text, article.id))
    order = list(range(len(articles)))
    rng.shuffle(order)
    for fold in range(ARTICLE_FOLDS):
        left_out = {number for place, number in enumerate(order) if place % ARTICLE_FOLDS == fold}
        kept = [article for number, article in enumerate(articles) if number not in left_out]
        kb = KnowledgeBase.build(kept, thresholds, analyzer)
        for number in sorted(left_out):
            article = articles[number]
            for phrasing in (article.title, *article.questions):
                for text in _variants(phrasing, rng):
                    out.extend(_example(kb, text, None))
    return out


def fit(data: Sequence[Example]) -> tuple[float, list[float]]:
    """Logistic regression by gradient descent, classes weighted equally."""
    if not data:
        raise ValueError("no examples")
    size = len(FEATURES)
    positives = sum(example.right for example in data) or 1
    negatives = (len(data) - positives) or 1
    bias, weights = 0.0, [0.0] * size
    for _ in range(STEPS):
        grad_bias, grad = 0.0, [0.0] * size
        total = 0.0
        for example in data:
            share = 0.5 / (positives if example.right else negatives)
            z = bias + sum(w * x for w, x in zip(weights, example.features, strict=True))
            error = (1 / (1 + math.exp(-max(-60.0, min(60.0, z)))) - example.right) * share
            grad_bias += error
            for index, value in enumerate(example.features):
                grad[index] += error * value
            total += share
        bias -= LEARNING_RATE * grad_bias / total
        for index in range(size):
            weights[index] -= LEARNING_RATE * (grad[index] / total + L2 * weights[index])
    return bias, weights


def model_table(bias: float, weights: Sequence[float]) -> str:
    lines = ["[model]", f"bias = {bias:.3f}"]
    lines += [f"{name} = {weight:.3f}" for name, weight in zip(FEATURES, weights, strict=True)]
    return "\n".join(lines)


def _example(kb: KnowledgeBase, text: str, expected: str | None) -> Iterator[Example]:
    order, features = kb.features(text)
    if features is not None:
        right = expected is not None and kb.articles[order[0]].id == expected
        yield Example(text, features, right)


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
