//! `v4/group_open_attr_http_svc/*`: the service Tencent reads group custom attributes from
//! (the writes are in `group_open_http_svc`). Its errors are the group family's.

pub mod get_group_attr;
