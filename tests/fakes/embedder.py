"""A tiny stand-in for the sentence model: fast, deterministic, and it knows a few meanings.

Words sharing a *concept* (by their beginning) point the same way, so
«зачиняєтеся» and «графік роботи» are close although they share no word, as
with the real model. Other words land in hashed dimensions and matter little.
Load it by setting, as the bot would: `SEMANTIC_MODEL=tests.fakes.embedder:ConceptEmbedder`.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

CONCEPTS: dict[str, tuple[str, ...]] = {
    "hours": ("зачин", "відчин", "закрива", "відкрива", "графік", "годин", "розклад", "працю"),
    "money": ("оплат", "сплат", "заплат", "рахун", "плат", "комунал", "квартплат"),
    "water": ("вод", "лічильн", "показник"),
    "library": ("бібліотек", "читацьк", "абонемент", "книж", "книг"),
    "internet": ("wi", "вайфа", "інтернет", "бездротов", "мереж"),
    "pension": ("пенсі", "посвідчен"),
    "trees": ("дерев", "тополя", "тополю", "вирубк", "гілк", "зелен"),
}
HASHED = 16
# The SEMANTIC_MODEL setting that loads it.
TEST_EMBEDDER = "tests.fakes.embedder:ConceptEmbedder"
_WORD = re.compile(r"[\w'-]+")


def _hashed(word: str) -> int:
    return int(hashlib.md5(word[:5].encode()).hexdigest(), 16) % HASHED


class ConceptEmbedder:
    name = "test-concepts-1"
    dim = len(CONCEPTS) + HASHED

    def __init__(self) -> None:
        self.passages_embedded: list[str] = []
        self.queries_embedded: list[str] = []

    def queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.queries_embedded.extend(texts)
        return self._vectors(texts)

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.passages_embedded.extend(texts)
        return self._vectors(texts)

    def _vectors(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                hits = [i for i, stems in enumerate(CONCEPTS.values()) if word.startswith(stems)]
                for index in hits:
                    out[row, index] += 1.0
                if not hits:
                    out[row, len(CONCEPTS) + _hashed(word)] += 0.3
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm else out[row]
        return out


# Held closed, SlowEmbedder cannot embed articles: a model busy with a large base.
SLOW_GATE = threading.Event()


class SlowEmbedder(ConceptEmbedder):
    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not SLOW_GATE.wait(timeout=30):
            raise TimeoutError("the test never opened the gate")
        return super().passages(texts)


class FailingQueries(ConceptEmbedder):
    """Embeds articles but fails on questions, as a model that ran out of memory."""

    def queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        raise MemoryError("out of memory")


class BrokenEmbedder:
    """A model that cannot load, as when its files are missing."""

    def __init__(self) -> None:
        raise OSError("model file not found")


# A small base whose meanings the embedder knows: opening hours, trees, water bills.
CONCEPT_ARTICLES = {
    "hours.md": """---
id: opening-hours
title: Графік роботи бібліотеки
category: Бібліотека
questions:
  - до котрої працює бібліотека
  - чи відкрита бібліотека в суботу
---
Центральна бібліотека працює з понеділка по суботу.

Точні години філій уточнюйте телефоном.
""",
    "trees.md": """---
id: tree-removal
title: Видалення аварійних дерев біля будинку
category: Місто
questions:
  - як прибрати сухе дерево у дворі
  - куди звернутися щоб спиляли аварійне дерево
---
Заяву про аварійне дерево подають до управління благоустрою.
""",
    "water.md": """---
id: water-bills
title: Як оплатити рахунок за воду
category: Комунальні послуги
questions:
  - як заплатити за воду онлайн
  - де сплатити рахунок водоканалу
---
Рахунок за воду сплачують у застосунку банку за номером особового рахунку.
""",
}
