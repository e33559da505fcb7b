//! Every UserSig made by the official Python and Node libraries verifies, and our signer
//! reproduces each `TLS.sig` (and, with the same zlib, each Node-style UserSig byte for byte).

use opentim::usersig;
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let text = include_str!("data/usersig_vectors.json");
    let doc: Value = serde_json::from_str(text).expect("vectors parse");
    doc["vectors"].as_array().expect("vectors array").clone()
}

#[test]
fn official_vectors_verify_and_signatures_reproduce() {
    let vectors = vectors();
    assert!(vectors.len() >= 10);
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let inputs = &v["inputs"];
        let sdkappid = inputs["sdkappid"].as_u64().unwrap();
        let key = inputs["key"].as_str().unwrap();
        let identifier = inputs["identifier"].as_str().unwrap();
        let now = inputs["now"].as_i64().unwrap();
        let expire = inputs["expire"].as_i64().unwrap();
        let sig = v["usersig"].as_str().unwrap();

        let claims = usersig::verify(sdkappid, key, identifier, sig, now)
            .unwrap_or_else(|e| panic!("{id} does not verify: {e}"));
        assert_eq!(claims.identifier, identifier, "{id}");

        let expected = v["decoded"]["TLS.sig"].as_str().unwrap();
        let userbuf = v["decoded"]["TLS.userbuf"].as_str();
        let ours = usersig::signature(key, identifier, sdkappid, now, expire, userbuf);
        assert_eq!(ours, expected, "{id}: TLS.sig differs");

        // Still valid at the last second, expired one second later.
        let until = v["valid_until_exclusive"].as_i64().unwrap();
        assert!(
            usersig::verify(sdkappid, key, identifier, sig, until - 1).is_ok(),
            "{id}"
        );
        assert_eq!(
            usersig::verify(sdkappid, key, identifier, sig, until + 1),
            Err(usersig::SigError::Expired),
            "{id}"
        );
    }
}

#[test]
fn node_style_usersigs_are_reproduced_byte_for_byte() {
    for v in vectors() {
        let id = v["id"].as_str().unwrap();
        if !id.starts_with("node-") || v["decoded"]["TLS.userbuf"].is_string() {
            continue;
        }
        let i = &v["inputs"];
        let ours = usersig::sign(
            i["sdkappid"].as_u64().unwrap(),
            i["key"].as_str().unwrap(),
            i["identifier"].as_str().unwrap(),
            i["now"].as_i64().unwrap(),
            i["expire"].as_i64().unwrap(),
        );
        assert_eq!(ours, v["usersig"].as_str().unwrap(), "{id}");
    }
}
