"""Every citizen- and librarian-facing text, in Ukrainian, from the Fluent catalogue `uk/*.ftl`.

Librarians edit the `.ftl` files; this module loads them once, at import, and fails loudly
(file, line, message id) if one does not parse. Each UPPER_CASE name is a `Text`: a `str`
holding the message, with `{field}` where a placeholder is (as the `str.format` templates
were), whose `format(field=value)` formats the message with Fluent, so that plural
selectors (`{ $count -> [one] … [few] … *[many] … }`) pick the Ukrainian form.
Message ids are the names in lower case with hyphens: `APPEAL_ASK_SURNAME` → `appeal-ask-surname`.

Texts are in the Markdown subset of `handlers.messages.Reply`, and the values put into them
are not: `format()` escapes every value (a question, a name, a file name, a librarian's
answer shows as typed, never as a link or bold), except a `Markdown` one — another catalogue
text, what `format()` returned, an article's body. `plain()` fills a text without escaping,
for what is no Reply text: a button's label, a note kept in the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

from fluent.runtime import FluentBundle, resolver
from fluent.runtime.types import fluent_number
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from handlers.messages import Markdown, escape

CATALOGUE: Final = Path(__file__).with_name("uk")

# Fluent refuses a placeable of over 2,500 characters, a guard against runaway untrusted
# translations. This catalogue is ours, and the articles and residents' texts placed in
# it are longer; the bound that stays is far above any message a channel sends.
resolver.MAX_PART_LENGTH = 1_000_000


class CatalogueError(Exception):
    """The catalogue does not parse, or a text the bot needs is missing or broken."""


def _load(folder: Path) -> tuple[FluentBundle, dict[str, ast.Message]]:
    # Isolation marks (U+2068/U+2069) around placeables would end up in the chats.
    bundle = FluentBundle(["uk"], use_isolating=False)
    messages: dict[str, ast.Message] = {}
    seen: dict[str, str] = {}  # message or -term id → the file that defines it
    paths = sorted(folder.glob("*.ftl"))
    if not paths:
        raise CatalogueError(f"{folder}: no .ftl files")
    for path in paths:
        source = path.read_text(encoding="utf-8")
        resource = FluentParser().parse(source)
        previous = "(start of file)"
        for entry in resource.body:
            if isinstance(entry, ast.Junk):
                raise CatalogueError(_junk(path, source, entry, previous))
            if not isinstance(entry, ast.Message | ast.Term):
                continue
            key = ("-" if isinstance(entry, ast.Term) else "") + entry.id.name
            if key in seen:
                raise CatalogueError(f"{path.name}: «{key}» is already defined in {seen[key]}")
            seen[key] = path.name
            previous = key
            if isinstance(entry, ast.Message):
                messages[key] = entry
        bundle.add_resource(resource)
    return bundle, messages


def _junk(path: Path, source: str, junk: ast.Junk, previous: str) -> str:
    """Where a syntax error is, in words a librarian can act on."""
    start = junk.span.start if junk.span else 0
    line = source.count("\n", 0, start) + 1
    lines = (junk.content or "").strip().splitlines()
    first = lines[0] if lines else ""
    why = "; ".join(str(annotation.message) for annotation in junk.annotations)
    return f"{path.name}:{line}: cannot read «{first}» (after «{previous}»): {why}"


_BUNDLE, _MESSAGES = _load(CATALOGUE)


class _Variables(Visitor):
    """The `$names` a message uses, through the messages it references."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, None] = {}
        self._visited: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.names[node.id.name] = None

    def visit_MessageReference(self, node: ast.MessageReference) -> None:
        name = node.id.name
        if name in _MESSAGES and name not in self._visited:
            self._visited.add(name)
            self.visit(_MESSAGES[name])


def _argument(value: object, *, literal: bool) -> object:
    """A `format()` value as Fluent takes it, shown as `str.format` would show it; with
    `literal`, escaped unless it is Markdown already."""
    if isinstance(value, int) and not isinstance(value, bool):
        return fluent_number(value, useGrouping=False)  # 4096, not «4 096»; plurals select on it
    shown = format(value)
    return escape(shown) if literal and not isinstance(value, Markdown) else shown


class Text(Markdown):
    """A catalogue message. `format(field=value)` fills its `{ $field }` placeholders."""

    message_id: str
    _before: str  # line breaks or spaces that glue it to other texts: layout, kept in code
    _after: str

    def format(self, *args: object, **kwargs: object) -> Markdown:
        """The message with each value shown as it is written (see the module's doc)."""
        if args:
            raise TypeError(f"{self.message_id}: catalogue texts take named fields only")
        return Markdown(self._fill(kwargs, literal=True))

    def _fill(self, kwargs: Mapping[str, object], *, literal: bool) -> str:
        pattern = _BUNDLE.get_message(self.message_id).value
        assert pattern is not None  # checked when the Text was made
        values = {name: _argument(value, literal=literal) for name, value in kwargs.items()}
        text, errors = _BUNDLE.format_pattern(pattern, values)
        if errors:  # as str.format raises KeyError for a field it is not given
            raise KeyError(f"{self.message_id}: {'; '.join(map(str, errors))}")
        return self._before + str(text) + self._after


def _text(message_id: str, *, before: str = "", after: str = "") -> str:
    """A `Text`, typed as the `str` it always was: call sites build lists and dicts of them."""
    return _make(message_id, before, after)


def _forms(message_id: str) -> Text:
    """A message with a plural selector on `$count`, for `count()`."""
    return _make(message_id)


def _make(message_id: str, before: str = "", after: str = "") -> Text:
    message = _MESSAGES.get(message_id)
    if message is None or message.value is None:
        raise CatalogueError(f"{CATALOGUE}: no text «{message_id}»")
    finder = _Variables()
    finder.visit(message)
    # The plain value shows each placeholder as `{field}`, like the old str.format templates.
    shown = {name: "{" + name + "}" for name in finder.names}
    pattern = _BUNDLE.get_message(message_id).value
    assert pattern is not None
    value, errors = _BUNDLE.format_pattern(pattern, shown)
    if errors:
        raise CatalogueError(f"«{message_id}»: {'; '.join(map(str, errors))}")
    text = Text(before + str(value) + after)
    text.message_id = message_id
    text._before, text._after = before, after
    return text


def _choices(prefix: str, *keys: str) -> Mapping[str, str]:
    """Labels by code, in this order; the codes stay in Python, the labels in `prefix-code`."""
    return MappingProxyType({key: _text(f"{prefix}-{key.replace('_', '-')}") for key in keys})


def plain(text: str, **values: object) -> str:
    """`text` (a catalogue text) filled with `values` as they are: for a button's label or a
    note kept in the database, never for a Reply's text (that is `text.format()`)."""
    if not isinstance(text, Text):
        raise TypeError("plain() fills catalogue texts only")
    return text._fill(values, literal=False)


def count(number: int, forms: Text) -> str:
    """«1 символ», «4 символи», «11 символів»: `forms` has a plural selector on `$count`."""
    return forms.format(count=number)


# --- common.ftl ---
LIBRARY_PHONES: Final = _text("library-phones")
GREETING: Final = _text("greeting")
MENU: Final = _text("menu")
BTN_REFERENCE: Final = _text("btn-reference")
BTN_APPEAL: Final = _text("btn-appeal")
BTN_TRAINING: Final = _text("btn-training")
BTN_LIBRARIAN: Final = _text("btn-librarian")
BTN_CONTACTS: Final = _text("btn-contacts")
BTN_MENU: Final = _text("btn-menu")
BTN_CANCEL: Final = _text("btn-cancel")
HELP: Final = _text("help")
CONTACTS: Final = _text("contacts")
NOT_READY: Final = _text("not-ready")
CANCELLED: Final = _text("cancelled")
NOTHING_TO_CANCEL: Final = _text("nothing-to-cancel")
UNKNOWN_COMMAND: Final = _text("unknown-command")
UNKNOWN_BUTTON: Final = _text("unknown-button")
NOT_UNDERSTOOD: Final = _text("not-understood")
UNSUPPORTED: Final = _text("unsupported")
UNSUPPORTED_KINDS: Final = _choices(
    "unsupported-kind",
    "sticker",
    "voice",
    "video_note",
    "video",
    "audio",
    "animation",
    "location",
    "poll",
    "photo",
    "document",
    "contact",
)
UNSUPPORTED_OTHER: Final = _text("unsupported-other")
CHARACTERS: Final = _forms("characters")
TOO_LONG: Final = _text("too-long")
RATE_LIMITED: Final = _text("rate-limited")
INTERNAL_ERROR: Final = _text("internal-error")
STAFF_ONLY: Final = _text("staff-only")
STAFF_HELP: Final = _text("staff-help")
STAFF_UNKNOWN_COMMAND: Final = _text("staff-unknown-command")
STAFF_REPLY_GOES_NOWHERE: Final = _text("staff-reply-goes-nowhere")
STAFF_REPLY_UNKNOWN_MESSAGE: Final = _text("staff-reply-unknown-message")
PAGE_OF: Final = _text("page-of", before=" · ")
BTN_PAGE_PREV: Final = _text("btn-page-prev")
BTN_PAGE_NEXT: Final = _text("btn-page-next")

LIBRARIAN_UNNAMED: Final = _text("librarian-unnamed")
RESIDENT_UNNAMED: Final = _text("resident-unnamed")
CMD_START: Final = _text("cmd-start")
CMD_MENU: Final = _text("cmd-menu")
CMD_HELP: Final = _text("cmd-help")
CMD_CANCEL: Final = _text("cmd-cancel")
CMD_STAFF_HELP: Final = _text("cmd-staff-help")

# --- reference.ftl ---
KB_BROWSE: Final = _text("kb-browse")
KB_EMPTY: Final = _text("kb-empty")
KB_CATEGORY: Final = _text("kb-category")
BTN_TOPICS: Final = _text("btn-topics")
BTN_KB_BOOK_COURSE: Final = _text("btn-kb-book-course")
KB_FEEDBACK: Final = _text("kb-feedback")
BTN_YES: Final = _text("btn-yes")
BTN_NO: Final = _text("btn-no")
KB_THANKS: Final = _text("kb-thanks")
KB_NOT_HELPFUL: Final = _text("kb-not-helpful")
BTN_HAND_OVER: Final = _text("btn-hand-over")
KB_SUGGEST: Final = _text("kb-suggest")
BTN_NOT_LISTED: Final = _text("btn-not-listed")
KB_NONE: Final = _text("kb-none")
KB_ARTICLE_GONE: Final = _text("kb-article-gone")
KB_ARTICLE: Final = _text("kb-article")
KB_ANSWER: Final = _text("kb-answer")
KB_ARTICLE_DETAILS: Final = _text("kb-article-details")
KB_ANSWER_DETAILS: Final = _text("kb-answer-details")
BTN_MORE: Final = _text("btn-more")
KB_NONE_NO_LIBRARIANS: Final = _text("kb-none-no-librarians")
KB_NOT_HELPFUL_NO_LIBRARIANS: Final = _text("kb-not-helpful-no-librarians")
ASK_IS_FOLLOW_UP: Final = _text("ask-is-follow-up")
BTN_FOLLOW_UP_YES: Final = _text("btn-follow-up-yes")
BTN_FOLLOW_UP_NO: Final = _text("btn-follow-up-no")
KB_RELOADED: Final = _text("kb-reloaded")
KB_SKIPPED: Final = _text("kb-skipped")
KB_SKIPPED_MORE: Final = _text("kb-skipped-more", before="\n")

CMD_STAFF_RELOAD_KB: Final = _text("cmd-staff-reload-kb")

# --- smalltalk.ftl ---
SMALLTALK_GREETING: Final = _text("smalltalk-greeting")
SMALLTALK_THANKS: Final = _text("smalltalk-thanks")
SMALLTALK_GOODBYE: Final = _text("smalltalk-goodbye")
SMALLTALK_NOT_A_QUESTION: Final = _text("smalltalk-not-a-question")

# --- queue.ftl ---
NO_LIBRARIANS: Final = _text("no-librarians")
ASK_PROMPT: Final = _text("ask-prompt")
ASK_TEXT_ONLY: Final = _text("ask-text-only")
ASK_NOT_A_QUESTION: Final = _text("ask-not-a-question")
ASK_ACCEPTED_OPEN: Final = _text("ask-accepted-open")
ASK_ACCEPTED_CLOSED: Final = _text("ask-accepted-closed")
ASK_GONE: Final = _text("ask-gone")
ANSWER_TO_CITIZEN: Final = _text("answer-to-citizen")
ANSWER_ATTACHMENTS_ONLY: Final = _text("answer-attachments-only")
BTN_RATE_UP: Final = _text("btn-rate-up")
BTN_RATE_DOWN: Final = _text("btn-rate-down")
BTN_FOLLOW_UP: Final = _text("btn-follow-up")
RATE_THANKS: Final = _text("rate-thanks")
RATE_DOWN: Final = _text("rate-down")
FOLLOW_UP_PROMPT: Final = _text("follow-up-prompt")
FOLLOW_UP_ACCEPTED: Final = _text("follow-up-accepted")
NOT_FORGOTTEN: Final = _text("not-forgotten")
CLOSED_WITHOUT_ANSWER: Final = _text("closed-without-answer")
CARD: Final = _text("card")
CARD_CANDIDATES: Final = _text("card-candidates", after="\n\n")
CARD_FILES: Final = _text("card-files")
FILE_KINDS: Final = _choices("file-kind", "photo", "document", "video", "audio")
CARD_STATUS_WAITING: Final = _text("card-status-waiting")
CARD_STATUS_TAKEN: Final = _text("card-status-taken")
CARD_STATUS_ANSWERED: Final = _text("card-status-answered")
CARD_STATUS_CLOSED: Final = _text("card-status-closed")
CARD_STATUS_UNDELIVERED: Final = _text("card-status-undelivered", before="\n")
CARD_HINT: Final = _text("card-hint", before="\n\n")
CARD_OVERDUE: Final = _text("card-overdue", after="\n\n")
FOLLOW_UP_TO_STAFF: Final = _text("follow-up-to-staff")
BTN_TAKE: Final = _text("btn-take")
BTN_CLOSE: Final = _text("btn-close")
BTN_TO_KB: Final = _text("btn-to-kb")
TICKET_ALREADY_CLOSED: Final = _text("ticket-already-closed")
CARD_CLOSE_CONFIRM: Final = _text("card-close-confirm", before="\n\n")
BTN_CLOSE_CONFIRM: Final = _text("btn-close-confirm")
BTN_CLOSE_KEEP: Final = _text("btn-close-keep")
DRAFT_SAVED: Final = _text("draft-saved")
DRAFT_NEEDS_ANSWER: Final = _text("draft-needs-answer")
QUEUE_EMPTY: Final = _text("queue-empty")
QUEUE_HEADER: Final = _text("queue-header")
QUEUE_LINE: Final = _text("queue-line")
QUEUE_NOBODY: Final = _text("queue-nobody")
QUEUE_NEXT_PAGE: Final = _text("queue-next-page", before="\n\n")
QUEUE_OVERDUE: Final = _text("queue-overdue")
QUEUE_OVERDUE_OLDEST: Final = _text("queue-overdue-oldest")
QUEUE_WAIT_HOURS: Final = _text("queue-wait-hours")
QUEUE_WAIT_MINUTES: Final = _text("queue-wait-minutes")
BTN_OPEN_QUEUE: Final = _text("btn-open-queue")
CHANNEL_NAMES: Final = _choices("channel-name", "telegram", "viber", "console")

AGE_MINUTES: Final = _text("age-minutes")
AGE_HOURS: Final = _text("age-hours")
AGE_DAYS: Final = _text("age-days")
DRAFT_FAILED: Final = _text("draft-failed")
DRAFT_CATEGORY: Final = _text("draft-category")
CMD_STAFF_QUEUE: Final = _text("cmd-staff-queue")

# --- appeals.ftl ---
APPEAL_INTRO: Final = _text("appeal-intro")
APPEAL_INTRO_DRAFT: Final = _text("appeal-intro-draft")
BTN_APPEAL_NEW: Final = _text("btn-appeal-new")
BTN_APPEAL_MINE: Final = _text("btn-appeal-mine")
BTN_APPEAL_CONTINUE: Final = _text("btn-appeal-continue")
BTN_APPEAL_RESTART: Final = _text("btn-appeal-restart")
APPEAL_CONSENT: Final = _text("appeal-consent")
BTN_CONSENT_YES: Final = _text("btn-consent-yes")
BTN_CONSENT_NO: Final = _text("btn-consent-no")
APPEAL_NO_CONSENT: Final = _text("appeal-no-consent")
BTN_BACK: Final = _text("btn-back")
APPEAL_LEAVE_OFFER: Final = _text("appeal-leave-offer")
BTN_APPEAL_STAY: Final = _text("btn-appeal-stay")
APPEAL_CANCEL_CONFIRM: Final = _text("appeal-cancel-confirm")
BTN_APPEAL_DELETE_DRAFT: Final = _text("btn-appeal-delete-draft")
BTN_SKIP: Final = _text("btn-skip")
BTN_ATTACH_DONE: Final = _text("btn-attach-done")
BTN_NO_ATTACHMENTS: Final = _text("btn-no-attachments")
APPEAL_ASK_SURNAME: Final = _text("appeal-ask-surname")
APPEAL_ASK_GIVEN_NAME: Final = _text("appeal-ask-given-name")
APPEAL_ASK_PATRONYMIC: Final = _text("appeal-ask-patronymic")
APPEAL_ASK_ADDRESS: Final = _text("appeal-ask-address")
APPEAL_ASK_PHONE: Final = _text("appeal-ask-phone")
APPEAL_ASK_EMAIL: Final = _text("appeal-ask-email")
APPEAL_ASK_TOPIC: Final = _text("appeal-ask-topic")
APPEAL_ASK_BODY: Final = _text("appeal-ask-body")
APPEAL_ASK_ATTACHMENTS: Final = _text("appeal-ask-attachments")
APPEAL_ASK_CONFIDENTIAL: Final = _text("appeal-ask-confidential")
BTN_CONFIDENTIAL_NO: Final = _text("btn-confidential-no")
BTN_CONFIDENTIAL_YES: Final = _text("btn-confidential-yes")
APPEAL_ASK_PRIORITY: Final = _text("appeal-ask-priority")
BTN_PRIORITY_NONE: Final = _text("btn-priority-none")
APPEAL_TOPICS: Final = _choices(
    "appeal-topic", "housing", "roads", "improvement", "social", "education", "health", "other"
)
APPEAL_PRIORITIES: Final = _choices(
    "appeal-priority", "veteran", "disability", "idp", "chornobyl", "hero", "other"
)
APPEAL_ERR_NAME: Final = _text("appeal-err-name")
APPEAL_ERR_ADDRESS: Final = _text("appeal-err-address")
APPEAL_ERR_PHONE: Final = _text("appeal-err-phone")
APPEAL_ERR_PHONE_NOT_OWN: Final = _text("appeal-err-phone-not-own")
APPEAL_ERR_EMAIL: Final = _text("appeal-err-email")
APPEAL_ERR_BODY_SHORT: Final = _text("appeal-err-body-short")
APPEAL_ERR_BODY_LONG: Final = _text("appeal-err-body-long")
APPEAL_ERR_TEXT_ONLY: Final = _text("appeal-err-text-only")
APPEAL_PHONE_ALREADY: Final = _text("appeal-phone-already")
APPEAL_ERR_CHOOSE: Final = _text("appeal-err-choose")
APPEAL_ERR_FILE_KIND: Final = _text("appeal-err-file-kind")
APPEAL_ERR_FILE_SIZE: Final = _text("appeal-err-file-size")
APPEAL_ERR_FILE_COUNT: Final = _text("appeal-err-file-count")
APPEAL_ERR_FILE_EXPECTED: Final = _text("appeal-err-file-expected")
APPEAL_FILE_ADDED: Final = _text("appeal-file-added")
APPEAL_REVIEW: Final = _text("appeal-review")
APPEAL_NOT_GIVEN: Final = _text("appeal-not-given")
APPEAL_DISCLOSURE_OK: Final = _text("appeal-disclosure-ok")
APPEAL_DISCLOSURE_NO: Final = _text("appeal-disclosure-no")
APPEAL_YES: Final = _text("appeal-yes")
APPEAL_NO: Final = _text("appeal-no")
APPEAL_FILES_NONE: Final = _text("appeal-files-none")
APPEAL_FILES_COUNT: Final = _text("appeal-files-count")
BTN_APPEAL_SEND: Final = _text("btn-appeal-send")
BTN_APPEAL_EDIT: Final = _text("btn-appeal-edit")
APPEAL_EDIT_WHICH: Final = _text("appeal-edit-which")
APPEAL_FIELD_LABELS: Final = _choices(
    "appeal-field-label",
    "surname",
    "given_name",
    "patronymic",
    "address",
    "phone",
    "email",
    "topic",
    "body",
    "attachments",
    "confidential",
    "priority",
)
APPEAL_CANCELLED: Final = _text("appeal-cancelled")
APPEAL_EDIT_CANCELLED: Final = _text("appeal-edit-cancelled")
APPEAL_DRAFT_GONE: Final = _text("appeal-draft-gone")
APPEAL_DAILY_LIMIT: Final = _text("appeal-daily-limit")
APPEAL_DAILY_LIMIT_REACHED: Final = _text("appeal-daily-limit-reached")
APPEAL_SUBMITTED: Final = _text("appeal-submitted")
APPEAL_RESUBMITTED: Final = _text("appeal-resubmitted")
APPEAL_MINE_EMPTY: Final = _text("appeal-mine-empty")
APPEAL_MINE_TITLE: Final = _text("appeal-mine-title")
APPEAL_MINE_LINE: Final = _text("appeal-mine-line")
APPEAL_DUE_LINE: Final = _text("appeal-due-line")
APPEAL_STATUS: Final = _text("appeal-status")
APPEAL_NOT_FOUND: Final = _text("appeal-not-found")
BTN_APPEAL_FIX: Final = _text("btn-appeal-fix")
APPEAL_STATUSES: Final = _choices(
    "appeal-status",
    "draft",
    "submitted",
    "checking",
    "transferred",
    "answered",
    "closed",
    "returned",
    "forwarded",
    "extended",
    "rejected",
)
APPEAL_OUTCOMES: Final = _choices("appeal-outcome", "positive", "explained", "refused")
APPEAL_HOW_TO_COMPLAIN: Final = _text("appeal-how-to-complain")
APPEAL_NOTICE_CHECKING: Final = _text("appeal-notice-checking")
APPEAL_NOTICE_TRANSFERRED: Final = _text("appeal-notice-transferred")
APPEAL_NOTICE_ANSWERED: Final = _text("appeal-notice-answered")
APPEAL_NOTICE_CLOSED: Final = _text("appeal-notice-closed")
APPEAL_NOTICE_RETURNED: Final = _text("appeal-notice-returned")
APPEAL_NOTICE_FORWARDED: Final = _text("appeal-notice-forwarded")
APPEAL_NOTICE_EXTENDED: Final = _text("appeal-notice-extended")
APPEAL_NOTICE_REJECTED: Final = _text("appeal-notice-rejected")

CMD_MY: Final = _text("cmd-my")

# --- appeals-staff.ftl ---
APPEAL_FILE_WITH_CAPTION: Final = _text("appeal-file-with-caption")
APPEAL_ASSISTED_SUBMITTED: Final = _text("appeal-assisted-submitted")
APPEAL_NOTICE_FOR_VISITOR: Final = _text("appeal-notice-for-visitor")
STAFF_APPEAL_CARD: Final = _text("staff-appeal-card")
STAFF_APPEAL_NEW: Final = _text("staff-appeal-new")
STAFF_APPEAL_RESUBMITTED: Final = _text("staff-appeal-resubmitted")
STAFF_APPEAL_VIEW: Final = _text("staff-appeal-view")
STAFF_APPEAL_PRIORITY: Final = _text("staff-appeal-priority", before="\n")
STAFF_APPEAL_PERSON: Final = _text("staff-appeal-person")
STAFF_APPEAL_HIDDEN: Final = _text("staff-appeal-hidden")
STAFF_APPEAL_ORIGIN_CHAT: Final = _text("staff-appeal-origin-chat")
STAFF_APPEAL_ORIGIN_BRANCH: Final = _text("staff-appeal-origin-branch")
STAFF_APPEAL_REPEAT: Final = _text("staff-appeal-repeat", before="\n")
STAFF_APPEAL_HISTORY: Final = _text("staff-appeal-history")
STAFF_APPEAL_HISTORY_LINE: Final = _text("staff-appeal-history-line")
STAFF_APPEAL_COUNCIL: Final = _text("staff-appeal-council")
STAFF_APPEAL_ANSWER: Final = _text("staff-appeal-answer")
BTN_STAFF_CHECK: Final = _text("btn-staff-check")
BTN_STAFF_TRANSFER: Final = _text("btn-staff-transfer")
BTN_STAFF_SHORT: Final = _text("btn-staff-short")
BTN_STAFF_ANSWER: Final = _text("btn-staff-answer")
BTN_STAFF_CLOSE: Final = _text("btn-staff-close")
BTN_STAFF_RETURN: Final = _text("btn-staff-return")
BTN_STAFF_FORWARD: Final = _text("btn-staff-forward")
BTN_STAFF_EXTEND: Final = _text("btn-staff-extend")
BTN_STAFF_REJECT: Final = _text("btn-staff-reject")
STAFF_APPEAL_CHANGED: Final = _text("staff-appeal-changed")
STAFF_APPEAL_SHORT_SET: Final = _text("staff-appeal-short-set")
STAFF_APPEAL_WRONG_STATE: Final = _text("staff-appeal-wrong-state")
STAFF_APPEAL_UNKNOWN: Final = _text("staff-appeal-unknown")
STAFF_APPEAL_OUTCOME: Final = _text("staff-appeal-outcome")
STAFF_PROMPT_COUNCIL: Final = _text("staff-prompt-council")
STAFF_PROMPT_RETURN: Final = _text("staff-prompt-return")
STAFF_PROMPT_FORWARD: Final = _text("staff-prompt-forward")
STAFF_PROMPT_EXTEND: Final = _text("staff-prompt-extend")
STAFF_PROMPT_REJECT: Final = _text("staff-prompt-reject")
STAFF_PROMPT_ANSWER: Final = _text("staff-prompt-answer")
STAFF_ERR_COUNCIL: Final = _text("staff-err-council")
STAFF_ERR_EMPTY_REASON: Final = _text("staff-err-empty-reason")
STAFF_APPEALS_TITLE: Final = _text("staff-appeals-title")
STAFF_APPEALS_OPEN: Final = _text("staff-appeals-open")
STAFF_APPEALS_EMPTY: Final = _text("staff-appeals-empty")
STAFF_APPEALS_LINE: Final = _text("staff-appeals-line")
STAFF_APPEALS_LATE: Final = _text("staff-appeals-late", before=" ")
STAFF_APPEALS_USAGE: Final = _text("staff-appeals-usage")
STAFF_APPEAL_USAGE: Final = _text("staff-appeal-usage")
STAFF_DEADLINES: Final = _text("staff-deadlines")
STAFF_DEADLINES_OVERDUE: Final = _text("staff-deadlines-overdue")
STAFF_DEADLINES_SOON: Final = _text("staff-deadlines-soon")
STAFF_DEADLINES_NOT_PASSED_ON: Final = _text("staff-deadlines-not-passed-on")
STAFF_DEADLINES_LINE: Final = _text("staff-deadlines-line")
STAFF_DEADLINES_MORE: Final = _text("staff-deadlines-more")
STAFF_ASSIST_CONSENT: Final = _text("staff-assist-consent")
STAFF_ASSIST_NO_CONSENT: Final = _text("staff-assist-no-consent")
STAFF_ASSIST_HINT: Final = _text("staff-assist-hint")
STAFF_ASSIST_NOT_YOURS: Final = _text("staff-assist-not-yours")

APPEAL_ACTOR_CITIZEN: Final = _text("appeal-actor-citizen")
APPEAL_COUNCIL_NOTE: Final = _text("appeal-council-note")
APPEAL_SHORT_NOTE: Final = _text("appeal-short-note")
APPEAL_RESUBMITTED_NOTE: Final = _text("appeal-resubmitted-note")
CMD_STAFF_APPEALS: Final = _text("cmd-staff-appeals")
CMD_STAFF_APPEAL: Final = _text("cmd-staff-appeal")
CMD_STAFF_ASSIST: Final = _text("cmd-staff-assist")

# --- training.ftl ---
TRAINING_INTRO: Final = _text("training-intro")
TRAINING_NO_COURSES: Final = _text("training-no-courses")
BTN_TRAINING_COURSES: Final = _text("btn-training-courses")
BTN_TRAINING_MINE: Final = _text("btn-training-mine")
TRAINING_COURSE: Final = _text("training-course")
TRAINING_PICK_SESSION: Final = _text("training-pick-session")
TRAINING_NO_SESSIONS: Final = _text("training-no-sessions")
BTN_TRAINING_SESSION: Final = _text("btn-training-session")
TRAINING_WAITLIST_ONLY: Final = _text("training-waitlist-only")
TRAINING_SEATS: Final = _forms("training-seats")
TRAINING_BOOKINGS: Final = _forms("training-bookings")
TRAINING_WHEN: Final = _text("training-when")
TRAINING_SESSION: Final = _text("training-session")
TRAINING_FREE: Final = _text("training-free")
TRAINING_FULL: Final = _text("training-full")
BTN_TRAINING_BOOK: Final = _text("btn-training-book")
BTN_TRAINING_JOIN_WAITLIST: Final = _text("btn-training-join-waitlist")
BTN_TRAINING_BACK_TO_COURSE: Final = _text("btn-training-back-to-course")
TRAINING_SESSION_GONE: Final = _text("training-session-gone")
TRAINING_ALREADY: Final = _text("training-already")
TRAINING_LIMIT: Final = _text("training-limit")
TRAINING_FORM_FOR: Final = _text("training-form-for")
TRAINING_CONSENT: Final = _text("training-consent")
TRAINING_NO_CONSENT: Final = _text("training-no-consent")
TRAINING_ASK_NAME: Final = _text("training-ask-name")
TRAINING_ERR_NAME: Final = _text("training-err-name")
TRAINING_ASK_PHONE: Final = _text("training-ask-phone")
TRAINING_ASK_AGE: Final = _text("training-ask-age")
TRAINING_AGE_NOT_GIVEN: Final = _text("training-age-not-given")
TRAINING_REVIEW: Final = _text("training-review")
BTN_TRAINING_SEND: Final = _text("btn-training-send")
BTN_TRAINING_EDIT: Final = _text("btn-training-edit")
TRAINING_EDIT_WHICH: Final = _text("training-edit-which")
TRAINING_FORM_CANCELLED: Final = _text("training-form-cancelled")
TRAINING_BOOKED: Final = _text("training-booked")
TRAINING_ICS_DESCRIPTION: Final = _text("training-ics-description")
TRAINING_ICS_NAME: Final = _text("training-ics-name")
TRAINING_WAITLISTED: Final = _text("training-waitlisted")
TRAINING_MINE_EMPTY: Final = _text("training-mine-empty")
TRAINING_MINE_TITLE: Final = _text("training-mine-title")
TRAINING_MINE_LINE: Final = _text("training-mine-line")
TRAINING_STATUS_BOOKED: Final = _text("training-status-booked")
TRAINING_STATUS_WAITING: Final = _text("training-status-waiting")
TRAINING_STATUS_OFFERED: Final = _text("training-status-offered")
BTN_TRAINING_CANCEL_BOOKING: Final = _text("btn-training-cancel-booking")
BTN_TRAINING_TAKE_SEAT: Final = _text("btn-training-take-seat")
TRAINING_CANCEL_CONFIRM: Final = _text("training-cancel-confirm")
BTN_TRAINING_CANCEL_YES: Final = _text("btn-training-cancel-yes")
TRAINING_CANCELLED: Final = _text("training-cancelled")
TRAINING_BOOKING_GONE: Final = _text("training-booking-gone")
TRAINING_REMIND_DAY: Final = _text("training-remind-day")
TRAINING_REMIND_SOON: Final = _text("training-remind-soon")
BTN_TRAINING_COME: Final = _text("btn-training-come")
BTN_TRAINING_CANNOT: Final = _text("btn-training-cannot")
TRAINING_SEE_YOU: Final = _text("training-see-you")
TRAINING_DECLINED: Final = _text("training-declined")
TRAINING_OFFER: Final = _text("training-offer")
BTN_TRAINING_OFFER_TAKE: Final = _text("btn-training-offer-take")
BTN_TRAINING_OFFER_PASS: Final = _text("btn-training-offer-pass")
TRAINING_OFFER_PASSED: Final = _text("training-offer-passed")
TRAINING_OFFER_EXPIRED: Final = _text("training-offer-expired")
TRAINING_OFFER_GONE: Final = _text("training-offer-gone")
TRAINING_SESSION_CANCELLED: Final = _text("training-session-cancelled")
CMD_STAFF_COURSES: Final = _text("cmd-staff-courses")
CMD_STAFF_NEW_SESSION: Final = _text("cmd-staff-new-session")
CMD_STAFF_CANCEL_SESSION: Final = _text("cmd-staff-cancel-session")
CMD_STAFF_ATTENDEES: Final = _text("cmd-staff-attendees")
CMD_STAFF_TRAINED: Final = _text("cmd-staff-trained")
TRAINING_STAFF_NO_COURSES: Final = _text("training-staff-no-courses")
TRAINING_STAFF_COURSES: Final = _text("training-staff-courses")
TRAINING_STAFF_COURSE_LINE: Final = _text("training-staff-course-line", before="\n")
TRAINING_STAFF_SESSION_LINE: Final = _text("training-staff-session-line")
TRAINING_STAFF_TRAINED_NONE: Final = _text("training-staff-trained-none")
TRAINING_STAFF_TRAINED: Final = _text("training-staff-trained")
TRAINING_STAFF_TRAINED_LINE: Final = _text("training-staff-trained-line")
TRAINING_STAFF_CANCEL_USAGE: Final = _text("training-staff-cancel-usage")
TRAINING_STAFF_ATTENDEES_USAGE: Final = _text("training-staff-attendees-usage")
TRAINING_STAFF_NOT_OPEN: Final = _text("training-staff-not-open")
TRAINING_STAFF_CANCEL_CONFIRM: Final = _text("training-staff-cancel-confirm")
BTN_TRAINING_STAFF_CANCEL: Final = _text("btn-training-staff-cancel")
TRAINING_STAFF_CANCELLED: Final = _text("training-staff-cancelled")
TRAINING_STAFF_ATTENDEES: Final = _text("training-staff-attendees")
TRAINING_STAFF_ATTENDEE: Final = _text("training-staff-attendee")
TRAINING_STAFF_ATTENDEE_OFFERED: Final = _text("training-staff-attendee-offered")
TRAINING_STAFF_CAME: Final = _text("training-staff-came")
TRAINING_STAFF_NOBODY: Final = _text("training-staff-nobody")
TRAINING_STAFF_WAITLIST: Final = _text("training-staff-waitlist", before="\n")
TRAINING_STAFF_WAITING: Final = _text("training-staff-waiting")
BTN_TRAINING_STAFF_MARK: Final = _text("btn-training-staff-mark")
BTN_TRAINING_STAFF_CAME: Final = _text("btn-training-staff-came")
TRAINING_STAFF_ATTENDEE_GONE: Final = _text("training-staff-attendee-gone")
TRAINING_STAFF_ASK_COURSE: Final = _text("training-staff-ask-course")
TRAINING_STAFF_ASK_BRANCH: Final = _text("training-staff-ask-branch")
TRAINING_STAFF_ASK_ADDRESS: Final = _text("training-staff-ask-address")
TRAINING_STAFF_ASK_START: Final = _text("training-staff-ask-start")
TRAINING_STAFF_ASK_MINUTES: Final = _text("training-staff-ask-minutes")
TRAINING_STAFF_ASK_SEATS: Final = _text("training-staff-ask-seats")
TRAINING_STAFF_ASK_TEACHER: Final = _text("training-staff-ask-teacher")
TRAINING_STAFF_ERR_START: Final = _text("training-staff-err-start")
TRAINING_STAFF_ERR_PAST: Final = _text("training-staff-err-past")
TRAINING_STAFF_ERR_NUMBER: Final = _text("training-staff-err-number")
TRAINING_STAFF_REVIEW: Final = _text("training-staff-review")
BTN_TRAINING_STAFF_SAVE: Final = _text("btn-training-staff-save")
TRAINING_STAFF_CREATED: Final = _text("training-staff-created")
TRAINING_STAFF_NEW_CANCELLED: Final = _text("training-staff-new-cancelled")
TRAINING_WEEKDAYS_SHORT: Final = _choices(
    "training-weekday-short", "mon", "tue", "wed", "thu", "fri", "sat", "sun"
)
TRAINING_WEEKDAYS: Final = _choices(
    "training-weekday", "mon", "tue", "wed", "thu", "fri", "sat", "sun"
)
TRAINING_AGE_GROUPS: Final = _choices("training-age", "under35", "35to59", "60plus")
TRAINING_FIELD_LABELS: Final = _choices("training-field-label", "name", "phone", "age_group")
TRAINING_STAFF_FIELD_LABELS: Final = _choices(
    "training-staff-field-label",
    "course",
    "branch",
    "address",
    "start",
    "minutes",
    "seats",
    "teacher",
)

# --- channels.ftl ---
CONSOLE_BANNER: Final = _text("console-banner")
CONSOLE_STAFF_MARK: Final = _text("console-staff-mark")
CONSOLE_EDITED_MARK: Final = _text("console-edited-mark", before=" ")
CONSOLE_SHARE_PHONE: Final = _text("console-share-phone", before="  ")
CONSOLE_GUEST: Final = _text("console-guest")
CONSOLE_LIBRARIAN: Final = _text("console-librarian")
TELEGRAM_SHARE_PHONE: Final = _text("telegram-share-phone")
VIBER_SENDER_NAME: Final = _text("viber-sender-name")
CONSOLE_NO_STAFF_BUTTON: Final = _text("console-no-staff-button")
CONSOLE_NO_STAFF_MESSAGE: Final = _text("console-no-staff-message")
TELEGRAM_CHAT_ID: Final = _text("telegram-chat-id")
CONTACT_KEYBOARD_HINT: Final = _text("contact-keyboard-hint")
STAFF_ONLY_BUTTONS: Final = _text("staff-only-buttons")
VIBER_SHARE_PHONE: Final = _text("viber-share-phone")
VIBER_FILE_NOT_SHOWN: Final = _text("viber-file-not-shown")


# --- reports.ftl ---
EXPORT_COLUMNS: Final = _choices(
    "export-column",
    "number",
    "registered",
    "submitted",
    "status",
    "topic",
    "body",
    "files",
    "priority",
    "confidential",
    "assisted",
    "consent",
    "repeat_of",
    "short_term",
    "due",
    "council_number",
    "council_date",
    "forwarded_to",
    "outcome",
    "answer",
    "surname",
    "given_name",
    "patronymic",
    "address",
    "phone",
    "email",
    "history",
)
EXPORT_HISTORY_COLUMNS: Final = _choices(
    "export-history",
    "number",
    "at",
    "status",
    "note",
    "actor",
)
EXPORT_SHEET_APPEALS: Final = _text("export-sheet-appeals")
EXPORT_SHEET_HISTORY: Final = _text("export-sheet-history")
EXPORT_YES: Final = _text("export-yes")
EXPORT_NO: Final = _text("export-no")


# --- privacy.ftl ---
BTN_PRIVACY: Final = _text("btn-privacy")
CMD_PRIVACY: Final = _text("cmd-privacy")
PRIVACY_INFO: Final = _text("privacy-info")
PRIVACY_CONTROLLER_UNSET: Final = _text("privacy-controller-unset")
PRIVACY_CONTROLLER_NAMED: Final = _text("privacy-controller-named")
PRIVACY_CONTROLLER_EMAIL: Final = _text("privacy-controller-email")
BTN_PRIVACY_EXPORT: Final = _text("btn-privacy-export")
BTN_PRIVACY_ERASE: Final = _text("btn-privacy-erase")
BTN_PRIVACY_WITHDRAW_APPEAL: Final = _text("btn-privacy-withdraw-appeal")
BTN_PRIVACY_WITHDRAW_QUESTION: Final = _text("btn-privacy-withdraw-question")
BTN_PRIVACY_WITHDRAW_BOOKING: Final = _text("btn-privacy-withdraw-booking")
PRIVACY_CONSENTS: Final = _text("privacy-consents")
PRIVACY_CONSENT_ITEM: Final = _text("privacy-consent-item")
PRIVACY_CONSENTS_NONE: Final = _text("privacy-consents-none")
PRIVACY_QUESTION_NOTICE: Final = _text("privacy-question-notice")
PRIVACY_EXPORT_TITLE: Final = _text("privacy-export-title")
PRIVACY_FILE_NAME: Final = _text("privacy-file-name")
PRIVACY_EXPORT_FILE: Final = _text("privacy-export-file")
PRIVACY_EXPORT_NOTHING: Final = _text("privacy-export-nothing")
PRIVACY_EXPORT_PAGE: Final = _text("privacy-export-page")
PRIVACY_SECTION_PROFILE: Final = _text("privacy-section-profile")
PRIVACY_PROFILE: Final = _text("privacy-profile")
PRIVACY_SECTION_CONSENTS: Final = _text("privacy-section-consents")
PRIVACY_EXPORT_CONSENT: Final = _text("privacy-export-consent")
PRIVACY_EXPORT_WITHDRAWN: Final = _text("privacy-export-withdrawn")
PRIVACY_SECTION_DIALOG: Final = _text("privacy-section-dialog")
PRIVACY_EXPORT_DIALOG: Final = _text("privacy-export-dialog")
PRIVACY_SECTION_QUESTIONS: Final = _text("privacy-section-questions")
PRIVACY_EXPORT_QUESTION: Final = _text("privacy-export-question")
PRIVACY_SECTION_BOOKINGS: Final = _text("privacy-section-bookings")
PRIVACY_EXPORT_TRAINEE: Final = _text("privacy-export-trainee")
PRIVACY_EXPORT_BOOKING: Final = _text("privacy-export-booking")
PRIVACY_SECTION_TICKETS: Final = _text("privacy-section-tickets")
PRIVACY_EXPORT_TICKET: Final = _text("privacy-export-ticket")
PRIVACY_EXPORT_MESSAGE_CITIZEN: Final = _text("privacy-export-message-citizen")
PRIVACY_EXPORT_MESSAGE_LIBRARIAN: Final = _text("privacy-export-message-librarian")
PRIVACY_EXPORT_FILES: Final = _text("privacy-export-files")
PRIVACY_SECTION_APPEALS: Final = _text("privacy-section-appeals")
PRIVACY_EXPORT_APPEAL: Final = _text("privacy-export-appeal")
PRIVACY_EXPORT_HISTORY: Final = _text("privacy-export-history")
PRIVACY_EXPORT_ERASED: Final = _text("privacy-export-erased")
PRIVACY_DRAFT: Final = _text("privacy-draft")
PRIVACY_ERASE_ASK: Final = _text("privacy-erase-ask")
PRIVACY_ERASE_SURE: Final = _text("privacy-erase-sure")
BTN_PRIVACY_ERASE_YES: Final = _text("btn-privacy-erase-yes")
BTN_PRIVACY_ERASE_FINAL: Final = _text("btn-privacy-erase-final")
BTN_PRIVACY_ERASE_NO: Final = _text("btn-privacy-erase-no")
PRIVACY_ERASE_CANCELLED: Final = _text("privacy-erase-cancelled")
PRIVACY_ERASED: Final = _text("privacy-erased")
PRIVACY_ERASED_NOTHING_KEPT: Final = _text("privacy-erased-nothing-kept")
PRIVACY_ERASED_KEPT: Final = _text("privacy-erased-kept")
PRIVACY_ERASED_KEPT_UNTIL: Final = _text("privacy-erased-kept-until")
PRIVACY_ERASED_KEPT_OPEN: Final = _text("privacy-erased-kept-open")
PRIVACY_ERASED_THEN: Final = _text("privacy-erased-then")
PRIVACY_WITHDRAWN_APPEAL: Final = _text("privacy-withdrawn-appeal")
PRIVACY_WITHDRAWN_QUESTION: Final = _text("privacy-withdrawn-question")
PRIVACY_WITHDRAWN_BOOKING: Final = _text("privacy-withdrawn-booking")
PRIVACY_WITHDRAWN_NONE: Final = _text("privacy-withdrawn-none")
PRIVACY_CARD_ERASED: Final = _text("privacy-card-erased")
PRIVACY_TICKET_ERASED_REPLY: Final = _text("privacy-ticket-erased-reply")
PRIVACY_BACKUP_FAILED: Final = _text("privacy-backup-failed")
PRIVACY_PURPOSES: Final = _choices("privacy-purpose", "appeal", "question", "booking")
PRIVACY_TICKET_STATUSES: Final = _choices("privacy-ticket-status", "open", "answered", "closed")
