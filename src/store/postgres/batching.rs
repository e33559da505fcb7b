//! What the PostgreSQL batchers share: taking the calls waiting at the moment as one batch in
//! which no key (a member, a conversation) appears twice.

use std::collections::{HashSet, VecDeque};

use tokio::sync::mpsc;

/// Calls waiting for a batcher, and those held back for a later batch.
pub struct Queue<C> {
    calls: mpsc::Receiver<C>,
    deferred: VecDeque<C>,
}

impl<C> Queue<C> {
    pub fn new(calls: mpsc::Receiver<C>) -> Queue<C> {
        Queue {
            calls,
            deferred: VecDeque::new(),
        }
    }

    /// Waits for a call, then takes every call already queued behind it, up to `max`, whose
    /// `key` is not in the batch yet (a key's second call waits for the next batch, in its
    /// order). None when the senders are gone.
    pub async fn next_batch(&mut self, max: usize, key: impl Fn(&C) -> u64) -> Option<Vec<C>> {
        let first = match self.deferred.pop_front() {
            Some(call) => call,
            None => self.calls.recv().await?,
        };
        let mut keys = HashSet::from([key(&first)]);
        let mut batch = vec![first];
        let mut waiting = std::mem::take(&mut self.deferred);
        while batch.len() < max {
            let Some(call) = waiting.pop_front().or_else(|| self.calls.try_recv().ok()) else {
                break;
            };
            if keys.insert(key(&call)) {
                batch.push(call);
            } else {
                self.deferred.push_back(call);
            }
        }
        // Calls taken from `waiting` but not needed stay first in line, in their order.
        self.deferred.extend(waiting);
        Some(batch)
    }
}
