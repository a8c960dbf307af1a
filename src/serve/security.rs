//! What every request passes before its handler: the access token (when the server listens
//! beyond loopback), the Host check (a page of another site reaching the loopback server
//! through DNS rebinding names another host), and the headers that keep pages from being
//! framed, sniffed or leaking their URL (which may carry the token).
//!
//! The CSRF check is in each POST handler, once its body is read and before anything is
//! written: [`csrf_ok`].

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::App;

/// The cookie that carries the token after the first visit with `?token=`.
pub const TOKEN_COOKIE: &str = "relance_token";

/// Compares two secrets in a time that depends only on their lengths.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether a form's `csrf` field is the server's token.
pub fn csrf_ok(app: &App, given: Option<&str>) -> bool {
    given.is_some_and(|g| same_secret(g, &app.config.csrf))
}

/// The 403 of a POST without the right CSRF token: nothing was written.
pub fn csrf_refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "403 : jeton CSRF absent ou invalide, rien n'a été enregistré. Rechargez la page et recommencez.\n",
    )
        .into_response()
}

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == TOKEN_COOKIE)
        .map(|(_, v)| v)
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// `token=...` in a query string, and the query without it.
fn split_token(query: &str) -> (Option<String>, String) {
    let mut token = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("token", v)) => {
                token = Some(
                    percent_encoding::percent_decode_str(v)
                        .decode_utf8_lossy()
                        .into_owned(),
                )
            }
            _ => rest.push(pair),
        }
    }
    (token, rest.join("&"))
}

/// Whether a Host header names this machine's loopback interface (any port).
fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn refuse(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// The middleware of every route.
pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    match &app.config.token {
        None => {
            // Loopback only: a browser sent here by another name is a rebinding attack.
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            if host.is_some_and(|h| !loopback_host(h)) {
                return refuse(
                    StatusCode::FORBIDDEN,
                    "403 : ce serveur local ne répond qu'aux adresses de cette machine (localhost, 127.0.0.1).\n",
                );
            }
        }
        Some(token) => {
            let query = request.uri().query().unwrap_or("");
            let (given, rest) = split_token(query);
            if let Some(given) = given {
                if !same_secret(&given, token) {
                    return refuse(StatusCode::UNAUTHORIZED, "401 : jeton d'accès invalide.\n");
                }
                // Remember the token in a cookie and drop it from the address bar.
                let path = request.uri().path();
                let target = if rest.is_empty() {
                    path.to_string()
                } else {
                    format!("{path}?{rest}")
                };
                let mut response = Redirect::to(&target).into_response();
                if let Ok(cookie) = HeaderValue::from_str(&format!(
                    "{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
                )) {
                    response.headers_mut().insert(header::SET_COOKIE, cookie);
                }
                return response;
            }
            let ok = cookie_token(headers)
                .or_else(|| bearer_token(headers))
                .is_some_and(|t| same_secret(t, token));
            if !ok {
                return refuse(
                    StatusCode::UNAUTHORIZED,
                    "401 : jeton d'accès requis. Ouvrez l'adresse affichée au démarrage de `relance serve` (…/?token=…).\n",
                );
            }
        }
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:80",
            "[::1]:8080",
            "127.1.2.3",
        ] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "10.0.0.1",
            "[fe80::1]:80",
            "localhost.evil",
        ] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn token_is_taken_out_of_the_query() {
        assert_eq!(
            split_token("as_of=2026-06-30&token=a%2Bb"),
            (Some("a+b".to_string()), "as_of=2026-06-30".to_string())
        );
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("a", "ab"));
    }
}
