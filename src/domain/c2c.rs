//! One-to-one (C2C) messages: their key, the import and send options that decide how a message
//! is counted and shown, and the unread arithmetic of a conversation.

use std::fmt;

/// Longest `MsgLifeTime` Tencent keeps a message offline: 7 days. Larger values are capped.
pub const MAX_MSG_LIFE_TIME: i64 = 604_800;
/// Most recipients of one `batchsendmsg`.
pub const MAX_BATCH_RECIPIENTS: usize = 500;
/// Most conversations an account's recent-contact list keeps (Tencent's usage limits: 100 per
/// ordinary user); older ones drop out of `recentcontact/get_list`.
pub const MAX_RECENT_CONTACTS: usize = 100;

/// What identifies a C2C message inside its conversation, and orders it there: time, then
/// `MsgSeq` (then `MsgRandom`). Written `{MsgSeq}_{MsgRandom}_{MsgTime}` as its `MsgKey`, the
/// form of every key in Tencent's samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MsgKey {
    pub time: i64,
    pub seq: u32,
    pub random: u32,
}

impl MsgKey {
    /// Parses a `MsgKey`; None when it is not one opentim (or Tencent's samples) made.
    pub fn parse(s: &str) -> Option<MsgKey> {
        let mut parts = s.split('_');
        let seq = parts.next()?.parse().ok()?;
        let random = parts.next()?.parse().ok()?;
        let time = parts.next()?.parse().ok()?;
        if parts.next().is_some() || s.len() > 50 {
            return None;
        }
        Some(MsgKey { time, seq, random })
    }
}

impl fmt::Display for MsgKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}_{}", self.seq, self.random, self.time)
    }
}

/// The two accounts of a conversation in one order, whichever sent: how messages are keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair<'a> {
    pub lo: &'a str,
    pub hi: &'a str,
}

impl<'a> Pair<'a> {
    pub fn new(a: &'a str, b: &'a str) -> Pair<'a> {
        if a <= b {
            Pair { lo: a, hi: b }
        } else {
            Pair { lo: b, hi: a }
        }
    }
}

/// `importmsg`'s `SyncFromOldSystem`: whether an imported message counts as unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// 2: history, not counted.
    History,
    /// 5 (and 1, its value on older pages and SDKs): real time, counted.
    RealTime,
}

impl ImportKind {
    pub fn parse(v: i64) -> Option<ImportKind> {
        match v {
            2 => Some(ImportKind::History),
            1 | 5 => Some(ImportKind::RealTime),
            _ => None,
        }
    }
}

/// A message's unread effect on its recipient's conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConversationCounters {
    /// Received messages that count as unread.
    pub counted: i64,
    /// Of those, how many are read.
    pub read_count: i64,
    /// Every message up to this time is read.
    pub read_time: i64,
    /// The newest counted message's time.
    pub newest_counted_time: i64,
}

impl ConversationCounters {
    pub fn unread(&self) -> i64 {
        self.counted - self.read_count
    }

    /// After receiving a counted message at `time`: read already when it is not newer than the
    /// read mark (a late real-time import), unread otherwise. Returns the unread change.
    pub fn receive(&mut self, time: i64) -> i64 {
        self.counted += 1;
        self.newest_counted_time = self.newest_counted_time.max(time);
        if time <= self.read_time {
            self.read_count += 1;
            0
        } else {
            1
        }
    }

    /// Whether moving the read mark to `time` needs the count of messages between the marks
    /// (else [`ConversationCounters::read_up_to`] is given 0 and knows the answer).
    pub fn needs_count(&self, time: i64) -> bool {
        time > self.read_time && time < self.newest_counted_time
    }

    /// Moves the read mark forward to `time` (never back), `newly_read` being the counted
    /// messages with a time in (read_time, time] when [`needs_count`](Self::needs_count) said
    /// so. Returns how many became read.
    pub fn read_up_to(&mut self, time: i64, newly_read: i64) -> i64 {
        if time <= self.read_time {
            return 0;
        }
        let read = if time >= self.newest_counted_time {
            self.unread()
        } else {
            newly_read
        };
        self.read_count += read;
        self.read_time = time;
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg_key_round_trips_and_refuses_other_forms() {
        let key = MsgKey {
            time: 1584669680,
            seq: 549396494,
            random: 2578554,
        };
        assert_eq!(key.to_string(), "549396494_2578554_1584669680");
        assert_eq!(MsgKey::parse("549396494_2578554_1584669680"), Some(key));
        for bad in [
            "",
            "1_2",
            "1_2_3_4",
            "a_2_3",
            "-1_2_3",
            "1_4294967296_3",
            "1__3",
        ] {
            assert_eq!(MsgKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_pair_is_the_same_either_way() {
        assert_eq!(Pair::new("b", "a"), Pair::new("a", "b"));
        assert_eq!(Pair::new("b", "a").lo, "a");
    }

    #[test]
    fn sync_from_old_system_accepts_the_old_real_time_value() {
        assert_eq!(ImportKind::parse(1), Some(ImportKind::RealTime));
        assert_eq!(ImportKind::parse(5), Some(ImportKind::RealTime));
        assert_eq!(ImportKind::parse(2), Some(ImportKind::History));
        assert_eq!(ImportKind::parse(3), None);
    }

    #[test]
    fn late_messages_arrive_read_and_the_mark_never_goes_back() {
        let mut c = ConversationCounters::default();
        assert_eq!(c.receive(10), 1);
        assert_eq!(c.receive(20), 1);
        assert!(c.needs_count(15));
        assert_eq!(c.read_up_to(15, 1), 1);
        assert_eq!(c.unread(), 1);
        assert_eq!(c.receive(12), 0, "older than the mark: read on arrival");
        assert_eq!(c.read_up_to(5, 0), 0);
        assert!(!c.needs_count(30));
        assert_eq!(c.read_up_to(30, 0), 1);
        assert_eq!(c.unread(), 0);
    }
}
