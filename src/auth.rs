//! Authentication of a REST call: query parameters, UserSig (with a verified-signature cache), kick, admin.

use std::collections::HashMap;
use std::sync::RwLock;

use quick_cache::sync::Cache;

use crate::config::AppConfig;
use crate::domain::ids::UserId;
use crate::error::ApiError;
use crate::usersig::{self, SigError};

/// Verified UserSigs kept so repeated calls skip zlib and HMAC.
const SIG_CACHE_ENTRIES: usize = 10_000;

/// The query parameters of a REST call, URL-decoded.
#[derive(Debug, Default, PartialEq)]
pub struct Query {
    pub sdkappid: Option<String>,
    pub identifier: Option<String>,
    pub usersig: Option<String>,
    pub random: Option<String>,
    pub contenttype: Option<String>,
}

/// Parses the query string. Names are case-sensitive; a name given twice is refused, so no
/// two layers can disagree about which value counts.
pub fn parse_query(raw: &str) -> Result<Query, ApiError> {
    let mut q = Query::default();
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        let slot = match name.as_ref() {
            "sdkappid" => &mut q.sdkappid,
            "identifier" => &mut q.identifier,
            "usersig" => &mut q.usersig,
            "random" => &mut q.random,
            "contenttype" => &mut q.contenttype,
            _ => continue,
        };
        if slot.is_some() {
            return Err(ApiError::BadRequestLine(format!(
                "query parameter {name} is given more than once"
            )));
        }
        *slot = Some(value.into_owned());
    }
    Ok(q)
}

impl Query {
    /// The SDKAppID, checked for presence and range.
    pub fn sdkappid(&self) -> Result<u64, ApiError> {
        let raw = self.sdkappid.as_deref().ok_or(ApiError::MissingSdkAppId)?;
        match raw.parse::<u64>() {
            Ok(n) if n > 0 && n <= u32::MAX as u64 => Ok(n),
            _ => Err(ApiError::BadRequestLine(
                "sdkappid must be a positive 32-bit integer".into(),
            )),
        }
    }

    /// Checks the optional parameters: `random` (a u32 when present) and `contenttype`.
    pub fn check_optional(&self) -> Result<(), ApiError> {
        if let Some(r) = &self.random
            && r.parse::<u32>().is_err()
        {
            return Err(ApiError::BadRequestLine(
                "random must be an integer from 0 to 4294967295".into(),
            ));
        }
        if let Some(c) = &self.contenttype
            && c != "json"
        {
            return Err(ApiError::BadRequestLine("contenttype must be json".into()));
        }
        Ok(())
    }
}

#[derive(Clone)]
struct VerifiedSig {
    identifier: String,
    issued_at: i64,
    valid_until: i64,
}

/// Wrong signatures allowed per (app, identifier) within [`FAILURE_WINDOW_SECS`] before
/// that identifier is locked out (70050) for the rest of a minute.
pub const MAX_SIG_FAILURES: u32 = 20;
pub const FAILURE_WINDOW_SECS: i64 = 60;
/// Identifiers whose failures are remembered; the oldest are forgotten first.
const FAILURE_ENTRIES: usize = 16_384;

/// Wrong-signature count of one identifier in the current window.
#[derive(Debug, Clone, Copy)]
struct Failures {
    window_start: i64,
    count: u32,
}

/// Verifies `sig` with the app's current key and, during a rotation, its previous keys. Every
/// key is tried, so the time taken does not tell which one matched; errors found before the
/// signature (expiry, identifier, SDKAppID, encoding) are the same for every key.
fn verify_with_any_key(
    app: &AppConfig,
    identifier: &str,
    sig: &str,
    now: i64,
) -> Result<usersig::Claims, SigError> {
    let mut outcome = Err(SigError::BadSignature);
    for key in app.keys() {
        match usersig::verify(app.sdkappid, key, identifier, sig, now) {
            Ok(claims) if outcome.is_err() => outcome = Ok(claims),
            Ok(_) | Err(SigError::BadSignature) => {}
            Err(e) => return Err(e),
        }
    }
    outcome
}

/// Verifies credentials; holds the signature cache, the kick times and the failure counts.
pub struct Authenticator {
    cache: Cache<(u64, String), VerifiedSig>,
    kicked: RwLock<HashMap<(u64, String), i64>>,
    /// The newest `TLS.time` ahead of the clock seen in a verified UserSig, per identifier: a
    /// kick must revoke such a UserSig too (see [`Authenticator::kick_time`]).
    newest_ahead: RwLock<HashMap<(u64, String), i64>>,
    failures: Cache<(u64, String), Failures>,
}

impl Default for Authenticator {
    fn default() -> Self {
        Authenticator {
            cache: Cache::new(SIG_CACHE_ENTRIES),
            kicked: RwLock::new(HashMap::new()),
            newest_ahead: RwLock::new(HashMap::new()),
            failures: Cache::new(FAILURE_ENTRIES),
        }
    }
}

impl Authenticator {
    /// Forgets every verified UserSig (after the keys changed: a removed key's UserSigs must
    /// stop working at once).
    pub fn forget_verified(&self) {
        self.cache.clear();
    }

    /// The time a kick of `user` at `now` revokes UserSigs up to: `now`, or later when a UserSig
    /// issued ahead of the clock (up to a day, tolerated skew) has been used, so that every
    /// UserSig in use before the kick stops working whatever its `TLS.time`. Until the clock
    /// passes that time, a new UserSig must be issued after it.
    pub fn kick_time(&self, app: u64, user: &str, now: i64) -> i64 {
        let ahead = self
            .newest_ahead
            .read()
            .ok()
            .and_then(|m| m.get(&(app, user.to_string())).copied());
        ahead.map_or(now, |t| t.max(now))
    }

    fn remember_ahead(&self, app: u64, user: &str, time: i64, now: i64) {
        if let Ok(mut m) = self.newest_ahead.write() {
            // Times the clock has passed no longer reach past a kick at `now`: forget them, so
            // the map holds only UserSigs still ahead (at most a day's worth).
            m.retain(|_, t| *t > now);
            let newest = m.entry((app, user.to_string())).or_insert(time);
            *newest = (*newest).max(time);
        }
    }

    /// Records that UserSigs of `user` issued at or before `at` are no longer valid.
    pub fn record_kick(&self, app: u64, user: &str, at: i64) {
        if let Ok(mut kicked) = self.kicked.write() {
            kicked.insert((app, user.to_string()), at);
        }
    }

    /// Whether `user` has used up its wrong signatures for the current window.
    fn locked_out(&self, app: u64, user: &str, now: i64) -> bool {
        self.failures
            .get(&(app, user.to_string()))
            .is_some_and(|f| {
                now < f.window_start + FAILURE_WINDOW_SECS && f.count >= MAX_SIG_FAILURES
            })
    }

    fn record_failure(&self, app: u64, user: &str, now: i64) {
        let key = (app, user.to_string());
        let f = match self.failures.get(&key) {
            Some(f) if now < f.window_start + FAILURE_WINDOW_SECS => Failures {
                count: f.count.saturating_add(1),
                ..f
            },
            _ => Failures {
                window_start: now,
                count: 1,
            },
        };
        self.failures.insert(key, f);
    }

    fn kicked_at(&self, app: u64, user: &str) -> Option<i64> {
        self.kicked
            .read()
            .ok()
            .and_then(|k| k.get(&(app, user.to_string())).copied())
    }

    /// Authenticates the identifier and UserSig of a call to `app` at time `now`, and checks
    /// that the identifier is an App admin. Returns the identifier.
    pub fn authenticate(&self, app: &AppConfig, q: &Query, now: i64) -> Result<String, ApiError> {
        let identifier = q.identifier.as_deref().ok_or(ApiError::MissingCredential(
            "the identifier query parameter is required",
        ))?;
        if UserId::parse(identifier).is_err() {
            return Err(ApiError::MissingCredential(
                "identifier must be 1-32 bytes of printable ASCII",
            ));
        }
        let sig = q.usersig.as_deref().ok_or(ApiError::MissingCredential(
            "the usersig query parameter is required",
        ))?;
        let key = (app.sdkappid, sig.to_string());
        let verified = match self.cache.get(&key) {
            Some(v) => {
                if v.identifier != identifier {
                    return Err(ApiError::UserSig(SigError::IdentifierMismatch));
                }
                if now > v.valid_until {
                    return Err(ApiError::UserSig(SigError::Expired));
                }
                v
            }
            None => {
                // A locked-out identifier gets no more guesses; UserSigs verified before the
                // lockout (in the cache above) keep working, so a flood of bad signatures
                // cannot lock the real admin out.
                if self.locked_out(app.sdkappid, identifier, now) {
                    return Err(ApiError::TooManySigFailures(identifier.to_string()));
                }
                let claims = verify_with_any_key(app, identifier, sig, now).map_err(|e| {
                    if e == SigError::BadSignature {
                        self.record_failure(app.sdkappid, identifier, now);
                    }
                    ApiError::UserSig(e)
                })?;
                if claims.userbuf.is_some() {
                    return Err(ApiError::UserSig(SigError::Malformed(
                        "a UserSig with a userbuf (PrivateMapKey) is not accepted for REST calls",
                    )));
                }
                if claims.time > now {
                    self.remember_ahead(app.sdkappid, identifier, claims.time, now);
                }
                let v = VerifiedSig {
                    identifier: claims.identifier.clone(),
                    issued_at: claims.time,
                    valid_until: claims.valid_until().unwrap_or(i64::MIN),
                };
                self.cache.insert(key, v.clone());
                v
            }
        };
        if self
            .kicked_at(app.sdkappid, identifier)
            .is_some_and(|at| verified.issued_at <= at)
        {
            return Err(ApiError::UserSigRevoked);
        }
        if !app.admins.iter().any(|a| a == identifier) {
            return Err(ApiError::NotAdmin(identifier.to_string()));
        }
        Ok(identifier.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_decoded_and_duplicates_refused() {
        let q = parse_query("usersig=a%2Ab&identifier=admin&sdkappid=1400000000").unwrap();
        assert_eq!(q.usersig.as_deref(), Some("a*b"));
        assert_eq!(q.sdkappid().unwrap(), 1400000000);
        assert!(q.random.is_none());
        assert!(parse_query("sdkappid=1&sdkappid=2").is_err());
        let q = parse_query("SdkAppId=1").unwrap();
        assert!(matches!(q.sdkappid(), Err(ApiError::MissingSdkAppId)));
        let q = parse_query("sdkappid=abc&random=4294967296").unwrap();
        assert!(q.sdkappid().is_err());
        assert!(q.check_optional().is_err());
    }

    #[test]
    fn kick_invalidates_earlier_sigs_and_cache() {
        let app = AppConfig {
            profile_custom_tags: Vec::new(),
            sdkappid: 7,
            secret_key: "k".into(),
            previous_keys: Vec::new(),
            admins: vec!["admin".into()],
        };
        let auth = Authenticator::default();
        let sig = usersig::sign(7, "k", "admin", 100, 1000);
        let q = Query {
            identifier: Some("admin".into()),
            usersig: Some(sig),
            ..Query::default()
        };
        assert!(auth.authenticate(&app, &q, 150).is_ok());
        auth.record_kick(7, "admin", 120);
        assert!(matches!(
            auth.authenticate(&app, &q, 150),
            Err(ApiError::UserSigRevoked)
        ));
        let fresh = Query {
            usersig: Some(usersig::sign(7, "k", "admin", 121, 1000)),
            ..q
        };
        assert!(auth.authenticate(&app, &fresh, 150).is_ok());
    }

    #[test]
    fn wrong_signatures_lock_out_their_identifier_for_a_minute() {
        let app = AppConfig {
            profile_custom_tags: Vec::new(),
            sdkappid: 7,
            secret_key: "k".into(),
            previous_keys: Vec::new(),
            admins: vec!["admin".into(), "ops".into()],
        };
        let auth = Authenticator::default();
        let query = |id: &str, key: &str, at: i64| Query {
            identifier: Some(id.into()),
            usersig: Some(usersig::sign(7, key, id, at, 1000)),
            ..Query::default()
        };
        let earlier = query("admin", "k", 1);
        assert!(auth.authenticate(&app, &earlier, 100).is_ok());
        for i in 0..MAX_SIG_FAILURES {
            let wrong = query("admin", &format!("guess{i}"), 100);
            let refused = auth.authenticate(&app, &wrong, 100 + i64::from(i));
            assert!(matches!(
                refused,
                Err(ApiError::UserSig(SigError::BadSignature))
            ));
        }
        let code = |r: Result<String, ApiError>| {
            r.map_or_else(|e| e.code(crate::error::Family::Rest), |_| 0)
        };
        // Locked: no more guesses, not even a right one not seen before…
        assert_eq!(
            code(auth.authenticate(&app, &query("admin", "guess", 100), 130)),
            70050
        );
        assert_eq!(
            code(auth.authenticate(&app, &query("admin", "k", 2), 130)),
            70050
        );
        // …but a UserSig verified before keeps working, and other identifiers are unaffected.
        assert_eq!(code(auth.authenticate(&app, &earlier, 130)), 0);
        assert_eq!(code(auth.authenticate(&app, &query("ops", "k", 3), 130)), 0);
        // A minute after the first failure the identifier may try again.
        assert_eq!(
            code(auth.authenticate(&app, &query("admin", "k", 2), 160)),
            0
        );
    }
}
