"""Character n-gram resemblance between a question and an article's phrasings.

Lemmas miss what citizens often type: a typo in the middle of a word, two
words glued together, a Russian spelling of a Ukrainian root. Pieces of three
to five letters (taken inside each word, so «<ком», «омп», «пют» of «комп'ютер»)
still match in all those cases. Each article's title, example questions and
keywords are kept as separate *phrasings*; a question is compared with each of
them by TF-IDF cosine over the pieces and the best phrasing counts.

Words are folded first so that Ukrainian and Russian spellings of one root
share pieces (і, ї, и, ы, й all become и; є and э become е; ь and ' go).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

GRAM_SIZES = (3, 4, 5)
_FOLD = str.maketrans(
    {"і": "и", "ї": "и", "ы": "и", "й": "и", "є": "е", "э": "е", "ґ": "г", "ё": "е"}
)
_DROP = re.compile(r"[ьъ']")

Grams = frozenset[str]


def fold(word: str) -> str:
    """A spelling-blind form of a word shared by its Ukrainian and Russian spellings."""
    return _DROP.sub("", word.translate(_FOLD))


class Query:
    """A question's pieces with their squared weights, the vector's norm, and per-word overlaps."""

    def __init__(self, weights: dict[str, float], word_grams: dict[str, Grams]) -> None:
        self.weights = weights
        self.grams = frozenset(weights)
        self.norm = math.sqrt(sum(weights.values()))
        self._word_grams = word_grams
        self._shared: dict[str, Grams] = {}

    def shared(self, words: Sequence[str]) -> Grams:
        """The question's pieces found in any of these (indexed) words."""
        cache = self._shared
        found: list[Grams] = []
        for word in words:
            shared = cache.get(word)
            if shared is None:
                shared = self._word_grams[word] & self.grams
                cache[word] = shared
            if shared:
                found.append(shared)
        return frozenset().union(*found) if found else frozenset()


class CharIndex:
    """Binary TF-IDF vectors of character n-grams, one for every phrasing of every article.

    Pieces are computed once per distinct word (articles share most of their
    vocabulary); a phrasing keeps only its words and its vector's norm, and a
    question meets it through the pieces it shares with each word.
    """

    def __init__(self, documents: Sequence[Sequence[Sequence[str]]]) -> None:
        """`documents[article][phrasing]` is the phrasing's folded, meaningful words."""
        self._word_grams: dict[str, Grams] = {}
        grams_by_doc = [[self.grams(words) for words in doc] for doc in documents]
        df: dict[str, int] = {}
        for doc_grams in grams_by_doc:
            for gram in frozenset().union(*doc_grams):
                df[gram] = df.get(gram, 0) + 1
        total = len(documents)
        self._unseen_idf = math.log(total + 1) + 1
        self._idf = {gram: math.log((total + 1) / (count + 1)) + 1 for gram, count in df.items()}
        self._phrasings: list[tuple[tuple[tuple[str, ...], float], ...]] = [
            tuple(
                (tuple(words), self._norm(grams))
                for words, grams in zip(doc, doc_grams, strict=True)
                if grams
            )
            for doc, doc_grams in zip(documents, grams_by_doc, strict=True)
        ]

    def grams(self, words: Iterable[str]) -> Grams:
        cache = self._word_grams
        found: list[Grams] = []
        for word in words:
            grams = cache.get(word)
            if grams is None:
                grams = _word_grams(word)
                cache[word] = grams
            found.append(grams)
        return frozenset().union(*found)

    def query(self, words: Iterable[str]) -> Query:
        grams = self.grams(words)
        idf, unseen = self._idf, self._unseen_idf
        return Query({gram: idf.get(gram, unseen) ** 2 for gram in grams}, self._word_grams)

    def similarity(self, query: Query, number: int) -> float:
        """Cosine between the question and the article's closest phrasing, 0 to 1."""
        if not query.norm:
            return 0.0
        weights = query.weights
        best = 0.0
        for words, norm in self._phrasings[number]:
            shared = query.shared(words)
            if shared:
                dot = sum(map(weights.__getitem__, shared))
                best = max(best, dot / (query.norm * norm))
        return best

    def _norm(self, grams: Grams) -> float:
        idf = self._idf
        return math.sqrt(sum(idf[gram] ** 2 for gram in grams))


def _word_grams(word: str) -> Grams:
    padded = f"<{word}>"
    return frozenset(
        padded[start : start + size]
        for size in GRAM_SIZES
        for start in range(len(padded) - size + 1)
    )
