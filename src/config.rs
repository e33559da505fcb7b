//! Settings: built-in defaults, then a TOML file, then `OPENTIM_*` environment variables, then flags.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE: &str = "sqlite://opentim-data/opentim.db";
/// Tencent's documented default for most REST APIs.
pub const DEFAULT_RATE: u32 = 200;
/// Tencent's documented limit for the heavier account APIs.
pub const HEAVY_ACCOUNT_RATE: u32 = 100;
pub const MAX_ADMINS: usize = 10;

/// One app served by this opentim: its own key, admins and data.
#[derive(Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    pub sdkappid: u64,
    pub secret_key: String,
    /// Keys still accepted while clients move to `secret_key` (key rotation); drop them and
    /// reload (SIGHUP) when the rotation is done.
    #[serde(default)]
    pub previous_keys: Vec<String>,
    #[serde(default = "default_admins")]
    pub admins: Vec<String>,
    /// The custom profile tags the app declared (`Tag_Profile_Custom_` and up to 8 letters), as
    /// Tencent's console declares them: portrait_set and portrait_get refuse others (40009).
    #[serde(default)]
    pub profile_custom_tags: Vec<String>,
}

impl AppConfig {
    /// The keys a UserSig of this app may be signed with: the current one first.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.secret_key.as_str())
            .chain(self.previous_keys.iter().map(String::as_str))
    }
}

fn default_admins() -> Vec<String> {
    vec!["administrator".to_string()]
}

impl fmt::Debug for AppConfig {
    // The key never reaches a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppConfig")
            .field("sdkappid", &self.sdkappid)
            .field("secret_key", &"<redacted>")
            .field("previous_keys", &self.previous_keys.len())
            .field("admins", &self.admins)
            .finish()
    }
}

/// Calls per second allowed per app and command.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    #[serde(default = "default_rate")]
    pub default: u32,
    /// Per-command overrides, keyed by command name (e.g. `account_check = 100`).
    #[serde(default = "default_command_rates")]
    pub commands: HashMap<String, u32>,
}

fn default_rate() -> u32 {
    DEFAULT_RATE
}

fn default_command_rates() -> HashMap<String, u32> {
    let mut rates: HashMap<String, u32> =
        ["multiaccount_import", "account_delete", "account_check"]
            .into_iter()
            .map(|c| (c.to_string(), HEAVY_ACCOUNT_RATE))
            .collect();
    // Tencent documents 1 call per second for listing every group of an app.
    rates.insert("get_appid_group_list".to_string(), 1);
    rates
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            default: DEFAULT_RATE,
            commands: default_command_rates(),
        }
    }
}

impl RateLimits {
    pub fn for_command(&self, command: &str) -> u32 {
        self.commands.get(command).copied().unwrap_or(self.default)
    }
}

/// Everything the server needs to start.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default = "default_listen")]
    pub listen: String,
    #[serde(default = "default_database")]
    pub database: String,
    #[serde(default)]
    pub tls_cert: Option<PathBuf>,
    #[serde(default)]
    pub tls_key: Option<PathBuf>,
    /// Largest request body accepted, in bytes.
    #[serde(default = "default_body_limit")]
    pub body_limit: usize,
    /// Seconds a client may take to send its request headers.
    #[serde(default = "default_header_timeout")]
    pub header_timeout_secs: u64,
    /// Connections served at once; further clients wait in the listen backlog until one closes.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    #[serde(default)]
    pub rate_limits: RateLimits,
    #[serde(default, rename = "app")]
    pub apps: Vec<AppConfig>,
    /// Benchmark mode: serves `v4/opentim_bench/ceiling` and lifts rate limits. Never in production.
    #[serde(default)]
    pub bench: bool,
}

fn default_listen() -> String {
    DEFAULT_LISTEN.to_string()
}
fn default_database() -> String {
    DEFAULT_DATABASE.to_string()
}
fn default_body_limit() -> usize {
    1024 * 1024
}
fn default_header_timeout() -> u64 {
    10
}
fn default_max_connections() -> usize {
    10_000
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: default_listen(),
            database: default_database(),
            tls_cert: None,
            tls_key: None,
            body_limit: default_body_limit(),
            header_timeout_secs: default_header_timeout(),
            max_connections: default_max_connections(),
            rate_limits: RateLimits::default(),
            apps: Vec::new(),
            bench: false,
        }
    }
}

/// Values given on the command line; they override everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub database: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration in {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid environment variable {name}: {message}")]
    Env { name: String, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Settings {
    /// Layers the sources in order; `env` is the process environment (injected for tests).
    pub fn load(
        file: Option<&Path>,
        env: &HashMap<String, String>,
        flags: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let mut settings = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                toml::from_str::<Settings>(&text).map_err(|e| ConfigError::Parse {
                    path: path.to_path_buf(),
                    message: e.message().to_string(),
                })?
            }
            None => Settings::default(),
        };
        settings.apply_env(env)?;
        if let Some(listen) = &flags.listen {
            settings.listen = listen.clone();
        }
        if let Some(database) = &flags.database {
            settings.database = database.clone();
        }
        settings.validate()?;
        Ok(settings)
    }

    fn apply_env(&mut self, env: &HashMap<String, String>) -> Result<(), ConfigError> {
        fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, ConfigError> {
            value.trim().parse().map_err(|_| ConfigError::Env {
                name: name.to_string(),
                message: "expected a number".to_string(),
            })
        }
        if let Some(v) = env.get("OPENTIM_LISTEN") {
            self.listen = v.clone();
        }
        if let Some(v) = env.get("OPENTIM_DATABASE") {
            self.database = v.clone();
        }
        if let Some(v) = env.get("OPENTIM_TLS_CERT") {
            self.tls_cert = Some(PathBuf::from(v));
        }
        if let Some(v) = env.get("OPENTIM_TLS_KEY") {
            self.tls_key = Some(PathBuf::from(v));
        }
        if let Some(v) = env.get("OPENTIM_BODY_LIMIT") {
            self.body_limit = number("OPENTIM_BODY_LIMIT", v)?;
        }
        if let Some(v) = env.get("OPENTIM_HEADER_TIMEOUT_SECS") {
            self.header_timeout_secs = number("OPENTIM_HEADER_TIMEOUT_SECS", v)?;
        }
        if let Some(v) = env.get("OPENTIM_MAX_CONNECTIONS") {
            self.max_connections = number("OPENTIM_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = env.get("OPENTIM_BENCH") {
            self.bench = v == "1" || v == "true";
        }
        if let Some(v) = env.get("OPENTIM_RATE_LIMIT") {
            self.rate_limits.default = number("OPENTIM_RATE_LIMIT", v)?;
        }
        // One app can be given entirely through the environment (handy in CI).
        if let Some(v) = env.get("OPENTIM_SDKAPPID") {
            let sdkappid = number("OPENTIM_SDKAPPID", v)?;
            let secret_key =
                env.get("OPENTIM_SECRET_KEY")
                    .cloned()
                    .ok_or_else(|| ConfigError::Env {
                        name: "OPENTIM_SECRET_KEY".to_string(),
                        message: "required when OPENTIM_SDKAPPID is set".to_string(),
                    })?;
            let admins = match env.get("OPENTIM_ADMINS") {
                Some(list) => list
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                None => default_admins(),
            };
            self.apps.retain(|a| a.sdkappid != sdkappid);
            self.apps.push(AppConfig {
                profile_custom_tags: Vec::new(),
                sdkappid,
                secret_key,
                previous_keys: Vec::new(),
                admins,
            });
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return invalid("tls_cert and tls_key must be given together".into());
        }
        if self.rate_limits.default == 0 || self.rate_limits.commands.values().any(|r| *r == 0) {
            return invalid("rate limits must be at least 1 call per second".into());
        }
        if self.header_timeout_secs == 0 {
            return invalid("header_timeout_secs must be at least 1".into());
        }
        if self.body_limit == 0 {
            return invalid("body_limit must be positive".into());
        }
        // The upper bound is the most the connection semaphore can count.
        if self.max_connections == 0 || self.max_connections > tokio::sync::Semaphore::MAX_PERMITS {
            return invalid(format!(
                "max_connections must be between 1 and {}",
                tokio::sync::Semaphore::MAX_PERMITS
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for app in &self.apps {
            if !seen.insert(app.sdkappid) {
                return invalid(format!("sdkappid {} is configured twice", app.sdkappid));
            }
            if app.sdkappid == 0 || app.sdkappid > u32::MAX as u64 {
                return invalid(format!("sdkappid {} is out of range", app.sdkappid));
            }
            if app.previous_keys.iter().any(String::is_empty) {
                return invalid(format!("app {} has an empty previous key", app.sdkappid));
            }
            if app.secret_key.is_empty() {
                return invalid(format!("app {} has an empty secret_key", app.sdkappid));
            }
            if let Some(tag) = app
                .profile_custom_tags
                .iter()
                .find(|t| !crate::domain::profile::is_custom_name(t))
            {
                return invalid(format!(
                    "app {}: profile tag {tag:?} is not Tag_Profile_Custom_ and 1 to 8 letters",
                    app.sdkappid
                ));
            }
            if app.admins.is_empty() || app.admins.len() > MAX_ADMINS {
                return invalid(format!(
                    "app {} must have between 1 and {MAX_ADMINS} admins",
                    app.sdkappid
                ));
            }
            if let Some(bad) = app
                .admins
                .iter()
                .find(|a| crate::domain::ids::UserId::parse(a).is_err())
            {
                return invalid(format!(
                    "app {}: admin {bad:?} is not a valid UserID",
                    app.sdkappid
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opentim.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:1\"\ndatabase = \"sqlite://a.db\"\n[[app]]\nsdkappid = 1400000001\nsecret_key = \"k\"\n",
        )
        .unwrap();
        let env: HashMap<String, String> =
            [("OPENTIM_DATABASE".to_string(), "sqlite://b.db".to_string())].into();
        let flags = Overrides {
            listen: Some("127.0.0.1:9".into()),
            database: None,
        };
        let s = Settings::load(Some(&path), &env, &flags).unwrap();
        assert_eq!(s.listen, "127.0.0.1:9");
        assert_eq!(s.database, "sqlite://b.db");
        assert_eq!(s.apps[0].admins, vec!["administrator".to_string()]);
        assert_eq!(s.rate_limits.for_command("account_check"), 100);
        assert_eq!(s.rate_limits.for_command("create_group"), 200);
    }

    #[test]
    fn the_example_file_is_valid_and_matches_the_defaults() {
        let text = include_str!("../opentim.example.toml");
        let parsed: Settings = toml::from_str(text).unwrap();
        assert_eq!(parsed, Settings::default());
    }

    #[test]
    fn debug_output_hides_the_key() {
        let app = AppConfig {
            profile_custom_tags: Vec::new(),
            sdkappid: 1,
            secret_key: "supersecret".into(),
            previous_keys: Vec::new(),
            admins: default_admins(),
        };
        assert!(!format!("{app:?}").contains("supersecret"));
    }

    #[test]
    fn too_many_admins_is_refused() {
        let env: HashMap<String, String> = [
            ("OPENTIM_SDKAPPID".to_string(), "1400000000".to_string()),
            ("OPENTIM_SECRET_KEY".to_string(), "k".to_string()),
            (
                "OPENTIM_ADMINS".to_string(),
                (0..11)
                    .map(|i| format!("a{i}"))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ]
        .into();
        assert!(Settings::load(None, &env, &Overrides::default()).is_err());
    }
}
