//! The rules of Tencent's IM model, free of I/O: identifiers, group types, members, messages,
//! message controls, who may send, unread arithmetic (and its SQL forms), and why a rule
//! refuses a change.

pub mod appinfo;
pub mod c2c;
pub mod controls;
pub mod friend;
pub mod group;
pub mod group_attr;
pub mod ids;
pub mod member;
pub mod message;
pub mod nospeaking;
pub mod profile;
pub mod receipt;
pub mod refusal;
pub mod sending;
pub mod topic;
pub mod unread;
