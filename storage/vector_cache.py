"""Article vectors kept on disk, keyed by a hash of the model and the text they came from.

Embedding a long article takes a good fraction of a second on the CPU, so a
restart with an unchanged knowledge base must embed nothing, and a reload must
embed only what changed. The cache is its own SQLite file (not the bot's
database): it holds nothing that cannot be made again, may be deleted at any
time, and is shared by the bot and the `python -m knowledge_base` tools.

Synchronous on purpose: it is used from the worker thread that embeds.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    key TEXT PRIMARY KEY,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL
) WITHOUT ROWID
"""
# SQLite allows at most 32,766 parameters a statement.
_BATCH = 500


def vector_key(model: str, kind: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{kind}\0{text}".encode()).hexdigest()


class VectorCache:
    def __init__(self, path: Path) -> None:
        self.path = path

    def get_many(self, keys: Iterable[str]) -> dict[str, Vector]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Vector] = {}
        if not wanted or not self.path.exists():
            return found
        with self._connect() as conn:
            for start in range(0, len(wanted), _BATCH):
                batch = wanted[start : start + _BATCH]
                marks = ",".join("?" * len(batch))
                rows = conn.execute(
                    f"SELECT key, dim, vector FROM vectors WHERE key IN ({marks})", batch
                )
                for key, dim, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (dim,):
                        found[key] = vector
        return found

    def put_many(self, vectors: Mapping[str, Vector]) -> None:
        if not vectors:
            return
        rows = [
            (key, int(vector.shape[0]), np.ascontiguousarray(vector, np.float32).tobytes())
            for key, vector in vectors.items()
        ]
        with self._connect() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (key, dim, vector) VALUES (?, ?, ?)", rows
            )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one batch: committed (or rolled back) and closed after it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            # WAL: the bot and a `python -m knowledge_base` tool may share the file.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
            with conn:
                yield conn
        finally:
            conn.close()
