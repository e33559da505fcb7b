//! Black-box tests: the real server on port 0, called over HTTP with signed requests,
//! on SQLite always and on PostgreSQL when OPENTIM_TEST_DATABASE_URL is set.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod administration;
mod blocklist;
mod c2c;
mod c2c_batch_blocks;
mod c2c_behaviour;
mod c2c_input;
mod c2c_model;
mod catalogue;
mod clear_group_msg;
mod community_life;
mod concurrency;
mod conversations;
mod docs;
mod framing;
mod friend_import_batches;
mod friend_lists;
mod friend_wipes;
mod friends;
mod group_attrs;
mod group_av;
mod group_bans;
mod group_counters;
mod group_reads;
mod group_recall;
mod group_receipts;
mod groups;
mod hardening;
mod migration;
mod openconfig;
mod profiles;
mod quirks_defaults;
mod quirks_defaults_social;
mod quirks_names;
mod quirks_repeats;
mod tls;
mod topics;
mod topics_limits;
mod topics_messages;
mod topics_mutes;
mod unread_model;
