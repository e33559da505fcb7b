-- opentim schema for PostgreSQL. Every table is keyed by sdkappid first: apps never share rows.

CREATE TABLE apps (
    sdkappid   BIGINT NOT NULL PRIMARY KEY,
    secret_key TEXT    NOT NULL,
    admins     TEXT    NOT NULL,          -- JSON array of UserIDs
    created_at BIGINT NOT NULL
);

CREATE TABLE accounts (
    sdkappid   BIGINT NOT NULL,
    user_id    TEXT    NOT NULL,
    profile    TEXT    NOT NULL,          -- JSON {Nick, FaceUrl}
    created_at BIGINT NOT NULL,
    kicked_at  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (sdkappid, user_id)
);

CREATE TABLE chat_groups (
    sdkappid       BIGINT NOT NULL,
    group_id       TEXT    NOT NULL,
    group_type     TEXT    NOT NULL,
    owner          TEXT    NOT NULL,
    created_at     BIGINT NOT NULL,
    last_info_time BIGINT NOT NULL,
    last_msg_time  BIGINT NOT NULL,
    next_msg_seq   BIGINT NOT NULL,
    counted        BIGINT NOT NULL,
    reset_rank     BIGINT NOT NULL,
    member_num     BIGINT NOT NULL,
    member_serial  BIGINT NOT NULL,      -- join order of the next member
    max_member_num BIGINT NOT NULL,
    destroyed      BIGINT NOT NULL DEFAULT 0,
    profile        TEXT    NOT NULL,      -- JSON GroupProfile
    PRIMARY KEY (sdkappid, group_id)
);

CREATE TABLE members (
    sdkappid       BIGINT NOT NULL,
    group_id       TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    join_serial    BIGINT NOT NULL,
    role           TEXT    NOT NULL,
    join_time      BIGINT NOT NULL,
    unread_base    BIGINT NOT NULL,
    rank_base      BIGINT NOT NULL,
    msg_flag       TEXT    NOT NULL,
    last_send_time BIGINT NOT NULL,
    shut_up_until  BIGINT NOT NULL,
    profile        TEXT    NOT NULL,      -- JSON MemberProfile
    PRIMARY KEY (sdkappid, group_id, user_id)
);
CREATE INDEX members_by_join ON members (sdkappid, group_id, join_serial);
CREATE INDEX members_by_user ON members (sdkappid, user_id, join_time);

CREATE TABLE messages (
    sdkappid     BIGINT NOT NULL,
    group_id     TEXT    NOT NULL,
    seq          BIGINT NOT NULL,
    from_account TEXT    NOT NULL,
    random       BIGINT NOT NULL,
    msg_time     BIGINT NOT NULL,
    priority     BIGINT NOT NULL,
    counts       BIGINT NOT NULL,
    place        BIGINT NOT NULL DEFAULT 0,  -- 0 normal, 2 recalled
    payload      BYTEA   NOT NULL,            -- JSON bytes, kept exactly
    PRIMARY KEY (sdkappid, group_id, seq)
);
CREATE INDEX messages_by_random ON messages (sdkappid, group_id, random);
