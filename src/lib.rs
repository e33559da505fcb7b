//! opentim: a server that speaks Tencent Cloud IM's server REST API.

pub mod api;
pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod domain;
pub mod envelope;
pub mod error;
pub mod ratelimit;
pub mod state;
pub mod store;
pub mod usersig;
