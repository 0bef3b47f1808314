"""Types the repository tests share (their fixtures are in tests/storage/conftest.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

# The `new_user` fixture: a resident's id on the test channel → the user's row id.
NewUser = Callable[[str], Awaitable[int]]
