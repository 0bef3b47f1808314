"""Words to lemmas: morphology in both languages and the librarians' word lists.

The analyzer here reads small word lists written by each test module, so every
expectation below follows from a line you can see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.analysis import Analyzer, PhraseCache, morph_analyzer
from knowledge_base.loader import load_articles
from knowledge_base.text import tokens
from tests.harness import write_articles

LISTS = {
    "stopwords.txt": "# who asks, and how politely\nпідкажіть будь ласка\nЯ  мені\n",
    "fillers.txt": "# cut before searching\nдобрий день\nБудь ласка\n",
    "context_words.txt": "мама бабуся # family\nрік\n",
    "synonyms.txt": (
        "комунальні послуги = комуналка, Квартплата\n"
        "пенсійне посвідчення = посвідчення пенсіонера\n"
        "документ = посвідчення\n"
        "лічильник = лічильники, счётчик\n"
    ),
    "ru_uk.txt": "отримати = получить\nодержати = получить, добыть\n",
}

ARTICLE = """---
id: pension-certificate
title: Як отримати посвідчення пенсіонера
category: Пенсії
questions:
  - де взяти пенсійне посвідчення
---
Я покажу, як оформити документ у ЦНАП. Квартплату пенсіонерам рахують окремо.
"""


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    return Analyzer(write_articles(tmp_path_factory.mktemp("lists"), LISTS))


@pytest.fixture(scope="module")
def article_words(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = write_articles(tmp_path_factory.mktemp("kb"), {"pension.md": ARTICLE})
    loaded = load_articles(folder)
    assert loaded.errors == []
    [article] = loaded.articles
    return tokens(f"{article.title}. {article.body}")


def _groups(analyzer: Analyzer, text: str) -> list[tuple[list[set[str]], int]]:
    return [
        ([set(lemmas) for lemmas in group], replaced)
        for group, replaced in analyzer.apply_rules(tokens(text))
    ]


# --- Fillers --------------------------------------------------------------------------


def test_greetings_and_politeness_are_cut_before_searching(analyzer: Analyzer) -> None:
    stripped = analyzer.strip_fillers("добрий день, підкажіть будь ласка як оплатити")
    assert tokens(stripped) == ["підкажіть", "як", "оплатити"]


def test_a_filler_inside_longer_words_is_left_alone(analyzer: Analyzer) -> None:
    text = "будь ласкавий, добрий деньок"
    assert analyzer.strip_fillers(text) == text


def test_without_fillers_the_text_is_unchanged(tmp_path: Path) -> None:
    only_comments = LISTS | {"fillers.txt": "# nothing yet\n"}
    plain = Analyzer(write_articles(tmp_path, only_comments))
    assert plain.strip_fillers("добрий день") == "добрий день"


# --- Lemmas and the dictionaries ------------------------------------------------------


def test_word_forms_of_both_languages_come_to_their_dictionary_form(
    analyzer: Analyzer,
) -> None:
    assert analyzer.lemmas("квитка") == {"квиток"}
    assert analyzer.lemmas("пенсіонерам") == {"пенсіонер"}
    # Russian «счётчик» is kept with е, as the texts are normalised.
    assert analyzer.lemmas("счетчики") == {"счетчик"}


def test_an_unknown_word_is_kept_as_typed(analyzer: Analyzer) -> None:
    assert not analyzer.is_known("вайфайчик")
    assert "вайфайчик" in analyzer.lemmas("вайфайчик")


def test_words_of_either_dictionary_are_known(analyzer: Analyzer) -> None:
    assert analyzer.is_known("бібліотека")
    assert analyzer.is_known("библиотека")


def test_nouns_name_a_subject_but_verbs_and_surnames_do_not(analyzer: Analyzer) -> None:
    assert analyzer.is_noun("квитка")
    assert not analyzer.is_noun("оплатити")
    assert not analyzer.is_noun("шевченка")
    assert analyzer.is_subject("квитка")
    assert analyzer.is_subject("пенсійного")  # an adjective can be the subject too
    assert not analyzer.is_subject("оплатити")


def test_a_place_name_is_told_from_a_common_noun(analyzer: Analyzer) -> None:
    assert analyzer.is_place("парижа")
    assert analyzer.is_place("львова")
    assert not analyzer.is_place("квитка")
    assert not analyzer.is_place("шевченка")  # people's names are not asked


def test_the_dictionaries_are_opened_once_per_process() -> None:
    assert morph_analyzer("uk") is morph_analyzer("uk")
    assert morph_analyzer("uk") is not morph_analyzer("ru")


# --- Stopwords and context words ------------------------------------------------------


def test_listed_words_and_all_their_forms_are_stopwords(analyzer: Analyzer) -> None:
    assert analyzer.is_stopword("підкажіть")
    assert analyzer.is_stopword("я")
    assert analyzer.is_stopword("мною")  # a form of the listed «я»
    assert "ласка" in analyzer.stopwords
    assert not analyzer.is_stopword("квиток")


def test_particles_and_conjunctions_are_stopwords_without_being_listed(
    analyzer: Analyzer,
) -> None:
    assert "бо" not in analyzer.stopwords
    assert analyzer.is_stopword("бо")


def test_family_and_time_words_tell_the_story_not_the_subject(analyzer: Analyzer) -> None:
    assert analyzer.is_context_word("бабусі")
    assert analyzer.is_context_word("мамі")
    assert not analyzer.is_subject("бабусі")  # a noun, but not what is asked about
    assert not analyzer.is_context_word("квитка")


# --- Synonyms and Russian words -------------------------------------------------------


def test_lexicon_words_in_any_form_have_rules(analyzer: Analyzer) -> None:
    assert analyzer.has_rules("комуналку")
    assert analyzer.has_rules("квартплату")  # listed with a capital letter
    assert analyzer.has_rules("получить")
    assert not analyzer.has_rules("квиток")


def test_a_colloquial_word_becomes_its_canonical_words(analyzer: Analyzer) -> None:
    assert _groups(analyzer, "як оплатити комуналку") == [
        ([{"як"}], 0),
        ([{"оплатити"}], 0),
        ([{"комунальний"}, {"послуга"}], 1),
    ]


def test_a_russian_word_becomes_the_ukrainian_one(analyzer: Analyzer) -> None:
    assert _groups(analyzer, "получить") == [([{"отримати"}], 1)]


def test_the_longest_phrase_wins_over_a_single_word(analyzer: Analyzer) -> None:
    # «посвідчення» alone is a «документ»; with «пенсіонера» it is the longer phrase.
    assert _groups(analyzer, "посвідчення") == [([{"документ"}], 1)]
    assert _groups(analyzer, "посвідчення пенсіонера") == [([{"пенсійний"}, {"посвідчення"}], 2)]


def test_a_broken_phrase_is_taken_word_by_word(analyzer: Analyzer) -> None:
    [first, _, last] = _groups(analyzer, "посвідчення для пенсіонера")
    assert first == ([{"документ"}], 1)
    assert last == ([{"пенсіонер"}], 0)


def test_misspelt_words_match_a_phrase_by_spelling(analyzer: Analyzer) -> None:
    assert _groups(analyzer, "посвидченя пенсионера") == [([{"пенсійний"}, {"посвідчення"}], 2)]


def test_the_first_line_naming_a_word_wins(analyzer: Analyzer) -> None:
    # «получить» is listed under «отримати» and, later, under «одержати».
    assert _groups(analyzer, "получить") == [([{"отримати"}], 1)]
    assert _groups(analyzer, "добыть") == [([{"одержати"}], 1)]


def test_a_form_of_the_canonical_word_listed_as_variant_changes_nothing(
    analyzer: Analyzer,
) -> None:
    assert not analyzer.has_rules("лічильники")
    assert _groups(analyzer, "лічильники") == [([{"лічильник"}], 0)]
    assert _groups(analyzer, "счетчик") == [([{"лічильник"}], 1)]


# --- Indexing an article --------------------------------------------------------------


def test_an_article_is_indexed_under_its_words_and_their_canonical_words(
    analyzer: Analyzer, article_words: list[str]
) -> None:
    terms = analyzer.content_terms(article_words)
    # Its own words, as lemmas.
    assert {"отримати", "пенсіонер", "оформити", "цнап"} <= terms
    # «квартплату» also counts as «комунальні послуги», «посвідчення» as «документ».
    assert {"квартплата", "комунальний", "послуга", "документ"} <= terms
    # The phrase «посвідчення пенсіонера» adds «пенсійне посвідчення».
    assert "пенсійний" in terms
    # Stopwords are not what an article is about.
    assert not {"я"} & terms


def test_the_full_index_keeps_the_stopwords_the_article_has(
    analyzer: Analyzer, article_words: list[str]
) -> None:
    content = analyzer.content_terms(article_words)
    full = analyzer.index_terms(article_words)
    assert full - content == {"я"}
    assert "мною" not in full  # only the words the article has


def test_phrases_remembered_across_articles_give_the_same_terms(
    analyzer: Analyzer, article_words: list[str]
) -> None:
    phrases: PhraseCache = {}
    first = analyzer.content_terms(article_words, phrases)
    again = analyzer.content_terms(article_words, phrases)
    assert phrases  # the phrase at «посвідчення пенсіонера» was remembered
    assert first == again == analyzer.content_terms(list(article_words))
