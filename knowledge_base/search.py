"""The search the bot calls: a question in, ranked articles and a decision out.

How a question is scored against an article:
1. The question is cleaned (fillers, look-alike letters, Latin transliteration,
   glued words split against the known vocabulary) and turned into *slots*:
   one per meaningful word, each a set of lemmas (Ukrainian and Russian
   readings, with colloquial and Russian words rewritten to Ukrainian).
2. A slot whose lemmas the knowledge base never uses is matched by spelling:
   first a spelling-blind key (Russian vs Ukrainian letters), then a fuzzy
   match that forgives typos. A slot that still matches nothing stays as
   evidence that the question is about something the base does not cover.
3. Coverage: the share of the question's weight (each slot weighted by how
   rare its word is) that the article contains, counting a word in the title
   or example questions fully and one only in the body partly.
4. The score adds how closely the question resembles the article's title,
   example questions and keywords in pieces of three to five letters
   (`chargrams.py`), which forgives typos and glued words that lemmas miss.
5. With meaning search (the question's sentence vector given, `meaning.py`),
   each article loses `meaning_weight` times how much less close in meaning
   it is than the closest article, and the closest ones are always scored.
6. The decision: two tiny logistic models over signals of the best article
   (its score, its lead over the runner-up, its letter resemblance, how much
   of the question's subject it leaves uncovered — «курси англійської» is not
   answered by an article about computer courses that never mentions English —
   and, with meaning, its closeness) say whether to *answer*, else whether to
   *suggest*, else *none*. Words alone and words with meaning each have their
   policy in `data/thresholds.toml`; `python -m knowledge_base calibrate` fits
   them on questions made from the knowledge base itself.
7. The model costs tens of milliseconds a question; the words take one. A
   question the word engine alone answers with at least the words policy's
   `sure` probability is answered without the model (`sure_by_words`): the
   calibration puts `sure` where no made-up question fares worse for it.
"""

from __future__ import annotations

import gc
import math
import tomllib
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import filterfalse, repeat
from operator import add, mul
from pathlib import Path
from typing import Any, Literal

import numpy as np
from rapidfuzz import fuzz, process

from knowledge_base.analysis import DATA_DIR, SHORT_WORDS, Analyzer, PhraseCache
from knowledge_base.chargrams import CharIndex, fold
from knowledge_base.embedding import Vectors
from knowledge_base.loader import load_articles
from knowledge_base.meaning import MeaningIndex
from knowledge_base.model import Article, LoadError
from knowledge_base.text import (
    capitalised_words,
    is_latin,
    normalise,
    skeleton,
    token_lists,
    tokens,
    transliterations,
    verb_stem,
)

Decision = Literal["answer", "suggest", "none"]
THRESHOLDS_FILE = DATA_DIR / "thresholds.toml"
SUGGESTIONS = 3
# Articles fully scored per question, and what counts as a common word: one
# found in more than a COMMON_DF_SHARE-th of the articles (never below the floor).
SHORTLIST = 60
# Of those, how many are also compared letter by letter (the slower signal).
RERANKED = 30
# Shorter misspelt words have too many look-alikes to be guessed safely.
FUZZY_MIN_LENGTH = 5
COMMON_DF_FLOOR = 64
COMMON_DF_SHARE = 8


FEATURES = ("score", "lead", "letters", "uncovered", "length")
# With meaning search: the best article's closeness in meaning, its lead in closeness
# over the closest other article (negative when another is closer), and how far it
# stands out from the base's closeness to the question (in standard deviations).
MEANING_FEATURES = (*FEATURES, "closeness", "closeness_lead", "standout")
# Articles closest in meaning that are scored whatever words they share.
MEANING_SHORTLIST = 10


@dataclass(frozen=True)
class DecisionModel:
    """Logistic regression: a probability from the best article's signals."""

    bias: float
    weights: tuple[float, ...]

    @classmethod
    def from_table(cls, table: dict[str, float], names: Sequence[str]) -> DecisionModel:
        return cls(float(table["bias"]), tuple(float(table[name]) for name in names))

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1 / (1 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass(frozen=True)
class Policy:
    """How one engine (words alone, or words and meaning) decides.

    *answer* when the answer model gives the best article at least `answer`
    and it leads the runner-up by `margin`; otherwise *suggest* when the
    suggest model says at least `suggest` that the right article is among the
    first three; otherwise *none*.

    `sure` (words alone): an answer at least this probable stands without the
    meaning model; infinite when the policy has none.
    """

    answer: float
    margin: float
    suggest: float
    answer_model: DecisionModel
    suggest_model: DecisionModel
    sure: float = math.inf

    @classmethod
    def from_table(cls, table: dict[str, Any], names: Sequence[str]) -> Policy:
        decision = table["decision"]
        return cls(
            answer=float(decision["answer"]),
            margin=float(decision["margin"]),
            suggest=float(decision["suggest"]),
            answer_model=DecisionModel.from_table(table["answer_model"], names),
            suggest_model=DecisionModel.from_table(table["suggest_model"], names),
            sure=float(decision.get("sure", math.inf)),
        )

    def decide(self, features: Sequence[float]) -> Decision:
        lead = features[FEATURES.index("lead")]
        if lead >= self.margin and self.answer_model.probability(features) >= self.answer:
            return "answer"
        if self.suggest_model.probability(features) >= self.suggest:
            return "suggest"
        return "none"

    def is_sure(self, features: Sequence[float]) -> bool:
        lead = features[FEATURES.index("lead")]
        return lead >= self.margin and self.answer_model.probability(features) >= self.sure


@dataclass(frozen=True)
class Thresholds:
    """Decision policies and scoring weights; see `data/thresholds.toml`."""

    words: Policy
    meaning: Policy
    meaning_weight: float
    title_weight: float
    keyword_weight: float
    body_weight: float
    unknown_weight: float
    unknown_noun_weight: float
    letters_weight: float
    incidental_salience: float
    subject_emphasis: float
    fuzzy_cutoff: float
    known_fuzzy_cutoff: float
    known_fuzzy_length: int

    @classmethod
    def load(cls, path: Path = THRESHOLDS_FILE) -> Thresholds:
        with path.open("rb") as file:
            data = tomllib.load(file)
        scoring = data["scoring"]
        return cls(
            words=Policy.from_table(data["words"], FEATURES),
            meaning=Policy.from_table(data["meaning"], MEANING_FEATURES),
            meaning_weight=float(scoring["meaning_weight"]),
            title_weight=float(scoring["title_weight"]),
            keyword_weight=float(scoring["keyword_weight"]),
            body_weight=float(scoring["body_weight"]),
            unknown_weight=float(scoring["unknown_weight"]),
            unknown_noun_weight=float(scoring["unknown_noun_weight"]),
            letters_weight=float(scoring["letters_weight"]),
            incidental_salience=float(scoring["incidental_salience"]),
            subject_emphasis=float(scoring["subject_emphasis"]),
            fuzzy_cutoff=float(scoring["fuzzy_cutoff"]),
            known_fuzzy_cutoff=float(scoring["known_fuzzy_cutoff"]),
            known_fuzzy_length=int(scoring["known_fuzzy_length"]),
        )


@dataclass(frozen=True)
class Candidate:
    article: Article
    score: float


@dataclass(frozen=True)
class SearchResult:
    decision: Decision
    candidates: list[Candidate]


@dataclass(frozen=True)
class _Slot:
    """One meaningful word of a question: the index terms it may match, and how surely."""

    terms: frozenset[str]
    weight: float
    confidence: float
    # How much the word names the question's subject (a common noun or an
    # adjective does; a verb, a place name or «мама» tells the story around it).
    salience: float


@dataclass(frozen=True)
class _Document:
    weights: dict[str, float]
    phrasings: tuple[tuple[str, ...], ...]


class _LetterForms(dict[str, str | None]):
    """Each distinct word's folded form for letter pieces, or None for a stopword or number."""

    def __init__(self, stopwords: frozenset[str]) -> None:
        super().__init__()
        self._stopwords = stopwords

    def __missing__(self, word: str) -> str | None:
        form = None if word in self._stopwords or word.isdigit() else fold(word)
        self[word] = form
        return form


class _TextWords(dict[str, list[str]]):
    """The words of each distinct short text while a base is built: keywords repeat a lot.

    The lists are shared, so nobody may change them.
    """

    def __missing__(self, text: str) -> list[str]:
        words = self[text] = tokens(text)
        return words

    def article(self, article: Article) -> tuple[list[list[str]], list[list[str]], list[str]]:
        """The words of the title and questions, of each keyword, and of the body."""
        title = (article.title, *article.questions)
        new = [text for text in {*title, *article.keywords} if text not in self]
        *found, body = token_lists([*new, article.body])
        self.update(zip(new, found, strict=True))
        return [self[text] for text in title], [self[text] for text in article.keywords], body


def _add_postings(postings: dict[str, list[int]], terms: Collection[str], number: int) -> None:
    """Appends `number` to every term's list, new terms in order (loops run in C)."""
    postings.update(zip(filterfalse(postings.__contains__, terms), iter(list, None), strict=False))
    deque(map(list.append, map(postings.__getitem__, terms), repeat(number)), maxlen=0)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pauses the cycle collector while an index is built.

    Building creates millions of small containers and no cycles; the collector
    would walk all of them again and again (a fifth of the build time at
    10,000 articles). It is switched back on, if it was on, however the
    build ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            # One full pass (a tenth of a second at 10,000 articles) trims the
            # free lists the paused collector would have trimmed along the way.
            gc.collect()


@dataclass(frozen=True)
class _Scored:
    number: int
    score: float
    letters: float
    words: float  # the score by words and letters alone


class KnowledgeBase:
    def __init__(
        self,
        articles: Sequence[Article],
        thresholds: Thresholds,
        analyzer: Analyzer,
    ) -> None:
        with _collector_paused():
            self._build(articles, thresholds, analyzer)

    def _build(
        self, articles: Sequence[Article], thresholds: Thresholds, analyzer: Analyzer
    ) -> None:
        self.articles = list(articles)
        self.thresholds = thresholds
        self._meaning: MeaningIndex | None = None
        self._analyzer = analyzer
        self._by_id = {article.id: article for article in self.articles}
        self._surfaces: set[str] = set()
        self._letter_forms = _LetterForms(analyzer.stopwords)
        words_of = _TextWords()
        phrases: PhraseCache = {}
        self._documents = [self._index(article, words_of, phrases) for article in self.articles]
        del words_of, phrases
        self._postings: dict[str, list[int]] = {}
        for number, document in enumerate(self._documents):
            _add_postings(self._postings, document.weights, number)
        self._idf = {term: self._idf_for(len(docs)) for term, docs in self._postings.items()}
        self._skeletons: dict[str, set[str]] = {}
        self._verb_stems: dict[str, set[str]] = {}
        for term in self._postings:
            self._skeletons.setdefault(skeleton(term), set()).add(term)
            stem = verb_stem(term)
            if stem is not None:
                self._verb_stems.setdefault(stem, set()).add(term)
        # Sorted: a fuzzy match picks the first of equally close keys.
        self._skeleton_keys = sorted(self._skeletons)
        self._resolved: dict[str, tuple[frozenset[str], float]] = {}
        self._letters = CharIndex([document.phrasings for document in self._documents])

    @classmethod
    def build(
        cls,
        articles: Sequence[Article],
        thresholds: Thresholds | None = None,
        analyzer: Analyzer | None = None,
    ) -> KnowledgeBase:
        return cls(articles, thresholds or Thresholds.load(), analyzer or Analyzer())

    @classmethod
    def load(cls, directory: Path) -> tuple[KnowledgeBase, list[LoadError]]:
        result = load_articles(directory)
        return cls.build(result.articles), result.errors

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def categories(self) -> dict[str, list[Article]]:
        grouped: dict[str, list[Article]] = {}
        for article in self.articles:
            grouped.setdefault(article.category, []).append(article)
        return {
            category: sorted(grouped[category], key=lambda article: article.title.casefold())
            for category in sorted(grouped, key=str.casefold)
        }

    @property
    def meaning(self) -> MeaningIndex | None:
        """The articles' sentence vectors, once they are ready (None until then, or when
        meaning search is off)."""
        return self._meaning

    def attach_meaning(self, index: MeaningIndex) -> None:
        if len(index) != len(self.articles):
            raise ValueError("the meaning index was built for other articles")
        self._meaning = index

    def search(self, text: str, limit: int = 5, vector: Vectors | None = None) -> SearchResult:
        """Ranked articles and the decision; `vector` is the question's sentence vector
        (from the same model as `meaning`), None for the word engine alone."""
        ranked, features = self._ranked(text, vector)
        semantic = self._uses_meaning(vector)
        candidates = self._candidates(ranked, limit, semantic=semantic)
        decision = self._decide(candidates, features, semantic=semantic)
        return SearchResult(decision, candidates[:limit])

    def sure_by_words(self, text: str, limit: int = 5) -> SearchResult | None:
        """The word engine's answer when it is sure enough to need no meaning model (see
        the module's docstring, step 7), else None."""
        ranked, features = self._ranked(text)
        if features is None or not self.thresholds.words.is_sure(features):
            return None
        candidates = self._candidates(ranked, limit, semantic=False)
        return SearchResult("answer", candidates[:limit]) if candidates else None

    def _candidates(
        self, ranked: Sequence[_Scored], limit: int, *, semantic: bool
    ) -> list[Candidate]:
        # By words, an article sharing nothing with the question is no candidate. With
        # meaning, every ranked article was found by words or is among the closest in
        # meaning, and its fused score may be below zero (closeness below the best).
        return [
            Candidate(self.articles[scored.number], scored.score)
            for scored in ranked[: max(limit, SUGGESTIONS)]
            if semantic or scored.score > 0
        ]

    def features(
        self, text: str, vector: Vectors | None = None
    ) -> tuple[list[int], list[float] | None]:
        """Ranked article numbers and the decision's signals, for calibration tools."""
        ranked, features = self._ranked(text, vector)
        return [scored.number for scored in ranked], features

    def _uses_meaning(self, vector: Vectors | None) -> bool:
        return vector is not None and self._meaning is not None

    def _ranked(
        self, text: str, vector: Vectors | None = None
    ) -> tuple[list[_Scored], list[float] | None]:
        words = self._question_words(text)
        slots = self._slots(words, capitalised_words(text))
        if not slots or not self._documents:
            return [], None
        closeness, close = None, []
        if vector is not None and self._meaning is not None:
            closeness = self._meaning.closeness(vector)
            close = _best(closeness, MEANING_SHORTLIST)
        coverage = self._coverage(slots, close)
        ranked = self._fuse(words, coverage, closeness, close)
        # Meaning alone finds some article for any question, the weather included: only
        # a question that shares something with the base (words or letters) is decided on.
        if not any(scored.words > 0 for scored in ranked):
            return ranked, None
        return ranked, self._signals(slots, ranked, closeness)

    # Indexing

    def _index(self, article: Article, words_of: _TextWords, phrases: PhraseCache) -> _Document:
        t = self.thresholds
        title, keywords, body = words_of.article(article)
        fields = sorted(
            (
                (t.body_weight, [body]),
                (t.keyword_weight, keywords),
                (t.title_weight, title),
            ),
            key=lambda field: field[0],
        )
        # Lighter fields first, so a word's heaviest field is the one that stays.
        weights: dict[str, float] = {}
        for weight, texts in fields:
            weights.update(dict.fromkeys(self._document_terms(texts, phrases), weight))
        keyword_words = [word for words in keywords for word in words]
        phrasings = tuple(self._letter_words(words) for words in [*title, keyword_words])
        return _Document(weights, phrasings)

    def _document_terms(self, texts: Sequence[list[str]], phrases: PhraseCache) -> set[str]:
        words = [word for text in texts for word in text]
        self._surfaces.update(words)
        return self._analyzer.content_terms(words, phrases)

    def _letter_words(self, words: Iterable[str]) -> tuple[str, ...]:
        # Stopwords and numbers (None) go; so do words folded to nothing, which have no pieces.
        return tuple(filter(None, map(self._letter_forms.__getitem__, words)))

    def _idf_for(self, df: int) -> float:
        total = len(self._documents)
        return math.log(1 + (total - df + 0.5) / (df + 0.5))

    # Reading a question

    def _question_words(self, text: str) -> list[str]:
        return self._expand(tokens(self._analyzer.strip_fillers(normalise(text))))

    def _slots(self, words: Sequence[str], names: Collection[str] = ()) -> list[_Slot]:
        analyzer = self._analyzer
        slots: list[_Slot] = []
        seen: set[frozenset[str]] = set()
        position = 0
        for lemma_sets, replaced in analyzer.apply_rules(words):
            word = words[position] if replaced <= 1 else ""
            position += max(replaced, 1)
            lemmas = frozenset(lemma for group in lemma_sets for lemma in group)
            if word and (analyzer.is_stopword(word) or word.isdigit()):
                continue
            meaningful = frozenset(lemma for lemma in lemmas if lemma not in analyzer.stopwords)
            if not meaningful or meaningful in seen:
                continue
            seen.add(meaningful)
            # A word the lexicon rewrote is the part of speech of what it became:
            # «фопчик» is a noun phrase, «скачать» the verb «завантажити».
            reading = word
            if replaced:
                reading = min(lemma_sets[0]) if len(lemma_sets) == 1 else ""
            slots.append(self._resolve(meaningful, word, word in names, reading))
        return slots

    def _expand(self, words: Sequence[str]) -> list[str]:
        """Splits words glued together; Latin words become their Cyrillic readings."""
        out: list[str] = []
        for word in words:
            if is_latin(word) and word not in self._surfaces:
                out.append(self._best_reading(word))
            elif self._needs_split(word):
                out.extend(self._split(word) or [word])
            else:
                out.append(word)
        return out

    def _best_reading(self, word: str) -> str:
        readings = transliterations(word)
        for reading in readings:
            if reading in self._surfaces or self._analyzer.is_known(reading):
                return reading
        return readings[0]

    def _needs_split(self, word: str) -> bool:
        return (
            len(word) >= 6
            and word not in self._surfaces
            and not self._analyzer.is_known(word)
            and not self._analyzer.has_rules(word)
            and not self._resolve_term(word)[0]
        )

    def _split(self, word: str) -> list[str] | None:
        """The fewest known words that glue into `word`, or None."""
        best: list[list[str] | None] = [None] * (len(word) + 1)
        best[0] = []
        for end in range(1, len(word) + 1):
            for start in range(end):
                head = best[start]
                piece = word[start:end]
                # A one-letter word glues on only in front («вцнап»): inside a
                # word, «к» + «у» + «дась» is a misreading, not three words.
                if head is None or (len(piece) == 1 and start) or not self._is_piece(piece):
                    continue
                current = best[end]
                if current is None or len(head) + 1 < len(current):
                    best[end] = [*head, piece]
        found = best[len(word)]
        return found if found is not None and len(found) > 1 else None

    def _is_piece(self, piece: str) -> bool:
        if len(piece) == 1:
            return piece in SHORT_WORDS
        if piece in self._analyzer.stopwords or piece in self._surfaces:
            return True
        return len(piece) >= 3 and self._analyzer.is_known(piece)

    def _resolve(
        self,
        lemmas: frozenset[str],
        word: str,
        capitalised: bool = False,
        reading: str | None = None,
    ) -> _Slot:
        """Matches a question word (or a rewritten phrase, `word` empty) to index terms.

        A name the base never uses («з Кишинева») tells where or who, so it
        weighs like a verb rather than as evidence of an off-topic question.
        """
        t = self.thresholds
        reading = word if reading is None else reading
        subject = not reading or self._analyzer.is_subject(reading)
        salience = 1.0 if subject else t.incidental_salience
        known = frozenset(lemma for lemma in lemmas if lemma in self._idf)
        if known:
            return _Slot(known, max(self._idf[term] for term in known), 1.0, salience)
        in_dictionary = not word or self._analyzer.is_known(word)
        best: tuple[frozenset[str], float] = (frozenset(), 0.0)
        for lemma in sorted(lemmas):
            found = self._resolve_term(lemma, known=in_dictionary)
            if found[1] > best[1]:
                best = found
        terms, confidence = best
        if not terms:
            if word and (capitalised or self._analyzer.is_place(word)):
                return _Slot(frozenset(), self._idf_for(1) * t.unknown_weight, 0.0, 0.0)
            return _Slot(frozenset(), self._unknown_weight(word), 0.0, salience)
        return _Slot(terms, max(self._idf[term] for term in terms), confidence, salience)

    def _resolve_term(self, word: str, known: bool = False) -> tuple[frozenset[str], float]:
        """Index terms spelled like `word` once language and typos are ignored.

        An unknown word (a typo) is matched fuzzily. A dictionary word is a
        real word, so it only matches a long index word nearly letter for
        letter («безкоштовна» and «безкоштовно»), never a short look-alike
        («ходить» and «входить»).
        """
        cache_key = f"{word}|{known}"
        cached = self._resolved.get(cache_key)
        if cached is not None:
            return cached
        key = skeleton(word)
        t = self.thresholds
        result: tuple[frozenset[str], float] = (frozenset(), 0.0)
        stem = verb_stem(word)
        if key in self._skeletons:
            result = (frozenset(self._skeletons[key]), 1.0)
        elif stem is not None and stem in self._verb_stems:
            # The other aspect of the same verb: «оформлювали» for «оформити».
            result = (frozenset(self._verb_stems[stem]), 1.0)
        elif len(key) >= (t.known_fuzzy_length if known else FUZZY_MIN_LENGTH):
            cutoff = t.known_fuzzy_cutoff if known else t.fuzzy_cutoff
            match = process.extractOne(
                key, self._skeleton_keys, scorer=fuzz.ratio, score_cutoff=cutoff
            )
            if match is not None:
                result = (frozenset(self._skeletons[match[0]]), match[1] / 100)
        self._resolved[cache_key] = result
        return result

    def _unknown_weight(self, word: str) -> float:
        """An unmatched noun usually names what the question is about; other words rarely do."""
        t = self.thresholds
        analyzer = self._analyzer
        subject = not word or (analyzer.is_noun(word) and not analyzer.is_context_word(word))
        share = t.unknown_noun_weight if subject else t.unknown_weight
        return self._idf_for(1) * share

    # Scoring

    def _coverage(self, slots: Sequence[_Slot], close: Sequence[int]) -> dict[int, float]:
        """Coverage of the question by the articles most likely to cover it.

        Only words rarer than `_common_df` walk their posting lists; articles
        found that way are then scored on every word. This keeps a query fast
        on a large base, where a word like «дія» is in thousands of articles.
        The articles closest in meaning (`close`) join them, whatever words
        they share.
        """
        common_df = max(COMMON_DF_FLOOR, len(self._documents) // COMMON_DF_SHARE)
        rare = [slot for slot in slots if any(self._df(t) <= common_df for t in slot.terms)]
        found = self._accumulate(rare or [slot for slot in slots if slot.terms], common_df)
        # Stable, so equal sums keep the order the articles were found in.
        shortlist = sorted(found, key=found.__getitem__, reverse=True)[:SHORTLIST]
        # Also those found by words but below the shortlist: every article the
        # ranking looks at must have its coverage.
        shortlist += [number for number in close if number not in shortlist]
        # A subject word («субсидія», «квиток») decides more than a verb or a name.
        emphasis = self.thresholds.subject_emphasis
        counts = [1 - emphasis + emphasis * slot.salience for slot in slots]
        total = sum(slot.weight * count for slot, count in zip(slots, counts, strict=True))
        slot_terms = [
            (tuple(slot.terms), slot.confidence * count)
            for slot, count in zip(slots, counts, strict=True)
        ]
        weights = [tuple(map(self._idf.__getitem__, terms)) for terms, _ in slot_terms]
        return {number: self._covered(slot_terms, weights, number) / total for number in shortlist}

    def _df(self, term: str) -> int:
        return len(self._postings[term])

    def _accumulate(self, slots: Sequence[_Slot], common_df: int) -> dict[int, float]:
        gained: dict[int, float] = {}
        found = gained.get
        for slot in slots:
            # Sorted, so sums and the order articles are found in never depend on set order.
            terms = sorted(t for t in slot.terms if self._df(t) <= common_df) or sorted(slot.terms)
            for term in terms:
                # gained[number] = gained.get(number, 0.0) + idf for each number, in C.
                numbers = self._postings[term]
                sums = map(add, map(found, numbers, repeat(0.0)), repeat(self._idf[term]))
                gained.update(zip(numbers, sums, strict=True))
        return gained

    def _covered(
        self,
        slot_terms: Sequence[tuple[tuple[str, ...], float]],
        idfs: Sequence[tuple[float, ...]],
        number: int,
    ) -> float:
        """Each slot's best term in the article (field weight times idf), times confidence."""
        field = self._documents[number].weights.get
        covered = 0.0
        for (terms, confidence), weights in zip(slot_terms, idfs, strict=True):
            best = max(map(mul, map(field, terms, repeat(0.0)), weights), default=0.0)
            covered += best * confidence
        return covered

    def _fuse(
        self,
        words: Sequence[str],
        coverage: dict[int, float],
        closeness: Vectors | None,
        close: Sequence[int],
    ) -> list[_Scored]:
        """Word coverage and letter resemblance, weighted and summed, best first.

        With meaning search, each article's closeness below the closest
        article's is subtracted (times `meaning_weight`): the closest in
        meaning loses nothing, a far one loses a lot. The articles closest
        in meaning are always scored, however few words they share.
        """
        t = self.thresholds
        query = self._letters.query(self._letter_words(words))
        share = t.letters_weight
        scored = []
        best = sorted(coverage.items(), key=lambda item: (-item[1], item[0]))[:RERANKED]
        numbers = [number for number, _ in best]
        numbers += [number for number in close if number not in numbers]
        top_closeness = float(closeness[close[0]]) if closeness is not None and close else 0.0
        resemblance = self._letters.similarities(query, numbers)
        for number, letters in zip(numbers, resemblance, strict=True):
            words_score = score = (1 - share) * coverage[number] + share * letters
            if closeness is not None:
                score += t.meaning_weight * (float(closeness[number]) - top_closeness)
            scored.append(_Scored(number, score, letters, words_score))
        return sorted(scored, key=lambda item: (-item.score, item.number))

    def _signals(
        self, slots: Sequence[_Slot], ranked: Sequence[_Scored], closeness: Vectors | None
    ) -> list[float]:
        """What the decision looks at: see FEATURES, MEANING_FEATURES and `data/thresholds.toml`."""
        best = ranked[0]
        second = ranked[1].score if len(ranked) > 1 else 0.0
        weights = self._documents[best.number].weights
        salient = sum(slot.weight * slot.salience for slot in slots)
        uncovered = sum(
            slot.weight * slot.salience
            for slot in slots
            if slot.confidence == 0 or not any(term in weights for term in slot.terms)
        )
        signals = [
            best.score,
            best.score - second,
            best.letters,
            uncovered / salient if salient else 0.0,
            math.log(len(slots)),
        ]
        if closeness is not None:
            own = float(closeness[best.number])
            others = np.delete(closeness, best.number)
            # How far the article stands out from the base as a whole, in standard
            # deviations: some questions are close to every article, some to none.
            spread = float(closeness.std())
            standout = (own - float(closeness.mean())) / spread if spread > 0 else 0.0
            signals += [own, own - float(others.max()) if len(others) else own, standout]
        return signals

    def _decide(
        self, candidates: Sequence[Candidate], features: list[float] | None, *, semantic: bool
    ) -> Decision:
        if not candidates or features is None:
            return "none"
        policy = self.thresholds.meaning if semantic else self.thresholds.words
        return policy.decide(features)


def _best(values: Vectors, count: int) -> list[int]:
    """Positions of the `count` largest values, largest first (ties: lower position)."""
    count = min(count, len(values))
    if count <= 0:
        return []
    top = np.argpartition(-values, count - 1)[:count]
    return sorted(top.tolist(), key=lambda number: (-float(values[number]), number))
