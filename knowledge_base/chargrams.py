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
from itertools import chain

GRAM_SIZES = (3, 4, 5)
_FOLD = str.maketrans(
    {"і": "и", "ї": "и", "ы": "и", "й": "и", "є": "е", "э": "е", "ґ": "г", "ё": "е"}
)
_DROP = re.compile(r"[ьъ']")

Grams = frozenset[str]
# Squared weights are rounded to whole multiples of 1 / SCALE. A weight is
# below 2**9 (the log of a billion articles, squared) and a sum of them stays far
# below 2**53 / SCALE, so every partial sum is a float exactly: a vector's norm
# and a dot product come out the same whatever order a set yields its pieces in
# (which changes with PYTHONHASHSEED), at the speed of a plain float sum.
SCALE = 2**20
Words = tuple[str, ...]


def fold(word: str) -> str:
    """A spelling-blind form of a word shared by its Ukrainian and Russian spellings."""
    return _DROP.sub("", word.translate(_FOLD))


class _WordGrams(dict[str, Grams]):
    """Pieces per distinct word, computed on first use (`map(cache.__getitem__, words)`)."""

    def __missing__(self, word: str) -> Grams:
        grams = self[word] = _word_grams(word)
        return grams


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
    vocabulary) and vectors once per distinct phrasing; a phrasing keeps only
    its words and its vector's norm, and a question meets it through the
    pieces it shares with each word.
    """

    def __init__(self, documents: Sequence[Sequence[Sequence[str]]]) -> None:
        """`documents[article][phrasing]` is the phrasing's folded, meaningful words."""
        self._word_grams = _WordGrams()
        df = self._document_frequencies(documents)
        total = len(documents)
        unseen_idf = math.log(total + 1) + 1
        self._unseen_weight = _rounded(unseen_idf**2)
        # Only squared weights are ever used: a binary vector's entries are its idf values.
        self._weights = {
            gram: _rounded((math.log((total + 1) / (count + 1)) + 1) ** 2)
            for gram, count in df.items()
        }
        # Each distinct phrasing's norm, over the union of its words' pieces. Every
        # weight is positive, so a phrasing without pieces is the one with norm 0.
        weight, grams_of = self._weights.__getitem__, self._word_grams.__getitem__
        union, sqrt = frozenset().union, math.sqrt
        norms = {
            words: sqrt(sum(map(weight, union(*map(grams_of, words)))))
            for words in dict.fromkeys(map(tuple, chain.from_iterable(documents)))
        }
        self._phrasings: list[tuple[tuple[Words, float], ...]] = [
            tuple((words, norms[words]) for words in map(tuple, doc) if norms[words])
            for doc in documents
        ]

    def _document_frequencies(self, documents: Sequence[Sequence[Sequence[str]]]) -> dict[str, int]:
        """In how many articles each piece occurs, counted through the words that have it.

        An article has a piece when one of its words does, so a piece's count is
        the size of the union of its words' article sets, kept as bit masks.
        """
        articles: dict[str, list[int]] = {}
        for number, doc in enumerate(documents):
            for word in set(chain.from_iterable(doc)):
                articles.setdefault(word, []).append(number)
        holders: dict[str, list[str]] = {}
        for word in articles:
            for gram in self._word_grams[word]:
                holders.setdefault(gram, []).append(word)
        masks: dict[str, int] = {}
        size = len(documents) // 8 + 1
        df: dict[str, int] = {}
        for gram, words in holders.items():
            if len(words) == 1:
                df[gram] = len(articles[words[0]])
                continue
            union = 0
            for word in words:
                mask = masks.get(word)
                if mask is None:
                    mask = masks[word] = _bit_mask(articles[word], size)
                union |= mask
            df[gram] = union.bit_count()
        return df

    def grams(self, words: Iterable[str]) -> Grams:
        return frozenset().union(*map(self._word_grams.__getitem__, words))

    def query(self, words: Iterable[str]) -> Query:
        grams = self.grams(words)
        weights, unseen = self._weights, self._unseen_weight
        return Query({gram: weights.get(gram, unseen) for gram in grams}, self._word_grams)

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


def _rounded(weight: float) -> float:
    """The weight to the nearest multiple of 1 / SCALE, which sums exactly (see SCALE)."""
    return round(weight * SCALE) / SCALE


def _bit_mask(numbers: Iterable[int], size: int) -> int:
    """An integer with the bits of these numbers set; `size` bytes must hold them all."""
    bits = bytearray(size)
    for number in numbers:
        bits[number >> 3] |= 1 << (number & 7)
    return int.from_bytes(bits, "little")


def _word_grams(word: str) -> Grams:
    padded = f"<{word}>"
    return frozenset(
        padded[start : start + size]
        for size in GRAM_SIZES
        for start in range(len(padded) - size + 1)
    )
