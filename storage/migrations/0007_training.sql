-- Training: free courses at library branches, their sessions, and residents' bookings.

CREATE TABLE courses (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,    -- stable key of the CSV import, e.g. "computer-basics"
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    audience    TEXT NOT NULL,           -- who it is for
    duration    TEXT NOT NULL,           -- as said to residents: "2 години"
    bring       TEXT NOT NULL,           -- what to bring
    created_at  TEXT NOT NULL
);

CREATE TABLE course_sessions (
    id         INTEGER PRIMARY KEY,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    branch     TEXT NOT NULL,
    address    TEXT NOT NULL,
    starts_at  TEXT NOT NULL,            -- UTC
    minutes    INTEGER NOT NULL CHECK (minutes > 0),
    seats      INTEGER NOT NULL CHECK (seats > 0),
    teacher    TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
    created_at TEXT NOT NULL,
    UNIQUE (course_id, branch, starts_at)
);
CREATE INDEX course_sessions_upcoming ON course_sessions (status, starts_at);

-- A person who agreed to give their name and phone for training, and whether the bot can
-- still reach them (a resident who blocked the bot is skipped until they write again).
CREATE TABLE trainees (
    user_id        INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL,          -- E.164
    age_group      TEXT,
    consent_at     TEXT NOT NULL,
    unreachable_at TEXT
);

-- A booking holds a seat while 'booked' or 'offered' (a freed seat offered to the first in
-- line, until offer_until); 'waiting' is the waitlist, in id order.
CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES course_sessions (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,
    age_group     TEXT,
    status        TEXT NOT NULL CHECK (status IN (
                      'booked', 'offered', 'waiting', 'cancelled', 'declined', 'expired',
                      'session_cancelled')),
    offer_until   TEXT,
    booked_at     TEXT,                   -- when it got its seat
    confirmed_at  TEXT,                   -- «Буду» under a reminder
    reminded_day  TEXT,                   -- the day-before reminder was queued (or not needed)
    reminded_soon TEXT,                   -- the hours-before reminder was queued (or not needed)
    attended      INTEGER,                -- NULL not marked, 1 came
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
-- One person, one place (seat or waitlist) per session.
CREATE UNIQUE INDEX bookings_one_per_person
    ON bookings (session_id, user_id) WHERE status IN ('booked', 'offered', 'waiting');
CREATE INDEX bookings_by_session ON bookings (session_id, status, id);
CREATE INDEX bookings_by_user ON bookings (user_id, status);
CREATE INDEX bookings_reminders ON bookings (status, reminded_soon, reminded_day);

-- Capacity is the database's rule: no insert or change may make more seat holders than
-- seats, whatever the code above does. Statements on one connection run one at a time,
-- so the count seen here is the count at this statement.
CREATE TRIGGER bookings_capacity_insert
BEFORE INSERT ON bookings
WHEN NEW.status IN ('booked', 'offered')
BEGIN
    SELECT RAISE(ABORT, 'session full')
    WHERE (SELECT COUNT(*) FROM bookings
           WHERE session_id = NEW.session_id AND status IN ('booked', 'offered'))
       >= (SELECT seats FROM course_sessions WHERE id = NEW.session_id);
END;

CREATE TRIGGER bookings_capacity_update
BEFORE UPDATE OF status, session_id ON bookings
WHEN NEW.status IN ('booked', 'offered')
 AND (OLD.status NOT IN ('booked', 'offered') OR OLD.session_id != NEW.session_id)
BEGIN
    SELECT RAISE(ABORT, 'session full')
    WHERE (SELECT COUNT(*) FROM bookings
           WHERE session_id = NEW.session_id AND status IN ('booked', 'offered'))
       >= (SELECT seats FROM course_sessions WHERE id = NEW.session_id);
END;

CREATE TRIGGER course_sessions_seats
BEFORE UPDATE OF seats ON course_sessions
BEGIN
    SELECT RAISE(ABORT, 'fewer seats than bookings')
    WHERE (SELECT COUNT(*) FROM bookings
           WHERE session_id = NEW.id AND status IN ('booked', 'offered')) > NEW.seats;
END;
