-- ban_group_member: an account kept out of a group until a time. A row whose time has passed is
-- ignored on read (no sweeper); banning again replaces it. The second index holds the order
-- get_group_ban_member answers in (end of ban, then account), so a page is a range of it.
CREATE TABLE bans (
    sdkappid BIGINT NOT NULL,
    group_id TEXT   NOT NULL,
    user_id  TEXT   NOT NULL,
    until    BIGINT NOT NULL,
    PRIMARY KEY (sdkappid, group_id, user_id)
);
CREATE INDEX bans_by_end ON bans (sdkappid, group_id, until, user_id);

-- send_broadcast_msg: the app's broadcast seq, and the broadcasts of the last minutes, kept
-- only to answer a repeated Random with the first one's seq (older rows are pruned).
CREATE TABLE broadcast_seqs (
    sdkappid BIGINT PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
CREATE TABLE broadcasts (
    sdkappid BIGINT NOT NULL,
    msg_time BIGINT NOT NULL,
    seq      BIGINT NOT NULL,
    random   BIGINT NOT NULL,
    digest   BYTEA  NOT NULL,
    PRIMARY KEY (sdkappid, msg_time, seq)
);
CREATE INDEX broadcasts_by_random ON broadcasts (sdkappid, random, digest);
