//! Accounts known to exist. Most commands first check that their accounts were imported; an
//! imported account exists until `account_delete` removes it through this server, so a "yes"
//! can be remembered and the check answered without a database read.

use std::hash::Hash;
use std::sync::Mutex;

use quick_cache::Equivalent;
use quick_cache::sync::Cache;

/// Accounts remembered (the least recently used are forgotten first): a community of 100,000
/// members fits, so its sends do not go back to the database to check their senders; ~20 MB
/// when full.
const CAPACITY: usize = 262_144;

/// A lookup key borrowing the UserID; hashes like the stored `(u64, String)`.
#[derive(Hash)]
struct Lookup<'a>(u64, &'a str);

impl Equivalent<(u64, String)> for Lookup<'_> {
    fn equivalent(&self, key: &(u64, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

pub struct KnownAccounts {
    known: Cache<(u64, String), ()>,
    /// Counts deletions begun. A read that saw an account remembers it only when no deletion
    /// began meanwhile, checked and inserted under this lock, so a deletion's answer is never
    /// undone by a read that raced it.
    deletions: Mutex<u64>,
}

impl Default for KnownAccounts {
    fn default() -> Self {
        KnownAccounts {
            known: Cache::new(CAPACITY),
            deletions: Mutex::new(0),
        }
    }
}

impl KnownAccounts {
    /// True when `id` is known to exist.
    pub fn is_known(&self, app: u64, id: &str) -> bool {
        self.known.get(&Lookup(app, id)).is_some()
    }

    /// Taken before a read whose positive answers [`KnownAccounts::remember`] will keep.
    pub fn generation(&self) -> u64 {
        self.deletions.lock().map_or(u64::MAX, |d| *d)
    }

    /// Remembers accounts a read found, unless a deletion began since `generation`.
    pub fn remember<'a>(&self, generation: u64, app: u64, ids: impl Iterator<Item = &'a String>) {
        let Ok(deletions) = self.deletions.lock() else {
            return;
        };
        if *deletions == generation {
            for id in ids {
                self.known.insert((app, id.clone()), ());
            }
        }
    }

    /// Called before deleting accounts: reads in flight will not remember what they saw.
    pub fn begin_delete(&self) {
        if let Ok(mut d) = self.deletions.lock() {
            *d = d.wrapping_add(1);
        }
    }

    /// Called after deleting accounts (committed or not).
    pub fn forget(&self, app: u64, ids: &[String]) {
        for id in ids {
            self.known.remove(&Lookup(app, id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    impl KnownAccounts {
        fn all_known(&self, app: u64, ids: &[String]) -> bool {
            ids.iter().all(|id| self.is_known(app, id))
        }
    }

    #[test]
    fn remembers_what_a_read_found() {
        let k = KnownAccounts::default();
        assert!(!k.all_known(1, &ids(&["a"])));
        let g = k.generation();
        k.remember(g, 1, ids(&["a", "b"]).iter());
        assert!(k.all_known(1, &ids(&["a", "b"])));
        assert!(!k.all_known(1, &ids(&["a", "c"])));
        assert!(!k.all_known(2, &ids(&["a"])), "apps never share accounts");
    }

    #[test]
    fn a_read_racing_a_deletion_is_not_remembered() {
        let k = KnownAccounts::default();
        let g = k.generation();
        k.begin_delete();
        k.forget(1, &ids(&["a"]));
        k.remember(g, 1, ids(&["a"]).iter());
        assert!(!k.all_known(1, &ids(&["a"])));
    }

    #[test]
    fn deletion_forgets() {
        let k = KnownAccounts::default();
        k.remember(k.generation(), 1, ids(&["a", "b"]).iter());
        k.begin_delete();
        k.forget(1, &ids(&["a"]));
        assert!(!k.all_known(1, &ids(&["a"])));
        assert!(k.all_known(1, &ids(&["b"])));
    }
}
