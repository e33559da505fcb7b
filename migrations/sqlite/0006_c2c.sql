-- One-to-one messages and conversations.
--
-- A C2C message is keyed by its conversation (the two accounts in sorted order, so either
-- direction finds it) and by Tencent's order inside it: time, then MsgSeq, then Random. The
-- three together identify a message (they make its MsgKey), which is also importmsg's
-- de-duplication rule.
CREATE TABLE c2c_messages (
    sdkappid          INTEGER NOT NULL,
    user_lo           TEXT    NOT NULL,
    user_hi           TEXT    NOT NULL,
    msg_time          INTEGER NOT NULL,
    msg_seq           INTEGER NOT NULL,
    random            INTEGER NOT NULL,
    from_lo           INTEGER NOT NULL,   -- 1 when user_lo sent it
    counts            INTEGER NOT NULL,   -- counts toward the recipient's unread
    sender_keeps      INTEGER NOT NULL,   -- 0: SyncOtherMachine 2, not in the sender's history
    recalled          INTEGER NOT NULL DEFAULT 0,
    sent              INTEGER NOT NULL DEFAULT 0,   -- 1: sent (sendmsg, batchsendmsg), 0: imported
    msg_body          BLOB    NOT NULL,   -- the MsgBody array, JSON bytes kept exactly
    cloud_custom_data TEXT,
    PRIMARY KEY (sdkappid, user_lo, user_hi, msg_time, msg_seq, random)
) WITHOUT ROWID;

-- sendmsg's repeat check (same sender, recipient and MsgRandom within 5 minutes) as a key
-- lookup: by time alone it would read every message of a busy conversation's last 5 minutes.
-- Sent messages only: imports (a migration's bulk) have their own rule, the primary key.
CREATE INDEX c2c_messages_by_random ON c2c_messages (sdkappid, user_lo, user_hi, random, from_lo,
    msg_time, sent) WHERE sent = 1;

-- One row per account and conversation it takes part in. Unread counts are derived from
-- counters here (received messages that count, and how many of them are read), never by
-- counting history. A group conversation has a row only once its owner deleted it.
CREATE TABLE conversations (
    sdkappid            INTEGER NOT NULL,
    owner               TEXT    NOT NULL,
    kind                INTEGER NOT NULL,   -- 1 one-to-one, 2 group
    peer                TEXT    NOT NULL,   -- the other account, or the group id
    listed              INTEGER NOT NULL,   -- shown by recentcontact/get_list
    last_time           INTEGER NOT NULL,   -- the last message that updated the conversation
    newest_time         INTEGER NOT NULL,   -- the newest message the owner can see
    counted             INTEGER NOT NULL,   -- received messages that count as unread
    read_count          INTEGER NOT NULL,   -- of those, how many are read
    read_time           INTEGER NOT NULL,   -- messages up to this time are read
    newest_counted_time INTEGER NOT NULL,
    -- ClearRamble: the owner no longer sees messages up to this key (time, MsgSeq, MsgRandom);
    -- in a group conversation's row, cleared_seq is the group seq the owner deleted it at.
    cleared_time        INTEGER NOT NULL,
    cleared_seq         INTEGER NOT NULL DEFAULT 0,
    cleared_random      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sdkappid, owner, kind, peer)
) WITHOUT ROWID;
-- The list's order: newest first, ties by peer, read straight from the index.
CREATE INDEX conversations_by_time ON conversations (sdkappid, owner, listed, last_time DESC, peer);

-- Each account's one-to-one unread total, kept with every change to a conversation's counters.
CREATE TABLE c2c_unread_totals (
    sdkappid INTEGER NOT NULL,
    user_id  TEXT    NOT NULL,
    unread   INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, user_id)
) WITHOUT ROWID;

-- The time and seq of the group's last message that updates its members' conversations (a
-- send without NoLastMsg, an import with RecentContactFlag 1); 0 while there is none.
ALTER TABLE chat_groups ADD COLUMN contact_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_groups ADD COLUMN contact_seq  INTEGER NOT NULL DEFAULT 0;
