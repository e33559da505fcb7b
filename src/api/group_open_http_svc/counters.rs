//! What the group counter commands share: the `GroupCounter` items (capitalised `Key` /
//! `Value`, unlike attributes' lower-case ones) and `GroupCounterKeys`, read into checked keys.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::domain::group_attr;
use crate::error::ApiError;

/// The request of get and delete_group_counter: a group and the keys (absent, null or `[]`:
/// all of them).
#[derive(Debug, Deserialize)]
pub struct KeysRequest {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "GroupCounterKeys")]
    pub group_counter_keys: Option<Vec<String>>,
}

/// A counter in a request or an answer.
#[derive(Debug, Deserialize, Serialize)]
pub struct Counter {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: i64,
}

impl From<(String, i64)> for Counter {
    fn from((key, value): (String, i64)) -> Counter {
        Counter { key, value }
    }
}

/// `GroupCounterKeys`: absent, `null` or `[]` (a default an SDK sends for "not given") is
/// None, every counter; otherwise the checked keys, each once, in the order first named.
pub fn keys(raw: Option<Vec<String>>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(raw) = raw.filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let mut seen = HashSet::with_capacity(raw.len());
    let mut keys = Vec::with_capacity(raw.len());
    for key in raw {
        group_attr::counter_key(&key)?;
        if seen.insert(key.clone()) {
            keys.push(key);
        }
    }
    Ok(Some(keys))
}
