-- Friendships are found only through their owner: "who has B as a friend" is no longer an
-- index, so a friend_import writes next to its owner's rows instead of into a hundred friends'
-- parts of a (friend, owner) index. account_delete and friend_delete_all of both sides record
-- a wipe of the account instead; each owner's list drops the wiped accounts the next time it
-- is touched (`wipes_applied`: the last wipe its list is clean of). See docs/performance.md.
DROP INDEX friends_by_friend;
CREATE UNIQUE INDEX friends_by_owner ON friends (sdkappid, owner, friend);

-- Per app, the number of the last wipe (a row from the app's first wipe).
CREATE TABLE friend_epochs (
    sdkappid INTEGER NOT NULL PRIMARY KEY,
    seq      INTEGER NOT NULL
);

-- Each wipe: every friendship with `account` that existed when it was made is gone.
CREATE TABLE friend_wipes (
    sdkappid INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    account  TEXT    NOT NULL,
    PRIMARY KEY (sdkappid, seq)
) WITHOUT ROWID;
CREATE INDEX friend_wipes_by_account ON friend_wipes (sdkappid, account, seq);

ALTER TABLE sns_owners ADD COLUMN wipes_applied INTEGER NOT NULL DEFAULT 0;
