//! HTTP for the command line (`rules fetch`, `bundle --tsa`): ureq with rustls, so both
//! `http://` and `https://` work, within a time limit and a size limit, no proxy from the
//! environment. Only a status 200 is an answer.

use std::time::Duration;

use anyhow::{anyhow, bail};

const TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer read: the ECB series is a few kilobytes, a time-stamp token too.
const MAX_BODY: u64 = 8 << 20;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .proxy(None)
        .user_agent(concat!("relance/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Refuses what is not an `http://` or `https://` address.
pub(crate) fn check_scheme(url: &str) -> anyhow::Result<()> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        bail!("{url}: expected an http:// or https:// address")
    }
}

/// GETs `url` and returns the body of a 200 answer.
///
/// # Errors
/// A bad address, no connection, a timeout (30 s), a status other than 200, an answer cut
/// short or over 8 MiB.
pub(crate) fn get(url: &str, accept: &str) -> anyhow::Result<Vec<u8>> {
    check_scheme(url)?;
    let response = agent()
        .get(url)
        .header("Accept", accept)
        .call()
        .map_err(|e| anyhow!("{url}: {e}"))?;
    body(url, response)
}

/// POSTs `request` as `content_type` to `url` and returns the body of a 200 answer.
///
/// # Errors
/// As [`get`].
pub(crate) fn post(
    url: &str,
    content_type: &str,
    accept: &str,
    request: &[u8],
) -> anyhow::Result<Vec<u8>> {
    check_scheme(url)?;
    let response = agent()
        .post(url)
        .header("Content-Type", content_type)
        .header("Accept", accept)
        .send(request)
        .map_err(|e| anyhow!("{url}: {e}"))?;
    body(url, response)
}

fn body(url: &str, mut response: ureq::http::Response<ureq::Body>) -> anyhow::Result<Vec<u8>> {
    let status = response.status();
    if status != ureq::http::StatusCode::OK {
        bail!(
            "{url}: the server answered {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or_default()
        );
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .map_err(|e| anyhow!("{url}: the answer is cut short or unreadable: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_addresses_are_used() {
        assert!(check_scheme("http://127.0.0.1:8318/tsa").is_ok());
        assert!(check_scheme("https://tsa.example").is_ok());
        let err = check_scheme("ftp://x").unwrap_err().to_string();
        assert!(err.contains("http:// or https://"), "{err}");
    }
}
