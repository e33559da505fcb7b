-- Community topics. A topic is its own seq space: its messages live in `messages` (and
-- `message_randoms`) under the topic id in `group_id` (topic ids start with their GroupId, so
-- they never clash with a group's), its mutes in `mutes` likewise; its counters are here.
-- Destroyed topics keep their row: their ids stay taken.
CREATE TABLE topics (
    sdkappid      INTEGER NOT NULL,
    group_id      TEXT    NOT NULL,
    topic_id      TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_msg_time INTEGER NOT NULL,
    next_msg_seq  INTEGER NOT NULL,
    counted       INTEGER NOT NULL,
    reset_rank    INTEGER NOT NULL,
    destroyed     INTEGER NOT NULL DEFAULT 0,
    profile       TEXT    NOT NULL,      -- JSON TopicProfile
    PRIMARY KEY (sdkappid, group_id, topic_id)
) WITHOUT ROWID;

-- Sparse read marks of members in topics: a row only once a member's mark in a topic moves
-- (it sends there). `join_serial` is the membership the mark belongs to: a member who left
-- and came back has a new serial, and the old mark counts as none.
CREATE TABLE topic_reads (
    sdkappid    INTEGER NOT NULL,
    group_id    TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    topic_id    TEXT    NOT NULL,
    join_serial INTEGER NOT NULL,
    unread_base INTEGER NOT NULL,
    rank_base   INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, group_id, user_id, topic_id)
) WITHOUT ROWID;
