//! The state every request shares: settings, the apps served (reloadable), store, clock,
//! authenticator and rate limiters. No global state: tests run many servers in one process.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::auth::Authenticator;
use crate::clock::SharedClock;
use crate::config::{AppConfig, Settings};
use crate::ratelimit::RateLimiters;
use crate::store::SharedStore;

/// Everything a request needs, shared by all connections.
pub struct AppState {
    pub settings: Settings,
    /// The apps served, by SDKAppID; keys and admins change on reload (SIGHUP).
    pub(crate) apps: RwLock<HashMap<u64, Arc<AppConfig>>>,
    pub store: SharedStore,
    pub clock: SharedClock,
    pub auth: Authenticator,
    pub limits: RateLimiters,
}

impl AppState {
    /// The app with this SDKAppID, as currently configured.
    pub fn app(&self, sdkappid: u64) -> Option<Arc<AppConfig>> {
        self.apps.read().ok()?.get(&sdkappid).cloned()
    }

    /// Every app served, by SDKAppID.
    pub fn apps(&self) -> Vec<Arc<AppConfig>> {
        let mut apps: Vec<_> = self
            .apps
            .read()
            .map(|a| a.values().cloned().collect())
            .unwrap_or_default();
        apps.sort_by_key(|a| a.sdkappid);
        apps
    }

    /// Takes new keys and admins for the apps served (a reload). Requests in flight finish
    /// with the app as they found it; UserSigs verified before are verified again, so a
    /// removed key stops working at once. Apps are added or removed only by a restart (their
    /// rate limiters are built at start); such changes are reported and ignored.
    pub fn reload_apps(&self, configured: &[AppConfig]) -> Vec<String> {
        let mut notes = Vec::new();
        let Ok(mut apps) = self.apps.write() else {
            return vec!["the app table is unusable".into()];
        };
        for new in configured {
            match apps.get_mut(&new.sdkappid) {
                Some(app) => *app = Arc::new(new.clone()),
                None => notes.push(format!(
                    "app {} is not served; restart to add it",
                    new.sdkappid
                )),
            }
        }
        for id in apps.keys() {
            if !configured.iter().any(|a| a.sdkappid == *id) {
                notes.push(format!(
                    "app {id} is no longer configured; restart to remove it"
                ));
            }
        }
        drop(apps);
        self.auth.forget_verified();
        notes
    }
}
