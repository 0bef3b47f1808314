"""Letter-piece resemblance, the decision model and its self-made calibration data."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

from knowledge_base import calibrate
from knowledge_base.analysis import Analyzer
from knowledge_base.chargrams import CharIndex, fold
from knowledge_base.embedding import Vectors
from knowledge_base.meaning import MeaningIndex
from knowledge_base.search import (
    FEATURES,
    MEANING_FEATURES,
    DecisionModel,
    KnowledgeBase,
    Policy,
)
from storage.vector_cache import VectorCache
from tests.fakes.embedder import ConceptEmbedder


def test_fold_joins_ukrainian_and_russian_spellings() -> None:
    assert fold("пенсійний") == fold("пенсийный")
    assert fold("об'єкт") == fold("обєкт")


def test_letter_pieces_forgive_typos_and_glued_words() -> None:
    index = CharIndex([[("оплатити", "комуналку")], [("читацький", "квиток")]])

    typo = index.query(["оплатти", "комуналку"])
    glued = index.query(["оплатитикомуналку"])

    assert index.similarity(typo, 0) > 0.5 > index.similarity(typo, 1)
    assert index.similarity(glued, 0) > index.similarity(glued, 1)
    assert index.similarity(index.query([]), 0) == 0.0


def test_letter_pieces_of_many_articles_at_once() -> None:
    # The bot compares a question with thirty articles in one call; one with nothing to
    # compare (no phrasing with letters) resembles nothing.
    index = CharIndex([[("оплатити", "комуналку")], [], [("квиток",), ("читацький", "квиток")]])
    question = index.query(["читацкий", "квиток"])

    together = index.similarities(question, [2, 1, 0])

    assert together == [index.similarity(question, n) for n in (2, 1, 0)]
    assert together[0] > 0.5 and together[1] == 0.0 and together[2] < 0.2


def test_model_reads_its_weights_by_feature_name() -> None:
    table = {"bias": -1.0, **{name: 0.0 for name in FEATURES}, "score": 2.0}
    model = DecisionModel.from_table(table, FEATURES)

    assert model.probability([1.0, 0, 0, 0, 0]) > 0.5 > model.probability([0.0, 0, 0, 0, 0])


def _on(feature: str, names: tuple[str, ...] = FEATURES) -> DecisionModel:
    """A model that says yes exactly when `feature` is above 0.5."""
    weights = tuple(20.0 if name == feature else 0.0 for name in names)
    return DecisionModel(-10.0, weights)


def test_three_tiers_answer_suggest_none() -> None:
    # Answer on a high score; suggest when the right article is likely among the
    # first three (here: letters resemble); otherwise hand over.
    policy = Policy(0.5, 0.05, 0.5, answer_model=_on("score"), suggest_model=_on("letters"))

    def features(score: float, lead: float, letters: float) -> list[float]:
        return [score, lead, letters, 0.0, 1.0]

    assert policy.decide(features(0.9, 0.3, 0.9)) == "answer"
    assert policy.decide(features(0.9, 0.01, 0.9)) == "suggest"  # a near tie: offer a choice
    assert policy.decide(features(0.2, 0.3, 0.9)) == "suggest"
    assert policy.decide(features(0.2, 0.3, 0.1)) == "none"


def test_each_engine_decides_by_its_own_policy(kb: KnowledgeBase, tmp_path: Path) -> None:
    never = DecisionModel(-60.0, (0.0,) * len(MEANING_FEATURES))
    always = DecisionModel(60.0, (0.0,) * len(MEANING_FEATURES))
    thresholds = dataclasses.replace(
        kb.thresholds, meaning=Policy(0.5, 0.0, 0.5, answer_model=never, suggest_model=always)
    )
    fused = KnowledgeBase.build(kb.articles, thresholds)
    fused.attach_meaning(_index(fused, tmp_path / "vectors.sqlite3"))
    question = "як оплатити рахунок за воду"

    assert fused.search(question).decision == "answer"  # words alone: their own policy
    assert fused.search(question, vector=_vector(question)).decision == "suggest"


def test_near_tie_is_offered_as_a_choice(kb: KnowledgeBase, analyzer: Analyzer) -> None:
    # Both library articles fit a bare «бібліотека» almost equally.
    _order, features = kb.features("бібліотека")
    assert features is not None
    lead = features[FEATURES.index("lead")]
    words = dataclasses.replace(kb.thresholds.words, margin=lead + 0.01)
    demanding = dataclasses.replace(kb.thresholds, words=words)
    result = KnowledgeBase.build(kb.articles, demanding, analyzer).search("бібліотека")

    assert result.decision == "suggest"
    assert {c.article.id for c in result.candidates[:2]} == {"library-card", "library-wifi"}


def test_subject_the_article_never_mentions_is_not_answered(kb: KnowledgeBase) -> None:
    # The library articles say nothing about a swimming pool.
    assert kb.search("чи є в бібліотеці басейн").decision != "answer"
    assert kb.search("чи є в бібліотеці вайфай").decision == "answer"


def test_features_name_the_ranked_articles(kb: KnowledgeBase) -> None:
    order, features = kb.features("пароль від вайфаю")

    assert kb.articles[order[0]].id == "library-wifi"
    assert features is not None and len(features) == len(FEATURES)
    assert kb.features("Добрий день!") == ([], None)


def test_calibration_makes_right_and_wrong_examples(
    kb: KnowledgeBase, analyzer: Analyzer, tmp_path: Path
) -> None:
    index = _index(kb, tmp_path / "vectors.sqlite3")
    meaning = calibrate.Meaning(index, ConceptEmbedder().queries)
    made = calibrate.examples(kb.articles, kb.thresholds, analyzer, meaning)

    for data, names in ((made.words, FEATURES), (made.meaning, MEANING_FEATURES)):
        assert any(example.rank == 0 for example in data)  # held-out phrasing found
        assert any(example.rank is None for example in data)  # left-out article
        assert all(len(example.features) == len(names) for example in data)
        fitted = calibrate.fit_policy(data, margin=0.05)
        assert 0 <= fitted.suggest <= 1 and 0 <= fitted.answer <= 1
        assert len(fitted.answer_model.weights) == len(names)
    # Each question searched both ways, for the words' `sure` cut-off.
    assert len(made.pairs) == len(made.words)
    words = calibrate.fit_policy(made.words, margin=0.05).policy(0.05)
    fused = calibrate.fit_policy(made.meaning, margin=0.05).policy(0.05)
    assert calibrate.fit_sure(made.pairs, words, fused) >= words.answer


def test_calibration_skips_the_model_only_where_no_question_fares_worse_for_it() -> None:
    # Words answer when `score` is high; fused when `closeness` is.
    words = Policy(0.5, 0.05, 0.5, answer_model=_on("score"), suggest_model=_on("letters"))
    fused = Policy(
        0.5,
        0.05,
        0.5,
        answer_model=_on("closeness", MEANING_FEATURES),
        suggest_model=_on("letters", MEANING_FEATURES),
    )

    def pair(score: float, words_rank: int | None, fused_answers: bool, fused_rank: int | None):
        example = calibrate.Example("?", [score, 0.5, 0.0, 0.0, 1.0], words_rank)
        closeness = 0.9 if fused_answers else 0.1
        fused_example = calibrate.Example(
            "?", [score, 0.5, 0.0, 0.0, 1.0, closeness, 0.1, 2.0], fused_rank
        )
        return calibrate.Pair(example, fused_example)

    pairs = [
        pair(0.95, 0, True, 0),  # right either way
        pair(0.90, 0, False, None),  # words right, the model would only have suggested
        pair(0.85, None, True, 1),  # wrong either way: skipping costs nothing
        pair(0.80, 1, False, 1),  # words wrong, the model would have suggested: worse
        pair(0.70, 0, True, 0),
    ]
    sure = calibrate.fit_sure(pairs, words, fused)

    assert sure == words.answer_model.probability(pairs[2].words.features)
    assert words.answer_model.probability(pairs[3].words.features) < sure
    # When the surest word answer of all is one the model would have saved, never skip.
    pairs.append(pair(0.99, 2, True, 0))
    assert calibrate.fit_sure(pairs, words, fused) == math.inf


def _index(kb: KnowledgeBase, cache: Path) -> MeaningIndex:
    built = MeaningIndex.build(kb.articles, ConceptEmbedder(), VectorCache(cache))
    assert built is not None
    return built[0]


def _vector(question: str) -> Vectors:
    return ConceptEmbedder().queries([question])[0]
