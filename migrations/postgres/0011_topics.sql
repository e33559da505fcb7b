-- Community topics. A topic is its own seq space: its messages live in `messages` (and
-- `message_randoms`) under the topic id in `group_id` (topic ids start with their GroupId, so
-- they never clash with a group's), its mutes in `mutes` likewise; its counters are here.
-- Destroyed topics keep their row: their ids stay taken.
CREATE TABLE topics (
    sdkappid      BIGINT  NOT NULL,
    group_id      TEXT    NOT NULL,
    topic_id      TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    last_msg_time BIGINT  NOT NULL,
    next_msg_seq  BIGINT  NOT NULL,
    counted       BIGINT  NOT NULL,
    reset_rank    BIGINT  NOT NULL,
    destroyed     BIGINT  NOT NULL DEFAULT 0,
    profile       TEXT    NOT NULL,      -- JSON TopicProfile
    PRIMARY KEY (sdkappid, group_id, topic_id)
);

-- Sparse read marks of members in topics: a row only once a member's mark in a topic moves
-- (it sends there). `join_serial` is the membership the mark belongs to: a member who left
-- and came back has a new serial, and the old mark counts as none.
CREATE TABLE topic_reads (
    sdkappid    BIGINT  NOT NULL,
    group_id    TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    topic_id    TEXT    NOT NULL,
    join_serial BIGINT  NOT NULL,
    unread_base BIGINT  NOT NULL,
    rank_base   BIGINT  NOT NULL,
    PRIMARY KEY (sdkappid, group_id, user_id, topic_id)
);
