"""The main menu's buttons. Each opens a feature; the feature registers the handler."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.payloads import Payload


@dataclass(frozen=True)
class Home(Payload, prefix="menu"):
    pass


@dataclass(frozen=True)
class Contacts(Payload, prefix="contacts"):
    pass


@dataclass(frozen=True)
class OpenReference(Payload, prefix="kb"):
    """The knowledge base's topics."""


@dataclass(frozen=True)
class OpenAppeals(Payload, prefix="appeal"):
    pass


@dataclass(frozen=True)
class OpenTraining(Payload, prefix="training"):
    pass


@dataclass(frozen=True)
class AskLibrarian(Payload, prefix="ask"):
    pass


@dataclass(frozen=True)
class OpenPrivacy(Payload, prefix="privacy"):
    """«Мої дані»: what is kept, get it, erase it."""
