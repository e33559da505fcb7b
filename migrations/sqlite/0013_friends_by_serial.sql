-- Friends keyed by the order they were added, and found by (friend, owner): two B-trees a
-- friendship instead of three. The one index answers both "is B a friend of A" and "who has B
-- as a friend" (account_delete), and an owner's rows are appended at the end of its key range,
-- as friend_import and friend_get walk them.
CREATE TABLE friends_rekeyed (
    sdkappid    INTEGER NOT NULL,
    owner       TEXT    NOT NULL,
    friend      TEXT    NOT NULL,
    serial      INTEGER NOT NULL,
    add_time    INTEGER NOT NULL,
    add_source  TEXT    NOT NULL,
    add_wording TEXT    NOT NULL DEFAULT '',
    remark      TEXT    NOT NULL DEFAULT '',
    remark_time INTEGER NOT NULL DEFAULT 0,
    groups      TEXT    NOT NULL DEFAULT '[]',
    custom      TEXT    NOT NULL DEFAULT '{}',
    PRIMARY KEY (sdkappid, owner, serial)
) WITHOUT ROWID;
INSERT INTO friends_rekeyed
    SELECT sdkappid, owner, friend, serial, add_time, add_source, add_wording, remark,
           remark_time, groups, custom
    FROM friends;
DROP TABLE friends;
ALTER TABLE friends_rekeyed RENAME TO friends;
CREATE UNIQUE INDEX friends_by_friend ON friends (sdkappid, friend, owner);
