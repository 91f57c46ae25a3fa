//! Hostile input, generated: tests/js/fuzz.js makes thousands of seeded calls with wrong values to
//! every public JS member of PeerConnection, applies each to a native RTCPeerConnection and to a
//! PeerConnection in the same state, and requires the same error names or equivalent results
//! (extra members: success or a TypeError / documented DOMException, never a wasm trap, a non-Error
//! throw or a promise that does not settle). Afterwards the wrapper must still negotiate.
//!
//! Fixed seed and count by default; `FUZZ_SEED` / `FUZZ_COUNT` at compile time override them
//! (scripts/fuzz-long.sh). Run with `-- --nocapture` to see the counts.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{lines, native_class, peer_connection_class};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/fuzz.js")]
extern "C" {
    /// `media.js`'s, re-exported: imported from here, media.js is fetched after this module, not
    /// beside it (see `cleanup` in tests/js/fuzz.js).
    fn cleanup();
    #[wasm_bindgen(catch)]
    async fn fuzz(native: JsValue, wrapped: JsValue, seed: u32, count: u32, declared: JsValue) -> Result<JsValue, JsValue>;
}

/// The public declarations: the fuzz checks the extra members' string results against them.
const DECLARATIONS: &str = include_str!("../js/rtc-peer.d.ts");

/// The string literals of `export type <name> = 'a' | 'b';` in the declarations.
fn declared_union(name: &str) -> js_sys::Array {
    let start = format!("export type {name} =");
    let Some(rest) = DECLARATIONS.split(&start).nth(1) else { panic!("js/rtc-peer.d.ts has no `{start}`") };
    let body = rest.split(';').next().unwrap_or_default();
    body.split('|').map(|s| s.trim().trim_matches('\'')).filter(|s| !s.is_empty()).map(JsValue::from_str).collect()
}

/// The string literals of the union in `<field>: 'a' | 'b' | null;` inside the declarations.
fn declared_field_union(field: &str) -> js_sys::Array {
    let start = format!("{field}: '");
    let Some(rest) = DECLARATIONS.split(&start).nth(1) else { panic!("js/rtc-peer.d.ts has no `{start}`") };
    let body = format!("'{}", rest.split(';').next().unwrap_or_default());
    body.split('|').map(str::trim).filter(|s| s.starts_with('\'')).map(|s| JsValue::from_str(s.trim_matches('\''))).collect()
}

const DEFAULT_SEED: u32 = 0x5eed_0007;
const DEFAULT_COUNT: u32 = 2500;

fn setting(value: Option<&str>, default: u32, name: &str) -> u32 {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => default,
        Some(v) => v.parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a u32")),
    }
}

#[wasm_bindgen_test]
async fn fuzz_parity() {
    let seed = setting(option_env!("FUZZ_SEED"), DEFAULT_SEED, "FUZZ_SEED");
    let count = setting(option_env!("FUZZ_COUNT"), DEFAULT_COUNT, "FUZZ_COUNT");
    console_log!("fuzz: seed {seed} count {count}");
    let declared = js_sys::Object::new();
    let set = |k: &str, v: js_sys::Array| js_sys::Reflect::set(&declared, &k.into(), &v).expect("set on a plain object");
    set("policies", declared_union("StreamlessPolicy"));
    set("reuseCodes", declared_union("ReuseReasonCode"));
    set("throws", declared_field_union("throws"));
    console_log!(
        "fuzz: declared StreamlessPolicy {:?}, ReuseReasonCode {:?}, throws {:?}",
        lines(&js_sys::Reflect::get(&declared, &"policies".into()).unwrap_or_default()),
        lines(&js_sys::Reflect::get(&declared, &"reuseCodes".into()).unwrap_or_default()),
        lines(&js_sys::Reflect::get(&declared, &"throws".into()).unwrap_or_default()),
    );
    let result = fuzz(native_class(), peer_connection_class(), seed, count, declared.into())
        .await
        .unwrap_or_else(|e| panic!("fuzz (seed {seed}) threw: {e:?}"));
    cleanup();
    let get = |key: &str| js_sys::Reflect::get(&result, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let report = lines(&get("lines"));
    for line in &report {
        console_log!("fuzz: {line}");
    }
    let failures = lines(&get("failures"));
    if !failures.is_empty() {
        panic!(
            "fuzz (seed {seed}, count {count}): {} failure(s)\n{}\n\n{}",
            failures.len(),
            failures.join("\n"),
            report.join("\n")
        );
    }
}

