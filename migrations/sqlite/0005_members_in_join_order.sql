-- Members are stored in join order: a member page (get_group_member_info) reads consecutive
-- rows instead of one index lookup per member. A member found by account goes through the
-- unique index on (sdkappid, group_id, user_id).
CREATE TABLE members_in_join_order (
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
    PRIMARY KEY (sdkappid, group_id, join_serial)
) WITHOUT ROWID;
INSERT INTO members_in_join_order SELECT sdkappid, group_id, user_id, join_serial, role, join_time,
    unread_base, rank_base, msg_flag, last_send_time, shut_up_until, profile FROM members;
DROP TABLE members;
ALTER TABLE members_in_join_order RENAME TO members;
CREATE UNIQUE INDEX members_by_account ON members (sdkappid, group_id, user_id);
CREATE INDEX members_by_user ON members (sdkappid, user_id, join_time);
