"""Letter-piece resemblance, the decision model and its self-made calibration data."""

from __future__ import annotations

import dataclasses

from knowledge_base import calibrate
from knowledge_base.analysis import Analyzer
from knowledge_base.chargrams import CharIndex, fold
from knowledge_base.search import FEATURES, DecisionModel, KnowledgeBase


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


def test_model_reads_its_weights_by_feature_name() -> None:
    table = {"bias": -1.0, **{name: 0.0 for name in FEATURES}, "score": 2.0}
    model = DecisionModel.from_table(table)

    assert model.probability([1.0, 0, 0, 0, 0]) > 0.5 > model.probability([0.0, 0, 0, 0, 0])


def test_near_tie_is_offered_as_a_choice(kb: KnowledgeBase, analyzer: Analyzer) -> None:
    # Both library articles fit a bare «бібліотека» almost equally.
    _order, features = kb.features("бібліотека")
    assert features is not None
    lead = features[FEATURES.index("lead")]
    demanding = dataclasses.replace(kb.thresholds, margin=lead + 0.01)
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


def test_calibration_makes_right_and_wrong_examples(kb: KnowledgeBase, analyzer: Analyzer) -> None:
    data = calibrate.examples(kb.articles, kb.thresholds, analyzer)

    assert any(example.right for example in data)
    assert any(not example.right for example in data)
    bias, weights = calibrate.fit(data)
    assert len(weights) == len(FEATURES)
    assert "[model]" in calibrate.model_table(bias, weights)
