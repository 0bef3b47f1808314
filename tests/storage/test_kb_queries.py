"""Questions put to the knowledge base: the decision, the article chosen, the feedback."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from storage.db import Database
from storage.kb_queries import KbQueriesRepo

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
NewUser = Callable[[str], Awaitable[int]]

repo = KbQueriesRepo()


async def _ask(
    db: Database,
    user_id: int,
    *,
    decision: str = "suggest",
    article_id: str | None = None,
    candidates: tuple[tuple[str, float], ...] = (("utility-bills", 0.61), ("subsidy", 0.48)),
) -> int:
    async with db.transaction() as conn:
        return await repo.add(
            conn,
            user_id=user_id,
            question="як оплатити комуналку",
            decision=decision,
            article_id=article_id,
            candidates=list(candidates),
            now=NOW,
        )


async def test_the_question_decision_and_ranking_are_kept(db: Database, new_user: NewUser) -> None:
    user_id = await new_user("1001")
    query_id = await _ask(db, user_id)
    async with db.transaction() as conn:
        recorded = await repo.get(conn, query_id)
        assert await repo.feedback_of(conn, query_id) is None

    assert recorded is not None
    assert recorded.id == query_id and recorded.user_id == user_id
    assert recorded.question == "як оплатити комуналку"
    assert recorded.decision == "suggest"
    assert recorded.article_id is None
    # Ranked best first, as the knowledge base gave them.
    assert recorded.candidates == [("utility-bills", 0.61), ("subsidy", 0.48)]


async def test_a_direct_answer_names_its_article(db: Database, new_user: NewUser) -> None:
    query_id = await _ask(db, await new_user("1001"), decision="answer", article_id="utility-bills")
    async with db.transaction() as conn:
        recorded = await repo.get(conn, query_id)
    assert recorded is not None
    assert (recorded.decision, recorded.article_id) == ("answer", "utility-bills")


async def test_nothing_found_keeps_an_empty_ranking(db: Database, new_user: NewUser) -> None:
    query_id = await _ask(db, await new_user("1001"), decision="none", candidates=())
    async with db.transaction() as conn:
        recorded = await repo.get(conn, query_id)
    assert recorded is not None
    assert recorded.decision == "none" and recorded.candidates == []


async def test_an_unknown_decision_is_refused(db: Database, new_user: NewUser) -> None:
    user_id = await new_user("1001")
    with pytest.raises(sqlite3.IntegrityError):
        await _ask(db, user_id, decision="maybe")


async def test_an_unknown_query_finds_nothing(db: Database) -> None:
    async with db.transaction() as conn:
        assert await repo.get(conn, 7) is None
        assert await repo.feedback_of(conn, 7) is None


async def test_the_article_picked_from_suggestions_is_recorded(
    db: Database, new_user: NewUser
) -> None:
    query_id = await _ask(db, await new_user("1001"))
    async with db.transaction() as conn:
        await repo.choose(conn, query_id, "subsidy")
        recorded = await repo.get(conn, query_id)
    assert recorded is not None
    assert recorded.article_id == "subsidy"
    assert recorded.decision == "suggest"  # what the bot decided stays as it was


@pytest.mark.parametrize(("helpful", "stored"), [(True, "helpful"), (False, "not_helpful")])
async def test_the_citizens_feedback_is_recorded(
    db: Database, new_user: NewUser, helpful: bool, stored: str
) -> None:
    query_id = await _ask(db, await new_user("1001"), decision="answer", article_id="subsidy")
    async with db.transaction() as conn:
        await repo.feedback(conn, query_id, helpful, NOW)
        assert await repo.feedback_of(conn, query_id) == stored


async def test_changing_ones_mind_keeps_the_last_feedback(db: Database, new_user: NewUser) -> None:
    query_id = await _ask(db, await new_user("1001"), decision="answer", article_id="subsidy")
    async with db.transaction() as conn:
        await repo.feedback(conn, query_id, True, NOW)
        await repo.feedback(conn, query_id, False, NOW)
        assert await repo.feedback_of(conn, query_id) == "not_helpful"
