-- The relationship chain. A friendship is one row per direction (owner → friend): Tencent's
-- friendships are one-way records, a two-way friendship is two of them. `serial` orders an
-- owner's friends as they were added, so friend_get pages by key whatever the list's length.
CREATE TABLE friends (
    sdkappid    INTEGER NOT NULL,
    owner       TEXT    NOT NULL,
    friend      TEXT    NOT NULL,
    serial      INTEGER NOT NULL,
    add_time    INTEGER NOT NULL,
    add_source  TEXT    NOT NULL,
    add_wording TEXT    NOT NULL DEFAULT '',
    remark      TEXT    NOT NULL DEFAULT '',
    remark_time INTEGER NOT NULL DEFAULT 0,
    groups      TEXT    NOT NULL DEFAULT '[]',   -- JSON array of friend-list names
    custom      TEXT    NOT NULL DEFAULT '{}',   -- JSON object: Tag_SNS_Custom_* → value
    PRIMARY KEY (sdkappid, owner, friend)
) WITHOUT ROWID;
CREATE UNIQUE INDEX friends_by_serial ON friends (sdkappid, owner, serial);
-- Who has an account as a friend: account_delete removes both directions.
CREATE INDEX friends_by_friend ON friends (sdkappid, friend);

-- Per owner: the next serial, the friend count, and the sequences friend_get answers with
-- (they change whenever the standard or the custom friend data changes).
CREATE TABLE sns_owners (
    sdkappid     INTEGER NOT NULL,
    owner        TEXT    NOT NULL,
    next_serial  INTEGER NOT NULL,
    friend_num   INTEGER NOT NULL,
    standard_seq INTEGER NOT NULL,
    custom_seq   INTEGER NOT NULL,
    black_serial INTEGER NOT NULL DEFAULT 1,   -- the next blocklist serial
    black_num    INTEGER NOT NULL DEFAULT 0,
    black_seq    INTEGER NOT NULL DEFAULT 0,   -- changes with the blocklist
    list_seq     INTEGER NOT NULL DEFAULT 0,   -- changes with the friend lists
    PRIMARY KEY (sdkappid, owner)
) WITHOUT ROWID;

-- Blocklists: one row per blocked account, in the order they were added (black_list_get pages
-- by that order).
CREATE TABLE blocklist (
    sdkappid INTEGER NOT NULL,
    owner    TEXT    NOT NULL,
    blocked  TEXT    NOT NULL,
    serial   INTEGER NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, owner, blocked)
) WITHOUT ROWID;
CREATE UNIQUE INDEX blocklist_by_serial ON blocklist (sdkappid, owner, serial);
CREATE INDEX blocklist_by_blocked ON blocklist (sdkappid, blocked);

-- Friend lists ("groups" in Tencent's sns commands): their names per owner. A friend's lists
-- are in its `friends.groups`; a name used there is a list here too.
CREATE TABLE friend_lists (
    sdkappid INTEGER NOT NULL,
    owner    TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    PRIMARY KEY (sdkappid, owner, name)
) WITHOUT ROWID;
