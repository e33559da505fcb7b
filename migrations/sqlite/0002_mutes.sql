-- Mutes outlive membership: a member muted, removed and re-added is still muted.
CREATE TABLE mutes (
    sdkappid INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    until    INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX messages_by_sender ON messages (sdkappid, group_id, from_account);
