//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, six digits), the
//! second factor every authenticator app speaks.

use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::secrets::random_bytes;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Steps of clock drift accepted either way.
const DRIFT_STEPS: i64 = 1;

/// A new random secret (160 bits), base32 as apps expect.
pub fn new_secret() -> String {
    base32_encode(&random_bytes(20))
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(secret: &str, username: &str) -> String {
    let label = berth_shared::percent::path_segment(&format!("Berth:{username}"));
    format!("otpauth://totp/{label}?secret={secret}&issuer=Berth&algorithm=SHA1&digits=6&period=30")
}

/// The step a Unix time falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The six-digit code for `step`.
pub fn code_at(secret: &str, step: i64) -> Option<String> {
    let key = base32_decode(secret)?;
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]) & 0x7fff_ffff;
    Some(format!("{:06}", value % 1_000_000))
}

/// The step whose code `code` is, within the accepted drift around `now`; `None` if no step
/// matches. The caller must also refuse steps already used.
pub fn verify(secret: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_at(now);
    (current - DRIFT_STEPS..=current + DRIFT_STEPS).find(|&step| {
        code_at(secret, step).is_some_and(|expected| {
            super::secrets::constant_time_eq(expected.as_bytes(), code.as_bytes())
        })
    })
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes RFC 4648 base32, ignoring case, spaces and padding.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = ALPHABET
            .iter()
            .position(|&a| a == c.to_ascii_uppercase() as u8)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6238 appendix B secret, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, step_at(time)).unwrap(),
                code,
                "time {time}"
            );
        }
    }

    #[test]
    fn accepts_one_step_of_drift_and_no_more() {
        let now = 1_700_000_000;
        let previous = code_at(RFC_SECRET, step_at(now) - 1).unwrap();
        assert_eq!(verify(RFC_SECRET, &previous, now), Some(step_at(now) - 1));
        let stale = code_at(RFC_SECRET, step_at(now) - 3).unwrap();
        assert_eq!(verify(RFC_SECRET, &stale, now), None);
        assert_eq!(verify(RFC_SECRET, "12345", now), None);
        assert_eq!(verify(RFC_SECRET, "abcdef", now), None);
    }

    #[test]
    fn base32_round_trips() {
        assert_eq!(base32_encode(b"12345678901234567890"), RFC_SECRET);
        assert_eq!(base32_decode(RFC_SECRET).unwrap(), b"12345678901234567890");
        assert_eq!(
            base32_decode("gezd gnbv").unwrap(),
            base32_decode("GEZDGNBV").unwrap()
        );
        assert_eq!(base32_decode("1!"), None);
        assert_eq!(new_secret().len(), 32);
    }

    #[test]
    fn the_uri_names_berth_and_the_user() {
        let uri = otpauth_uri("ABC", "ada lovelace");
        assert_eq!(
            uri,
            "otpauth://totp/Berth:ada%20lovelace?secret=ABC&issuer=Berth&algorithm=SHA1&digits=6&period=30"
        );
    }
}
