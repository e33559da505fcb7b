-- ban_group_member: an account kept out of a group until a time. A row whose time has passed is
-- ignored on read (no sweeper); banning again replaces it. The second index holds the order
-- get_group_ban_member answers in (end of ban, then account), so a page is a range of it.
CREATE TABLE bans (
    sdkappid INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    until    INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX bans_by_end ON bans (sdkappid, group_id, until, user_id);

-- send_broadcast_msg: the app's broadcast seq, and the broadcasts of the last minutes, kept
-- only to answer a repeated Random with the first one's seq (older rows are pruned).
CREATE TABLE broadcast_seqs (
    sdkappid INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);
CREATE TABLE broadcasts (
    sdkappid INTEGER NOT NULL,
    msg_time INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    random   INTEGER NOT NULL,
    digest   BLOB    NOT NULL,
    PRIMARY KEY (sdkappid, msg_time, seq)
) WITHOUT ROWID;
CREATE INDEX broadcasts_by_random ON broadcasts (sdkappid, random, digest);
