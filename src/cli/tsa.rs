//! Asking a time-stamping authority for a token: one POST of the RFC 3161 request
//! (`application/timestamp-query`) over `http://` or `https://` (RFC 3161 §3.4).
//!
//! A token is signed by the TSA, so the transport needs no secrecy: a tampered answer fails
//! the imprint and signature checks. HTTPS is there because many TSAs only answer on it.

/// POSTs `request` to the TSA at `url` and returns the body of its answer (a
/// `TimeStampResp`).
///
/// # Errors
/// A bad address, no connection, a timeout (30 s), a status other than 200, or an answer
/// cut short or over the size limit.
pub fn post(url: &str, request: &[u8]) -> anyhow::Result<Vec<u8>> {
    super::http::post(
        url,
        "application/timestamp-query",
        "application/timestamp-reply",
        request,
    )
}
