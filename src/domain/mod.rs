//! The rules of Tencent's IM model, free of I/O: identifiers, group types, members,
//! messages, message controls, unread arithmetic.

pub mod controls;
pub mod group;
pub mod ids;
pub mod member;
pub mod message;
pub mod unread;
