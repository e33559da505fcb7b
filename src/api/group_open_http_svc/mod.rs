//! `v4/group_open_http_svc/*`: the group system.
