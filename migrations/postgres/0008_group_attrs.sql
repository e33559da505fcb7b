-- Group custom attributes (set/modify/delete/clear_group_attr, get_group_attr): one row per
-- key of a group, at most 16. The value is kept as bytes so that any string round-trips.
CREATE TABLE group_attrs (
    sdkappid BIGINT NOT NULL,
    group_id TEXT   NOT NULL,
    name     TEXT   NOT NULL,
    value    BYTEA  NOT NULL,
    PRIMARY KEY (sdkappid, group_id, name)
);
-- Group counters (update/get/delete_group_counter): one row per key of a group, at most 20,
-- each a signed 64-bit value.
CREATE TABLE group_counters (
    sdkappid BIGINT NOT NULL,
    group_id TEXT   NOT NULL,
    name     TEXT   NOT NULL,
    value    BIGINT NOT NULL,
    PRIMARY KEY (sdkappid, group_id, name)
);
