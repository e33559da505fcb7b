-- Random de-duplication looks messages up by (sender, Random, time). A table keyed exactly so
-- makes the lookup a key range whatever the group's history; the planner would otherwise
-- search the messages table by group, whose cost grows with the history.
CREATE TABLE message_randoms (
    sdkappid     BIGINT NOT NULL,
    group_id     TEXT    NOT NULL,
    from_account TEXT    NOT NULL,
    random       BIGINT NOT NULL,
    msg_time     BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    PRIMARY KEY (sdkappid, group_id, from_account, random, msg_time, seq)
);
INSERT INTO message_randoms SELECT sdkappid, group_id, from_account, random, msg_time, seq FROM messages;
DROP INDEX messages_by_random;
