//! `v4/profile/*`: account profiles — the standard `Tag_Profile_IM_*` tags and the app's
//! declared `Tag_Profile_Custom_*` ones (rules in `crate::domain::profile`).

pub mod portrait_get;
pub mod portrait_set;
