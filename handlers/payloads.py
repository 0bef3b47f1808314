"""Typed button payloads: one small declared type per button family.

A payload is a frozen dataclass that names its prefix once::

    @dataclass(frozen=True)
    class TicketPress(Payload, prefix="tk"):
        action: Literal["take", "close"]
        ticket: int

`TicketPress("take", 12).pack()` gives `tk:take:12`; `parse("tk:take:12")` gives it back,
and anything malformed or foreign (an unknown prefix, a missing or extra field, a word not
in the Literal, a number that is not one or is absurdly large, an over-long payload) gives
`None` — one place, one outcome. The wire format is the colon-joined one the bot has always
sent, so buttons on screens from before an upgrade keep working.

Field types: `int` (0 … 2**53), `str` (no `:`), a `Literal` of strings, and any of these
`| None` as trailing optional fields (left out when None).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, ClassVar, Literal, Self, Union, get_args, get_origin

# Telegram's callback_data limit; Viber's ActionBody allows more, so this one binds.
MAX_BYTES = 64
MAX_INT = 2**53  # larger numbers are forgeries: no id of ours gets there
SEP = ":"

_REGISTRY: dict[str, type[Payload]] = {}


class BadPayload(ValueError):
    """Raised by `pack` for a value that cannot be sent (a bug, not user input)."""


class Payload:
    """Base of every button payload type; subclasses are frozen dataclasses."""

    prefix: ClassVar[str]

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix in _REGISTRY:
            raise TypeError(f"payload prefix {prefix!r} is taken by {_REGISTRY[prefix].__name__}")
        if not prefix or prefix.count(SEP) > 1:
            raise TypeError(f"payload prefix {prefix!r}: one or two words")
        cls.prefix = prefix
        _REGISTRY[prefix] = cls

    def pack(self) -> str:
        parts = [self.prefix]
        values = [getattr(self, f.name) for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        while values and values[-1] is None:
            values.pop()  # trailing optional fields are left out
        for value in values:
            text = "" if value is None else str(value)
            if SEP in text:
                raise BadPayload(f"{type(self).__name__}: {SEP!r} inside a field")
            parts.append(text)
        packed = SEP.join(parts)
        if len(packed.encode()) > MAX_BYTES:
            raise BadPayload(f"{type(self).__name__}: {len(packed.encode())} bytes > {MAX_BYTES}")
        return packed

    @classmethod
    def unpack(cls, fields: list[str]) -> Self | None:
        """The fields after the prefix → an instance, or None if they do not fit."""
        kinds = _field_kinds(cls)
        if len(fields) > len(kinds):
            return None
        values: list[object] = []
        for index, (optional, kind) in enumerate(kinds):
            raw = fields[index] if index < len(fields) else None
            value = _convert(optional, kind, raw)
            if value is _INVALID:
                return None
            values.append(value)
        return cls(*values)


def parse(raw: str | None) -> Payload | None:
    """A pressed button's data → its payload; None for anything malformed or foreign."""
    if not raw or len(raw.encode()) > MAX_BYTES:
        return None
    parts = raw.split(SEP)
    # The longest declared prefix wins: `kb:c:3` is a category, `kb` the topics.
    for width in (2, 1):
        cls = _REGISTRY.get(SEP.join(parts[:width])) if len(parts) >= width else None
        if cls is not None:
            return cls.unpack(parts[width:])
    return None


_INVALID = object()


_KINDS: dict[type[Payload], tuple[tuple[bool, Any], ...]] = {}


def _field_kinds(cls: type[Payload]) -> tuple[tuple[bool, Any], ...]:
    """Each declared field's (optional, type), in order: worked out once per type, since
    resolving annotations is far slower than a button press's other work."""
    kinds = _KINDS.get(cls)
    if kinds is None:
        hints = typing.get_type_hints(cls)
        declared = dataclasses.fields(cls)  # type: ignore[arg-type]
        kinds = _KINDS[cls] = tuple(_unwrap_optional(hints[f.name]) for f in declared)
    return kinds


def _convert(optional: bool, kind: Any, raw: str | None) -> object:
    if raw is None or raw == "":
        return None if optional else _INVALID
    if kind is int:
        if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_INT:
            return _INVALID
        return int(raw)
    if kind is str:
        return raw
    if get_origin(kind) is Literal:
        return raw if raw in get_args(kind) else _INVALID
    raise TypeError(f"unsupported payload field type {kind!r}")


def _unwrap_optional(kind: Any) -> tuple[bool, Any]:
    if get_origin(kind) in (Union, types.UnionType):
        args = [a for a in get_args(kind) if a is not type(None)]
        if len(args) == 1 and len(args) < len(get_args(kind)):
            return True, args[0]
    return False, kind
