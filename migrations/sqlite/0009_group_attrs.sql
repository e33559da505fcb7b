-- Group custom attributes (set/modify/delete/clear_group_attr, get_group_attr): one row per
-- key of a group, at most 16. The value is kept as bytes so that any string round-trips.
CREATE TABLE group_attrs (
    sdkappid INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    value    BLOB    NOT NULL,
    PRIMARY KEY (sdkappid, group_id, name)
) WITHOUT ROWID;
-- Group counters (update/get/delete_group_counter): one row per key of a group, at most 20,
-- each a signed 64-bit value.
CREATE TABLE group_counters (
    sdkappid INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    value    INTEGER NOT NULL,
    PRIMARY KEY (sdkappid, group_id, name)
) WITHOUT ROWID;
