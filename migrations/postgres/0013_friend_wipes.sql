-- Friendships are found only through their owner (the primary key): "who has B as a friend"
-- is no longer an index. account_delete and friend_delete_all of both sides record a wipe of
-- the account instead; each owner's list drops the wiped accounts the next time it is touched
-- (`wipes_applied`: the last wipe its list is clean of). See docs/performance.md.
DROP INDEX friends_by_friend;

-- Per app, the number of the last wipe (friend writes and wipes are ordered by an advisory
-- lock of the app: src/store/sql/friend_wipes.rs).
CREATE TABLE friend_epochs (
    sdkappid BIGINT NOT NULL PRIMARY KEY,
    seq      BIGINT NOT NULL
);

-- Each wipe: every friendship with `account` that existed when it was made is gone.
CREATE TABLE friend_wipes (
    sdkappid BIGINT NOT NULL,
    seq      BIGINT NOT NULL,
    account  TEXT   NOT NULL,
    PRIMARY KEY (sdkappid, seq)
);
CREATE INDEX friend_wipes_by_account ON friend_wipes (sdkappid, account, seq);

ALTER TABLE sns_owners ADD COLUMN wipes_applied BIGINT NOT NULL DEFAULT 0;
