-- opentim schema for SQLite. Every table is keyed by sdkappid first: apps never share rows.

CREATE TABLE apps (
    sdkappid   INTEGER NOT NULL PRIMARY KEY,
    secret_key TEXT    NOT NULL,
    admins     TEXT    NOT NULL,          -- JSON array of UserIDs
    created_at INTEGER NOT NULL
);

CREATE TABLE accounts (
    sdkappid   INTEGER NOT NULL,
    user_id    TEXT    NOT NULL,
    profile    TEXT    NOT NULL,          -- JSON {Nick, FaceUrl}
    created_at INTEGER NOT NULL,
    kicked_at  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sdkappid, user_id)
) WITHOUT ROWID;

CREATE TABLE chat_groups (
    sdkappid       INTEGER NOT NULL,
    group_id       TEXT    NOT NULL,
    group_type     TEXT    NOT NULL,
    owner          TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    last_info_time INTEGER NOT NULL,
    last_msg_time  INTEGER NOT NULL,
    next_msg_seq   INTEGER NOT NULL,
    counted        INTEGER NOT NULL,
    reset_rank     INTEGER NOT NULL,
    member_num     INTEGER NOT NULL,
    member_serial  INTEGER NOT NULL,      -- join order of the next member
    max_member_num INTEGER NOT NULL,
    destroyed      INTEGER NOT NULL DEFAULT 0,
    profile        TEXT    NOT NULL,      -- JSON GroupProfile
    PRIMARY KEY (sdkappid, group_id)
) WITHOUT ROWID;

CREATE TABLE members (
    sdkappid       INTEGER NOT NULL,
    group_id       TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    join_serial    INTEGER NOT NULL,
    role           TEXT    NOT NULL,
    join_time      INTEGER NOT NULL,
    unread_base    INTEGER NOT NULL,
    rank_base      INTEGER NOT NULL,
    msg_flag       TEXT    NOT NULL,
    last_send_time INTEGER NOT NULL,
    shut_up_until  INTEGER NOT NULL,
    profile        TEXT    NOT NULL,      -- JSON MemberProfile
    PRIMARY KEY (sdkappid, group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_by_join ON members (sdkappid, group_id, join_serial);
CREATE INDEX members_by_user ON members (sdkappid, user_id, join_time);

CREATE TABLE messages (
    sdkappid     INTEGER NOT NULL,
    group_id     TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    from_account TEXT    NOT NULL,
    random       INTEGER NOT NULL,
    msg_time     INTEGER NOT NULL,
    priority     INTEGER NOT NULL,
    counts       INTEGER NOT NULL,
    place        INTEGER NOT NULL DEFAULT 0,  -- 0 normal, 2 recalled
    payload      BLOB    NOT NULL,            -- JSON bytes, kept exactly
    PRIMARY KEY (sdkappid, group_id, seq)
) WITHOUT ROWID;
CREATE INDEX messages_by_random ON messages (sdkappid, group_id, random);
