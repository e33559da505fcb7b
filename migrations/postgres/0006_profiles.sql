-- Profiles: one row per account and tag, the value as JSON (a string or a number), so a tag
-- keeps its type. account_import's Nick and FaceUrl are the tags Tag_Profile_IM_Nick and
-- Tag_Profile_IM_Image; the ones imported before are copied here.
CREATE TABLE profiles (
    sdkappid BIGINT NOT NULL,
    user_id  TEXT   NOT NULL,
    tag      TEXT   NOT NULL,
    value    TEXT   NOT NULL,
    PRIMARY KEY (sdkappid, user_id, tag)
);
INSERT INTO profiles SELECT sdkappid, user_id, 'Tag_Profile_IM_Nick', to_json(profile::json->>'Nick')::text
    FROM accounts WHERE profile::json->>'Nick' IS NOT NULL;
INSERT INTO profiles SELECT sdkappid, user_id, 'Tag_Profile_IM_Image', to_json(profile::json->>'FaceUrl')::text
    FROM accounts WHERE profile::json->>'FaceUrl' IS NOT NULL;
