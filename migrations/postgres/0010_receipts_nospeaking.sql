-- clear_group_msg, group read receipts and global mute (openconfigsvr).

-- clear_group_msg marks history, it deletes nothing: `cleared_seq` is the newest seq cleared;
-- unread counts only the messages after it.
ALTER TABLE chat_groups ADD COLUMN cleared_seq BIGINT NOT NULL DEFAULT 0;

-- A message sent with NeedReadReceipt: 1 to a group that keeps receipts. `audience` is how many
-- members could read it when it was sent (the sender left out), `member_serial` the join order
-- of the next member then: the unread list is the members who joined before it.
CREATE TABLE receipt_messages (
    sdkappid      BIGINT  NOT NULL,
    group_id      TEXT    NOT NULL,
    seq           BIGINT  NOT NULL,
    from_account  TEXT    NOT NULL,
    audience      BIGINT  NOT NULL,
    member_serial BIGINT  NOT NULL,
    PRIMARY KEY (sdkappid, group_id, seq)
);

-- One row per member who reported reading a receipt message (group_msg_receipt).
CREATE TABLE receipts (
    sdkappid BIGINT  NOT NULL,
    group_id TEXT    NOT NULL,
    seq      BIGINT  NOT NULL,
    reader   TEXT    NOT NULL,
    PRIMARY KEY (sdkappid, group_id, seq, reader)
);

-- Global mutes (setnospeaking): the time each mute ends (0 none, 9223372036854775807 never).
CREATE TABLE nospeaking (
    sdkappid    BIGINT  NOT NULL,
    user_id     TEXT    NOT NULL,
    c2c_until   BIGINT  NOT NULL,
    group_until BIGINT  NOT NULL,
    PRIMARY KEY (sdkappid, user_id)
);
