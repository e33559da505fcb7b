//! UserSig v2 (TLSSigAPIv2): signing and strict verification, byte-compatible with Tencent's libraries.
//!
//! A UserSig is `urlsafe(base64(zlib(json)))`, where the JSON carries the claims and an
//! HMAC-SHA256 over them keyed by the app's secret key string (used as ASCII, not hex-decoded).
//! Verification is stricter than the official libraries: bounded input and inflate size,
//! duplicate keys and non-integer numbers rejected, constant-time MAC comparison.

use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use flate2::Compression;
use flate2::bufread::ZlibDecoder;
use flate2::write::ZlibEncoder;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Longest UserSig accepted before any decoding (real ones are a few hundred bytes).
pub const MAX_USERSIG_LEN: usize = 4096;
/// Largest inflated JSON accepted: a zlib bomb stops here.
pub const MAX_INFLATED_LEN: u64 = 8192;
/// Default validity used by the official Python library: 180 days.
pub const DEFAULT_EXPIRE: i64 = 180 * 86400;
/// Furthest ahead of the server's clock a `TLS.time` may be: a day of clock skew is tolerated
/// (the official libraries never check), anything further is refused as implausible.
pub const MAX_TIME_AHEAD_SECS: i64 = 86400;
/// Longest validity accepted: 50 years. A longer `TLS.expire` (up to `i64::MAX` minus the
/// issue time) would make a UserSig that never expires.
pub const MAX_EXPIRE_SECS: i64 = 50 * 365 * 86400;

/// Base64 that accepts input with or without `=` padding (the URL-safe variant keeps it as `_`).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a UserSig was refused. The variants follow Tencent's verification codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    #[error("UserSig is empty")]
    Empty,
    #[error("UserSig cannot be decoded: {0}")]
    Malformed(&'static str),
    #[error("UserSig is not plausible: {0}")]
    Implausible(&'static str),
    #[error("UserSig was issued for another SDKAppID")]
    SdkAppIdMismatch,
    #[error("UserSig was issued for another identifier")]
    IdentifierMismatch,
    #[error("UserSig has expired")]
    Expired,
    #[error("UserSig signature does not match the app's key")]
    BadSignature,
}

/// The decoded claims of a UserSig.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Claims {
    #[serde(rename = "TLS.ver")]
    pub ver: String,
    #[serde(rename = "TLS.identifier")]
    pub identifier: String,
    #[serde(rename = "TLS.sdkappid")]
    pub sdkappid: u64,
    #[serde(rename = "TLS.time")]
    pub time: i64,
    #[serde(rename = "TLS.expire")]
    pub expire: i64,
    #[serde(rename = "TLS.userbuf", default)]
    pub userbuf: Option<String>,
    #[serde(rename = "TLS.sig")]
    pub sig: String,
}

impl Claims {
    /// Last second (inclusive) at which the UserSig is valid, or None on overflow.
    pub fn valid_until(&self) -> Option<i64> {
        if self.expire < 0 {
            return None;
        }
        self.time.checked_add(self.expire)
    }
}

/// The serialized form we emit: the key order and compact style of the official Node library.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "TLS.ver")]
    ver: &'a str,
    #[serde(rename = "TLS.identifier")]
    identifier: &'a str,
    #[serde(rename = "TLS.sdkappid")]
    sdkappid: u64,
    #[serde(rename = "TLS.time")]
    time: i64,
    #[serde(rename = "TLS.expire")]
    expire: i64,
    #[serde(rename = "TLS.userbuf", skip_serializing_if = "Option::is_none")]
    userbuf: Option<&'a str>,
    #[serde(rename = "TLS.sig")]
    sig: &'a str,
}

fn mac(
    key: &str,
    identifier: &str,
    sdkappid: u64,
    time: i64,
    expire: i64,
    userbuf_b64: Option<&str>,
) -> Hmac<Sha256> {
    // An HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(
        format!(
            "TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n"
        )
        .as_bytes(),
    );
    if let Some(buf) = userbuf_b64 {
        mac.update(format!("TLS.userbuf:{buf}\n").as_bytes());
    }
    mac
}

/// `TLS.sig`: standard Base64 of the HMAC-SHA256 over the claims.
pub fn signature(
    key: &str,
    identifier: &str,
    sdkappid: u64,
    time: i64,
    expire: i64,
    userbuf_b64: Option<&str>,
) -> String {
    STANDARD.encode(
        mac(key, identifier, sdkappid, time, expire, userbuf_b64)
            .finalize()
            .into_bytes(),
    )
}

/// Generates a UserSig valid from `now` for `expire` seconds.
pub fn sign(sdkappid: u64, key: &str, identifier: &str, now: i64, expire: i64) -> String {
    sign_with_userbuf(sdkappid, key, identifier, now, expire, None)
}

/// Generates a UserSig carrying an optional userbuf (a TRTC PrivateMapKey payload).
pub fn sign_with_userbuf(
    sdkappid: u64,
    key: &str,
    identifier: &str,
    now: i64,
    expire: i64,
    userbuf: Option<&[u8]>,
) -> String {
    let userbuf_b64 = userbuf.map(|b| STANDARD.encode(b));
    let sig = signature(
        key,
        identifier,
        sdkappid,
        now,
        expire,
        userbuf_b64.as_deref(),
    );
    let doc = Document {
        ver: "2.0",
        identifier,
        sdkappid,
        time: now,
        expire,
        userbuf: userbuf_b64.as_deref(),
        sig: &sig,
    };
    let json = serde_json::to_vec(&doc).unwrap_or_default();
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(&json);
    let compressed = encoder.finish().unwrap_or_default();
    STANDARD
        .encode(compressed)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect()
}

/// Decodes a UserSig into its claims without checking the signature.
pub fn decode(usersig: &str) -> Result<Claims, SigError> {
    if usersig.is_empty() {
        return Err(SigError::Empty);
    }
    if usersig.len() > MAX_USERSIG_LEN {
        return Err(SigError::Malformed("too long"));
    }
    let b64: String = usersig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    let compressed = LENIENT
        .decode(b64.as_bytes())
        .map_err(|_| SigError::Malformed("not base64"))?;
    let mut json = Vec::new();
    let mut inflater = ZlibDecoder::new(compressed.as_slice());
    (&mut inflater)
        .take(MAX_INFLATED_LEN + 1)
        .read_to_end(&mut json)
        .map_err(|_| SigError::Malformed("not zlib"))?;
    if json.len() as u64 > MAX_INFLATED_LEN {
        return Err(SigError::Malformed("inflated content too large"));
    }
    // Bytes after the zlib stream, or a wrong Adler-32 trailer (not every inflate backend
    // checks it), would let several strings carry one token: refuse them.
    if !inflater.get_ref().is_empty() {
        return Err(SigError::Malformed("data after the zlib stream"));
    }
    let trailer = compressed
        .len()
        .checked_sub(4)
        .and_then(|at| compressed.get(at..))
        .ok_or(SigError::Malformed("not zlib"))?;
    if trailer != adler2::adler32_slice(&json).to_be_bytes() {
        return Err(SigError::Malformed("zlib checksum mismatch"));
    }
    // Derived deserialization rejects duplicate keys, so one value cannot be verified
    // while another is used; integer fields refuse floats and strings.
    let claims: Claims =
        serde_json::from_slice(&json).map_err(|_| SigError::Malformed("bad JSON"))?;
    if claims.ver != "2.0" {
        return Err(SigError::Malformed("unsupported TLS.ver"));
    }
    Ok(claims)
}

/// Verifies a UserSig for `(sdkappid, identifier)` at time `now`, in the order of the
/// official Go verifier: SDKAppID, identifier, expiry, then the signature.
pub fn verify(
    sdkappid: u64,
    key: &str,
    identifier: &str,
    usersig: &str,
    now: i64,
) -> Result<Claims, SigError> {
    let claims = decode(usersig)?;
    if claims.sdkappid != sdkappid {
        return Err(SigError::SdkAppIdMismatch);
    }
    if claims.identifier != identifier {
        return Err(SigError::IdentifierMismatch);
    }
    match claims.valid_until() {
        Some(until) if now <= until => {}
        _ => return Err(SigError::Expired),
    }
    if claims.time < 0 || claims.time > now.saturating_add(MAX_TIME_AHEAD_SECS) {
        return Err(SigError::Implausible(
            "TLS.time is more than a day ahead of the server's clock",
        ));
    }
    if claims.expire > MAX_EXPIRE_SECS {
        return Err(SigError::Implausible("TLS.expire is longer than 50 years"));
    }
    let given = STANDARD
        .decode(claims.sig.as_bytes())
        .map_err(|_| SigError::Malformed("TLS.sig is not base64"))?;
    mac(
        key,
        &claims.identifier,
        claims.sdkappid,
        claims.time,
        claims.expire,
        claims.userbuf.as_deref(),
    )
    .verify_slice(&given)
    .map_err(|_| SigError::BadSignature)?;
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    #[test]
    fn signature_matches_reference_hmac() {
        let sig = signature(KEY, "xiaojun", 1400000000, 1700000000, 15552000, None);
        assert_eq!(sig, "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=");
    }

    #[test]
    fn round_trip_and_expiry_boundary() {
        let sig = sign(1400000000, KEY, "admin", 1000, 10);
        assert!(verify(1400000000, KEY, "admin", &sig, 1010).is_ok());
        assert_eq!(
            verify(1400000000, KEY, "admin", &sig, 1011),
            Err(SigError::Expired)
        );
        assert_eq!(
            verify(1400000000, "other", "admin", &sig, 1000),
            Err(SigError::BadSignature)
        );
        assert_eq!(
            verify(1400000000, KEY, "bob", &sig, 1000),
            Err(SigError::IdentifierMismatch)
        );
        assert_eq!(
            verify(1400000001, KEY, "admin", &sig, 1000),
            Err(SigError::SdkAppIdMismatch)
        );
    }

    #[test]
    fn implausible_times_and_lifetimes_are_refused() {
        let now = 1_700_000_000;
        let day_ahead = sign(1, KEY, "a", now + MAX_TIME_AHEAD_SECS, 10);
        assert!(verify(1, KEY, "a", &day_ahead, now).is_ok());
        let further = sign(1, KEY, "a", now + MAX_TIME_AHEAD_SECS + 1, 10);
        assert!(matches!(
            verify(1, KEY, "a", &further, now),
            Err(SigError::Implausible(_))
        ));
        // Issued in the past with a lifetime that would outlast i64: refused, not immortal.
        let forever = sign(1, KEY, "a", 1000, i64::MAX - 1000);
        assert!(matches!(
            verify(1, KEY, "a", &forever, now),
            Err(SigError::Implausible(_))
        ));
        let fifty_years = sign(1, KEY, "a", now, MAX_EXPIRE_SECS);
        assert!(verify(1, KEY, "a", &fifty_years, now).is_ok());
        let longer = sign(1, KEY, "a", now, MAX_EXPIRE_SECS + 1);
        assert!(verify(1, KEY, "a", &longer, now).is_err());
    }

    #[test]
    fn overflowing_or_negative_expiry_is_expired_not_a_panic() {
        let sig = sign(1, KEY, "a", i64::MAX, i64::MAX);
        assert_eq!(verify(1, KEY, "a", &sig, 0), Err(SigError::Expired));
        let sig = sign(1, KEY, "a", 0, -1);
        assert_eq!(verify(1, KEY, "a", &sig, 0), Err(SigError::Expired));
    }

    #[test]
    fn zlib_bomb_is_refused() {
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&vec![b' '; 10_000_000]).unwrap();
        let bomb = STANDARD.encode(enc.finish().unwrap());
        assert!(matches!(decode(&bomb), Err(SigError::Malformed(_))));
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let json = br#"{"TLS.ver":"2.0","TLS.identifier":"admin","TLS.identifier":"eve","TLS.sdkappid":1,"TLS.time":1,"TLS.expire":1,"TLS.sig":"x"}"#;
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(json).unwrap();
        let sig = STANDARD.encode(enc.finish().unwrap());
        assert!(matches!(decode(&sig), Err(SigError::Malformed(_))));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const KEY: &str = "property-key";

    proptest! {
        /// Arbitrary strings never panic the decoder and never authenticate.
        #[test]
        fn arbitrary_input_never_authenticates(s in ".{0,600}") {
            prop_assert!(verify(1400000000, KEY, "administrator", &s, 1_700_000_000).is_err());
        }

        /// Arbitrary bytes in the UserSig alphabet (valid base64 shape) never authenticate.
        #[test]
        fn alphabet_noise_never_authenticates(s in "[A-Za-z0-9*_-]{0,400}") {
            prop_assert!(verify(1400000000, KEY, "administrator", &s, 1_700_000_000).is_err());
        }

        /// A change to one character of a valid UserSig is refused, unless it only touches bits
        /// that carry nothing (deflate's final padding bits): then the claims are the same.
        #[test]
        fn tampering_is_refused(pos in 0usize..200, c in "[A-Za-z0-9*_-]") {
            let sig = sign(1400000000, KEY, "administrator", 1_700_000_000, 86400);
            let pos = pos % sig.len();
            let mut tampered: Vec<char> = sig.chars().collect();
            let replacement = c.chars().next().unwrap_or('A');
            prop_assume!(tampered[pos] != replacement);
            tampered[pos] = replacement;
            let tampered: String = tampered.into_iter().collect();
            if let Ok(claims) = verify(1400000000, KEY, "administrator", &tampered, 1_700_000_000) {
                prop_assert_eq!(claims, decode(&sig).unwrap());
            }
        }

        /// Signing then verifying round-trips for any valid identifier and window.
        #[test]
        fn sign_verify_round_trip(id in "[ -~]{1,32}", time in 0i64..4_000_000_000, expire in 0i64..400_000_000) {
            let sig = sign(7, KEY, &id, time, expire);
            let claims = verify(7, KEY, &id, &sig, time).unwrap();
            prop_assert_eq!(claims.identifier, id);
        }
    }
}
