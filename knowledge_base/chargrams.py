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
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

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


def fold(word: str) -> str:
    """A spelling-blind form of a word shared by its Ukrainian and Russian spellings."""
    return _DROP.sub("", word.translate(_FOLD))


class _WordGrams(dict[str, Grams]):
    """Pieces per distinct word, computed on first use (`map(cache.__getitem__, words)`)."""

    def __missing__(self, word: str) -> Grams:
        grams = self[word] = _word_grams(word)
        return grams


@dataclass(frozen=True)
class Query:
    """A question's pieces that the index knows (their numbers and squared weights) and
    the norm of its vector, unknown pieces included."""

    ids: np.ndarray
    weights: np.ndarray
    norm: float


class CharIndex:
    """Binary TF-IDF vectors of character n-grams, one for every phrasing of every article.

    Every phrasing is kept as the numbers of its distinct pieces, all phrasings end to
    end in one array, an article's phrasings side by side: a question is compared with
    the phrasings of many articles in a few numpy calls.
    """

    def __init__(self, documents: Sequence[Sequence[Sequence[str]]]) -> None:
        """`documents[article][phrasing]` is the phrasing's folded, meaningful words."""
        self._word_grams = _WordGrams()
        df = self._document_frequencies(documents)
        total = len(documents)
        unseen_idf = math.log(total + 1) + 1
        self._unseen_weight = _rounded(unseen_idf**2)
        self._ids = {gram: number for number, gram in enumerate(df)}
        # Only squared weights are ever used: a binary vector's entries are its idf values.
        self._weights = np.array(
            [_rounded((math.log((total + 1) / (count + 1)) + 1) ** 2) for count in df.values()],
            dtype=np.float64,
        )
        ids, grams_of = self._ids.__getitem__, self._word_grams.__getitem__
        weight_of, union, sqrt = self._weights.tolist().__getitem__, frozenset().union, math.sqrt
        pieces = array("i")  # C ints: no Python object per piece while building
        lengths: list[int] = []
        norms: list[float] = []
        first = [0]  # each article's first phrasing
        for doc in documents:
            for words in doc:
                numbers = list(map(ids, union(*map(grams_of, words))))
                if numbers:  # every weight is positive: a phrasing with pieces has a norm
                    pieces.extend(numbers)
                    lengths.append(len(numbers))
                    norms.append(sqrt(sum(map(weight_of, numbers))))
            first.append(len(lengths))
        self._first = np.array(first, dtype=np.intp)
        self._pieces = np.frombuffer(pieces, dtype=np.intc)
        if len(self._weights) <= 1 << 16:  # half the memory while piece numbers fit
            self._pieces = self._pieces.astype(np.uint16)
        self._lengths = np.array(lengths, dtype=np.intp)
        self._starts = np.cumsum(self._lengths) - self._lengths
        self._norms = np.array(norms, dtype=np.float64)

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
        known = sorted(number for number in map(self._ids.get, grams) if number is not None)
        ids = np.array(known, dtype=np.intp)
        weights = self._weights[ids]
        squares = [*weights.tolist(), *[self._unseen_weight] * (len(grams) - len(known))]
        return Query(ids, weights, math.sqrt(sum(squares)))

    def similarity(self, query: Query, number: int) -> float:
        """Cosine between the question and the article's closest phrasing, 0 to 1."""
        return self.similarities(query, [number])[0]

    def similarities(self, query: Query, numbers: Sequence[int]) -> list[float]:
        """`similarity` for each of these articles, in their order."""
        if not numbers:
            return []
        chosen = np.asarray(numbers, dtype=np.intp)
        counts = self._first[chosen + 1] - self._first[chosen]
        if not query.norm or not counts.any():
            return [0.0] * len(numbers)
        phrasings = _ranges(self._first[chosen], counts)
        lengths = self._lengths[phrasings]
        pieces = self._pieces[_ranges(self._starts[phrasings], lengths)]
        vector = np.zeros(len(self._weights), dtype=np.float64)
        vector[query.ids] = query.weights
        # Sums of multiples of 1 / SCALE: exact whatever the order (see SCALE).
        dots = np.add.reduceat(vector[pieces], np.cumsum(lengths) - lengths)
        cosines = dots / (query.norm * self._norms[phrasings])
        has = counts > 0
        best = np.zeros(len(numbers), dtype=np.float64)
        best[has] = np.maximum.reduceat(cosines, (np.cumsum(counts) - counts)[has])
        return best.tolist()


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of range(start, start + count) for each pair, in one array."""
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    return np.repeat(starts - (ends - counts), counts) + np.arange(total)


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
