//! Asking a time-stamping authority for a token: one HTTP/1.1 POST of the RFC 3161 request
//! (`application/timestamp-query`), over plain `http://` (RFC 3161 §3.4).
//!
//! A token is signed by the TSA, so the transport needs no secrecy and no authentication of
//! its own: a tampered answer fails the imprint and signature checks. Hence no TLS stack.
//! A TSA reachable only over `https://` is used with `openssl ts -query` and `curl`, and the
//! token given with `--tsa-token`.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::{Context, bail};

/// Largest answer read: a token with its certificate chain is a few kilobytes.
const MAX_RESPONSE: u64 = 1 << 20;
const TIMEOUT: Duration = Duration::from_secs(30);

/// `http://host[:port][/path]` -> (host, port, path).
fn parse_url(url: &str) -> anyhow::Result<(String, u16, String)> {
    if url.starts_with("https://") {
        bail!(
            "{url}: https is not supported for --tsa (a token needs no TLS: it is signed). Use \
             the TSA's http:// address, or fetch the token yourself (openssl ts -query -data \
             META-INF/ASiCManifest.xml -sha256 -cert -no_nonce, then curl) and pass --tsa-token"
        );
    }
    let rest = url
        .strip_prefix("http://")
        .with_context(|| format!("{url}: expected an http:// address"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    // `[::1]:8318` for IPv6, `host:8318` or `host` otherwise.
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (h, rest) = v6
                .split_once(']')
                .with_context(|| format!("{url}: unclosed [ in the host"))?;
            (h, rest.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .with_context(|| format!("{url}: bad port {p:?}"))?,
        None => 80,
    };
    if host.is_empty() {
        bail!("{url}: no host");
    }
    Ok((host.to_string(), port, path.to_string()))
}

/// POSTs `request` to the TSA at `url` and returns the body of its answer (a
/// `TimeStampResp`).
///
/// # Errors
/// A bad or https address, no connection, a timeout (30 s), a status other than 200, or an
/// answer over 1 MiB.
pub fn post(url: &str, request: &[u8]) -> anyhow::Result<Vec<u8>> {
    let (host, port, path) = parse_url(url)?;
    let addrs: Vec<_> = (host.as_str(), port)
        .to_socket_addrs()
        .with_context(|| format!("{url}: cannot resolve {host}"))?
        .collect();
    let mut stream = None;
    let mut last_error = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_error = Some(e),
        }
    }
    let mut stream = stream.with_context(|| {
        format!(
            "{url}: cannot connect{}",
            last_error.map(|e| format!(": {e}")).unwrap_or_default()
        )
    })?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let host_header = match (host.contains(':'), port) {
        (true, _) => format!("[{host}]:{port}"),
        (false, 80) => host.clone(),
        (false, _) => format!("{host}:{port}"),
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: relance/{}\r\n\
         Content-Type: application/timestamp-query\r\nAccept: application/timestamp-reply\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION"),
        request.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(request)?;
    stream.flush()?;
    let mut answer = Vec::new();
    stream
        .take(MAX_RESPONSE + 16 * 1024)
        .read_to_end(&mut answer)
        .with_context(|| format!("{url}: no complete answer"))?;
    parse_response(&answer).with_context(|| format!("{url}: unusable answer"))
}

/// The body of an HTTP/1.x answer with status 200 (Content-Length, chunked, or up to the
/// end of the connection).
fn parse_response(answer: &[u8]) -> anyhow::Result<Vec<u8>> {
    let Some(split) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        bail!("no HTTP header");
    };
    let head = String::from_utf8_lossy(&answer[..split]);
    let body = &answer[split + 4..];
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or_default();
    let code = status.split_whitespace().nth(1).unwrap_or_default();
    if !status.starts_with("HTTP/1.") || code != "200" {
        bail!("the TSA answered {status:?}");
    }
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse::<usize>().context("bad Content-Length")?);
            } else if name.eq_ignore_ascii_case("transfer-encoding")
                && value.to_ascii_lowercase().contains("chunked")
            {
                chunked = true;
            }
        }
    }
    let body = if chunked {
        dechunk(body)?
    } else if let Some(n) = length {
        body.get(..n)
            .context("the answer is shorter than its Content-Length")?
            .to_vec()
    } else {
        body.to_vec()
    };
    if body.len() as u64 > MAX_RESPONSE {
        bail!("the answer is larger than {MAX_RESPONSE} bytes");
    }
    Ok(body)
}

fn dechunk(mut body: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .context("bad chunked encoding")?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).context("bad chunk size")?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = body.get(..size).context("a chunk is cut")?;
        out.extend_from_slice(chunk);
        body = body.get(size + 2..).context("a chunk is cut")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_split_and_https_is_explained() {
        assert_eq!(
            parse_url("http://127.0.0.1:8318/tsa").unwrap(),
            ("127.0.0.1".into(), 8318, "/tsa".into())
        );
        assert_eq!(
            parse_url("http://tsa.example").unwrap(),
            ("tsa.example".into(), 80, "/".into())
        );
        let err = parse_url("https://tsa.example").unwrap_err().to_string();
        assert!(err.contains("--tsa-token"), "{err}");
        assert!(parse_url("ftp://x").is_err());
    }

    #[test]
    fn bodies_are_read_by_length_or_chunks() {
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef";
        assert_eq!(parse_response(plain).unwrap(), b"abc");
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap(), b"abcde");
        let refused = b"HTTP/1.1 500 Oops\r\n\r\n";
        assert!(
            parse_response(refused)
                .unwrap_err()
                .to_string()
                .contains("500")
        );
    }
}
