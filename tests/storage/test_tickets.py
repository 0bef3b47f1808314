from __future__ import annotations

from datetime import UTC, datetime

from storage.attachments import Attachment
from storage.db import Database
from storage.tickets import TicketsRepo
from storage.users import UsersRepo

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


async def test_message_attachments_round_trip_and_old_rows_are_read(db: Database) -> None:
    tickets = TicketsRepo()
    photo = Attachment("photo", "AgACphoto1", size=1000)
    async with db.transaction() as conn:
        user = await UsersRepo().touch(
            conn, channel="test", external_id="u1", chat_id="u1", display_name=None, now=NOW
        )
        ticket = await tickets.open(
            conn,
            user_id=user.id,
            question="Що це за рядок?",
            source="menu",
            candidates=[],
            query_id=None,
            now=NOW,
            attachments=(photo,),
        )
        # A librarian's answer as the code before the one attachment type stored it.
        await tickets.add_message(conn, ticket.id, "librarian", "Ірина", "Ось", (), NOW)
        await conn.execute(
            "UPDATE ticket_messages SET attachments = ? WHERE author = 'librarian'",
            ('[{"kind": "document", "file_id": "BQACdoc1", "file_name": "лист.pdf"}]',),
        )
        question, answer = await tickets.messages(conn, ticket.id)
    assert question.attachments == (photo,)
    assert answer.attachments == (Attachment("document", "BQACdoc1", "лист.pdf"),)
