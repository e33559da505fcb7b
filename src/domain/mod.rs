//! The rules of Tencent's IM model, free of I/O: identifiers, group types, messages, unread arithmetic.

pub mod group;
pub mod ids;
pub mod message;
pub mod unread;
