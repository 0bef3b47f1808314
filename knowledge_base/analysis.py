"""Words to lemmas: Ukrainian and Russian morphology plus the synonym and bilingual lists.

The word lists live in `knowledge_base/data/` so librarians and developers can
extend them without touching code:
- `stopwords.txt` — greetings, fillers and function words in both languages;
- `fillers.txt` — greeting and politeness phrases cut before searching;
- `context_words.txt` — family, people and time words that rarely name a subject;
- `synonyms.txt`, `ru_uk.txt` — lines `canonical Ukrainian = variant, variant`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import pymorphy3
from pymorphy3.tagset import OpencorporaTag

from knowledge_base.text import skeleton, tokens

DATA_DIR = Path(__file__).parent / "data"
LEXICON_FILES = ("synonyms.txt", "ru_uk.txt")
# One-letter words that can legitimately stand alone inside glued text («вцнап»).
SHORT_WORDS = frozenset(["в", "у", "з", "с", "к", "и", "і", "й", "а", "о"])

Lemmas = frozenset[str]
# Phrase rules matched at a run of words (starting with a phrase's first word),
# and their canonical lemmas without stopwords.
PhraseCache = dict[tuple[str, ...], tuple[tuple["Rule", ...], frozenset[str]]]
# Parts of speech that never name a subject (OpenCorpora tags, used by both dictionaries).
FUNCTION_POS = frozenset({"NPRO", "NUMR", "PREP", "CONJ", "PRCL", "INTJ", "PRED"})
# Parts of speech that can name what a question is about: «курси англійської».
SUBJECT_POS = frozenset({"NOUN", "ADJF", "ADJS"})
NAME_GRAMMEMES = frozenset({"Geox", "Name", "Surn", "Patr"})


@functools.cache
def morph_analyzer(lang: str) -> pymorphy3.MorphAnalyzer:
    """The dictionaries take a while to open and are read-only, so one per process is enough."""
    return pymorphy3.MorphAnalyzer(lang=lang)


@dataclass(frozen=True)
class Rule:
    """A word or phrase (as lemma sets per word) and the Ukrainian lemmas it stands for."""

    variant: tuple[Lemmas, ...]
    canonical: tuple[Lemmas, ...]
    skeletons: tuple[frozenset[str], ...]


class Analyzer:
    """Lemmatises words in both languages and rewrites colloquial or Russian words.

    Holds per-word caches; reads are safe from several threads because the
    caches only ever gain entries that are the same whoever computes them.
    """

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self._uk = morph_analyzer("uk")
        self._ru = morph_analyzer("ru")
        self._lemma_cache: dict[str, Lemmas] = {}
        self._known_cache: dict[str, bool] = {}
        self._noun_cache: dict[str, bool] = {}
        self._subject_cache: dict[str, bool] = {}
        self._rule_cache: dict[str, tuple[Rule, ...]] = {}
        # The same rules split for indexing: one-word rules' canonical lemma sets, in
        # rule order, and the rules for phrases that start with the word.
        self._single_canonicals: dict[str, tuple[Lemmas, ...]] = {}
        self._phrase_rules: dict[str, tuple[Rule, ...]] = {}
        self._phrase_starters: set[str] = set()
        # Per word: its lemmas and its one-word rules' canonical lemmas, stopwords removed.
        self._word_terms: dict[str, frozenset[str]] = {}
        # Per phrase rule (by id): its canonical lemmas, stopwords removed.
        self._rule_terms: dict[int, frozenset[str]] = {}
        # Every rule's place in the lexicon files, so rules are tried in file order.
        self._rule_order: dict[int, int] = {}
        # Per phrase-starting word: the most words its phrases span.
        self._phrase_spans: dict[str, int] = {}
        self._function_cache: dict[str, bool] = {}
        self._tag_cache: dict[str, tuple[OpencorporaTag, ...]] = {}
        self._skeleton_cache: dict[str, frozenset[str]] = {}
        self.stopwords = self._load_stopwords(data_dir / "stopwords.txt")
        self._fillers = _phrase_pattern(_data_lines(data_dir / "fillers.txt"))
        self.context_words = self._load_stopwords(data_dir / "context_words.txt")
        self.rules_by_key: dict[str, list[Rule]] = {}
        for name in LEXICON_FILES:
            self._load_rules(data_dir / name)

    def strip_fillers(self, normalised_text: str) -> str:
        return self._fillers.sub(" ", normalised_text) if self._fillers else normalised_text

    def is_known(self, word: str) -> bool:
        known = self._known_cache.get(word)
        if known is None:
            known = self._uk.word_is_known(word) or self._ru.word_is_known(word)
            self._known_cache[word] = known
        return known

    def is_noun(self, word: str) -> bool:
        """Whether a dictionary reads the word as a noun: nouns name a subject, verbs rarely do."""
        noun = self._noun_cache.get(word)
        if noun is None:
            noun = any(_common_noun(tag) for tag in self._first_tags(word))
            self._noun_cache[word] = noun
        return noun

    def is_place(self, word: str) -> bool:
        """Whether a dictionary reads the word as a place name («Кишинева»).

        Person names are not asked: too many common nouns are also surnames («борщ»).
        """
        return any("Geox" in tag.grammemes for tag in self._first_tags(word))

    def is_subject(self, word: str) -> bool:
        """A common noun or adjective that is not a family, people or time word."""
        subject = self._subject_cache.get(word)
        if subject is None:
            subject = not self.is_context_word(word) and any(
                _subject_tag(tag) for tag in self._first_tags(word)
            )
            self._subject_cache[word] = subject
        return subject

    def lemmas(self, word: str) -> Lemmas:
        cached = self._lemma_cache.get(word)
        if cached is None:
            cached = self._compute_lemmas(word)
            self._lemma_cache[word] = cached
        return cached

    def has_rules(self, word: str) -> bool:
        """Whether a lexicon line (synonym or Russian word) starts with this word."""
        return bool(self._rules_starting_with(word))

    def is_stopword(self, word: str) -> bool:
        if word in self.stopwords:
            return True
        lemmas = self.lemmas(word)
        return (bool(lemmas) and lemmas <= self.stopwords) or self._is_function_word(word)

    def is_context_word(self, word: str) -> bool:
        """Family, people and time words: they tell the asker's story, not the subject."""
        return bool(self.lemmas(word) & self.context_words)

    def _is_function_word(self, word: str) -> bool:
        """Pronouns, numerals, prepositions and particles by the dictionaries' own tags."""
        cached = self._function_cache.get(word)
        if cached is None:
            tags = [tag.POS for tag in self._first_tags(word)]
            cached = bool(tags) and all(tag in FUNCTION_POS for tag in tags)
            self._function_cache[word] = cached
        return cached

    def _first_tags(self, word: str) -> tuple[OpencorporaTag, ...]:
        """The first reading's tag in each dictionary that knows the word, Ukrainian first.

        Questions ask several things of one new word (a function word? a noun?
        a subject?); the dictionaries are read once for all of them.
        """
        tags = self._tag_cache.get(word)
        if tags is None:
            tags = tuple(
                analyzer.parse(word)[0].tag
                for analyzer in (self._uk, self._ru)
                if analyzer.word_is_known(word)
            )
            self._tag_cache[word] = tags
        return tags

    def apply_rules(self, words: Sequence[str]) -> list[tuple[tuple[Lemmas, ...], int]]:
        """Groups the words: each rule's variant becomes its canonical words, others stay.

        Returns (lemma sets, how many input words the group replaces); a group
        from a rule counts as one concept however many words it has.
        """
        out: list[tuple[tuple[Lemmas, ...], int]] = []
        index = 0
        while index < len(words):
            rule = self._longest_rule(words, index)
            if rule is None:
                out.append(((self.lemmas(words[index]),), 0))
                index += 1
                continue
            out.append((rule.canonical, len(rule.variant)))
            index += len(rule.variant)
        return out

    def index_terms(self, words: Sequence[str]) -> set[str]:
        """Every lemma of an article's words plus the canonical words of every rule they match.

        Unlike a question, an article keeps all readings, so overlapping rules
        simply add their words and no longest match is needed.
        """
        terms = self.content_terms(words)
        # Stopwords were left out per word; add back the ones the words have.
        for word in set(words):
            terms |= self.lemmas(word) & self.stopwords
            for canonical in self._single_canonicals[word]:
                terms |= canonical & self.stopwords
        for rules, _terms in self._phrases_in(words, set(words), {}):
            for rule in rules:
                terms.update(*rule.canonical)
        return terms

    def content_terms(self, words: Sequence[str], phrases: PhraseCache | None = None) -> set[str]:
        """`index_terms` without stopwords: what an article is indexed under.

        `phrases` keeps the phrase rules matched at each run of words; pass
        the same dict for all the articles of a base and drop it afterwards.
        """
        # The hot loop of indexing: set operations in C over cached per-word entries.
        unique = set(words)
        word_terms = self._word_terms
        for word in unique.difference(word_terms):
            self._split_rules(word)
        terms: set[str] = set().union(*map(word_terms.__getitem__, unique))
        if not unique.isdisjoint(self._phrase_starters):
            cache = {} if phrases is None else phrases
            for _rules, found in self._phrases_in(words, unique, cache):
                terms |= found
        return terms

    def _phrases_in(
        self, words: Sequence[str], unique: set[str], cache: PhraseCache
    ) -> list[tuple[tuple[Rule, ...], frozenset[str]]]:
        """The phrase rules matched at each place a phrase may start, with their lemmas."""
        starters = unique & self._phrase_starters
        if not starters:
            return []
        if not isinstance(words, list):
            words = list(words)
        spans = self._phrase_spans
        runs: set[tuple[str, ...]] = set()
        for word in starters:
            span = spans[word]
            # Every place the word occurs, found by list.index (a loop in C).
            index = words.index(word)
            while True:
                runs.add(tuple(words[index : index + span]))
                try:
                    index = words.index(word, index + 1)
                except ValueError:
                    break
        found = cache.get
        return [found(run) or self._match_phrases(run, cache) for run in runs]

    def _match_phrases(
        self, run: tuple[str, ...], cache: PhraseCache
    ) -> tuple[tuple[Rule, ...], frozenset[str]]:
        """The phrase rules whose variant starts `run`, and their canonical lemmas."""
        matched: list[Rule] = []
        for rule in self._phrase_rules[run[0]]:
            variant = rule.variant
            if len(variant) > len(run):
                continue
            for offset in range(1, len(variant)):
                other = run[offset]
                if not variant[offset] & self.lemmas(other) and not (
                    rule.skeletons[offset] & self._skeletons(other)
                ):
                    break
            else:
                matched.append(rule)
        terms = frozenset().union(*(self._rule_terms[id(rule)] for rule in matched))
        result = cache[run] = (tuple(matched), terms)
        return result

    def _split_rules(self, word: str) -> None:
        """Caches the canonical words of the one-word rules for `word` and its phrase rules.

        Also leaves the word's lemmas in their cache, as `index_terms` expects.
        """
        rules = self._rules_starting_with(word)
        single = [rule.canonical for rule in rules if len(rule.variant) == 1]
        self._single_canonicals[word] = tuple(chain.from_iterable(single))
        phrases = tuple(rule for rule in rules if len(rule.variant) > 1)
        self._phrase_rules[word] = phrases
        if phrases:
            self._phrase_starters.add(word)
        if phrases:
            self._phrase_spans[word] = max(len(rule.variant) for rule in phrases)
        for rule in phrases:
            if id(rule) not in self._rule_terms:
                self._rule_terms[id(rule)] = frozenset().union(*rule.canonical) - self.stopwords
        lemmas, singles = self.lemmas(word), self._single_canonicals[word]
        if not singles and lemmas.isdisjoint(self.stopwords):
            self._word_terms[word] = lemmas  # Most words: share the lemma set, not a copy.
        else:
            self._word_terms[word] = frozenset(lemmas.union(*singles) - self.stopwords)

    def _longest_rule(self, words: Sequence[str], index: int) -> Rule | None:
        best: Rule | None = None
        for rule in self._rules_starting_with(words[index]):
            size = len(rule.variant)
            if best is not None and size <= len(best.variant):
                continue
            if size == 1 or self._matches(rule, words, index):
                best = rule
        return best

    def _rules_starting_with(self, word: str) -> tuple[Rule, ...]:
        """Dictionary words match rules by lemma; unknown (surzhyk, misspelt) words by skeleton.

        A skeleton match for a dictionary word would confuse different words
        that happen to share consonants («мати» and «мать»).
        """
        cached = self._rule_cache.get(word)
        if cached is None:
            keys = set(self.lemmas(word))
            if not self.is_known(word):
                keys |= self._skeletons(word)
            found = {id(rule): rule for key in keys for rule in self.rules_by_key.get(key, ())}
            # In file order, whatever order the set of keys comes in.
            order = self._rule_order.__getitem__
            cached = tuple(sorted(found.values(), key=lambda rule: order(id(rule))))
            self._rule_cache[word] = cached
        return cached

    def _matches(self, rule: Rule, words: Sequence[str], index: int) -> bool:
        if index + len(rule.variant) > len(words):
            return False
        for offset in range(1, len(rule.variant)):
            word = words[index + offset]
            if not rule.variant[offset] & self.lemmas(word) and not (
                rule.skeletons[offset] & self._skeletons(word)
            ):
                return False
        return True

    def _skeletons(self, word: str) -> frozenset[str]:
        cached = self._skeleton_cache.get(word)
        if cached is None:
            cached = frozenset(skeleton(lemma) for lemma in self.lemmas(word))
            self._skeleton_cache[word] = cached
        return cached

    def _compute_lemmas(self, word: str) -> Lemmas:
        found: set[str] = set()
        uk_known = self._uk.word_is_known(word)
        if uk_known:
            found.update(parse.normal_form for parse in self._uk.parse(word))
        ru_known = self._ru.word_is_known(word)
        if ru_known:
            found.update(parse.normal_form.replace("ё", "е") for parse in self._ru.parse(word))
        # Asked next for most words; the dictionaries are slow to look up.
        self._known_cache[word] = uk_known or ru_known
        if not found:
            # An unknown word (a typo, a name, surzhyk): keep it and the guessed lemma.
            found = {word, self._uk.parse(word)[0].normal_form}
        return frozenset(found)

    def _load_stopwords(self, path: Path) -> frozenset[str]:
        words: set[str] = set()
        for line in _data_lines(path):
            for word in line.split():
                words.add(word)
        lemmas = {lemma for word in words for lemma in self._plain_lemmas(word)}
        return frozenset(words | lemmas)

    def _plain_lemmas(self, word: str) -> Lemmas:
        if self._uk.word_is_known(word) or self._ru.word_is_known(word):
            return self._compute_lemmas(word)
        return frozenset({word})

    def _load_rules(self, path: Path) -> None:
        for line in _data_lines(path):
            canonical_text, _, variants_text = line.partition("=")
            canonical = tuple(self._ukrainian_lemmas(word) for word in tokens(canonical_text))
            if not canonical:
                continue
            for variant_text in variants_text.split(","):
                words = tokens(variant_text)
                if words:
                    variant = tuple(self.lemmas(word) for word in words)
                    if _same_words(variant, canonical):
                        continue
                    skeletons = tuple(self._skeletons(word) for word in words)
                    self._add_rule(Rule(variant, canonical, skeletons))

    def _ukrainian_lemmas(self, word: str) -> Lemmas:
        if self._uk.word_is_known(word):
            return frozenset(parse.normal_form for parse in self._uk.parse(word))
        return self.lemmas(word)

    def _add_rule(self, rule: Rule) -> None:
        self._rule_order[id(rule)] = len(self._rule_order)
        for key in rule.variant[0] | rule.skeletons[0]:
            self.rules_by_key.setdefault(key, []).append(rule)


def _same_words(variant: tuple[Lemmas, ...], canonical: tuple[Lemmas, ...]) -> bool:
    """A variant spelled like its canonical words (listed for readers) needs no rule."""
    if len(variant) != len(canonical):
        return False
    return all(v & c for v, c in zip(variant, canonical, strict=True))


def _common_noun(tag: OpencorporaTag) -> bool:
    # Place and person names say where or who, not what the question is about.
    return tag.POS == "NOUN" and not NAME_GRAMMEMES & set(tag.grammemes)


def _subject_tag(tag: OpencorporaTag) -> bool:
    return tag.POS in SUBJECT_POS and not NAME_GRAMMEMES & set(tag.grammemes)


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({phrase for phrase in phrases}, key=len, reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(re.escape(phrase) for phrase in ordered)
    return re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])")


def _data_lines(path: Path) -> Iterable[str]:
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip().lower().replace("ё", "е").replace("’", "'")
        if line:
            yield line
