"""Reference answers from the knowledge base: `answers.py` takes a typed question,
`browse.py` shows topics and articles, `staff.py` reloads the base from the staff chat."""

from __future__ import annotations

from handlers import texts
from handlers.menu.payloads import OpenReference
from handlers.reference import answers, browse, staff
from handlers.reference.payloads import Category, Details, Feedback, IsFollowUp, OpenArticle
from handlers.routing import Router

router = Router("reference")
router.button(OpenReference)(browse.on_topics)
router.button(Category)(browse.on_category)
router.button(OpenArticle)(browse.on_article)
router.button(Details)(browse.on_details)
router.button(IsFollowUp)(answers.on_follow_up_choice)
router.button(Feedback)(answers.on_feedback)
router.step(answers.IS_FOLLOW_UP)(answers.on_is_follow_up)
router.staff_command("reload_kb", texts.CMD_STAFF_RELOAD_KB)(staff.on_reload)
