-- Live topics only, in creation order: create_topic's count of a Community's live topics (the
-- 1,000 cap) and get_topic's list read these entries, never the destroyed topics' rows.
CREATE INDEX topics_live ON topics (sdkappid, group_id, created_at, topic_id) WHERE destroyed = 0;
