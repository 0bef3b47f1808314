"""Driving a channel's sender without the outbox."""

from __future__ import annotations

from bot.channels.base import OutputChannel
from handlers.messages import Reply


async def send_all(sender: OutputChannel, chat_id: str, reply: Reply) -> str | None:
    """Send every part of `reply` in order, as delivery does when nothing fails; returns the
    id of the first message."""
    first: str | None = None
    for part in sender.parts(chat_id, reply):
        message_id = await part(first)
        first = first or message_id
    return first
