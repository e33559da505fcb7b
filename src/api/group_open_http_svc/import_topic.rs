//! `v4/group_open_http_svc/import_topic` — import_topic under the service name of the older
//! documentation (trtc.io/zh/document/53448, doocs' SDK); the same command as
//! `v4/million_group_open_http_svc/import_topic`.

pub use crate::api::million_group_open_http_svc::import_topic::{Request, Response, handle};
