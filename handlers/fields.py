"""What a dialog step accepts, shared by the features' forms (appeals, training): typed
text, a name, a phone number. Each turns an Event into a value or raises `Invalid`."""

from __future__ import annotations

import re

import phonenumbers

from handlers import texts
from handlers.dialog import Invalid
from handlers.messages import Event

_NAME = re.compile(r"[^\W\d_]+(?:(?:['’ʼ`-]| - |-| )[^\W\d_]+)*")


def typed_text(event: Event) -> str:
    """The text as one line of single spaces; nothing typed is refused."""
    if not event.text or not event.text.strip():
        raise Invalid(texts.APPEAL_ERR_TEXT_ONLY)
    return " ".join(event.text.split())


def name_part(event: Event, *, error: str = texts.APPEAL_ERR_NAME) -> str:
    """Letters, apostrophes, hyphens and spaces, 2–50 of them; capitalised."""
    value = typed_text(event)
    if not 2 <= len(value) <= 50 or not _NAME.fullmatch(value):
        raise Invalid(error)
    return value[0].upper() + value[1:]


def phone(event: Event) -> str:
    """A shared contact (the person's own) or a typed number → E.164, e.g. +380671234567."""
    if event.contact is not None:
        if not event.contact.is_own:
            raise Invalid(texts.APPEAL_ERR_PHONE_NOT_OWN)
        raw = event.contact.phone
        raw = raw if raw.startswith("+") else "+" + raw
    else:
        raw = typed_text(event)
    try:
        parsed = phonenumbers.parse(raw, "UA")
    except phonenumbers.NumberParseException:
        raise Invalid(texts.APPEAL_ERR_PHONE) from None
    if not phonenumbers.is_valid_number(parsed):
        raise Invalid(texts.APPEAL_ERR_PHONE)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
