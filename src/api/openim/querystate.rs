//! `v4/openim/querystate` — the old name of `query_online_status` (CT 269/2566, older page),
//! served by the same handler.

pub use super::query_online_status::{Request, Response, handle};
