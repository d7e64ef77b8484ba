//! Who may ask the studio anything: every request passes here first.
//!
//! The studio runs scenarios on the machine it serves from, so it answers
//! only its own page, as Jupyter's server does:
//!
//! - **Host**: `localhost` or an IP address (the forms a browser sends
//!   when the page was opened by address), or a name given with
//!   `--allow-host`. A page on another site that points its own name at
//!   this machine (DNS rebinding) sends its own name and gets 403.
//! - **Origin**: a browser names the page a request comes from; it must be
//!   this server (scheme, host and port of the request itself). A page on
//!   another site gets 403 even where its request would need no preflight.
//!   Scripts that send no Origin (curl, Python) are let through.
//! - **Token**: when the studio listens on an address other machines can
//!   reach, every request needs the token printed at start: `?token=` in
//!   the address opened (the answer sets a same-site cookie for the page's
//!   own requests), the cookie, or `Authorization: token ...` from scripts.
//! - **Bodies**: a POST must say `Content-Type: application/json` (415
//!   otherwise: a plain form cannot send it without a preflight), must not
//!   declare more than [`super::MAX_BODY`] (413 at once, before a
//!   byte is read), and must arrive within [`BODY_WAIT`] (408).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::{MAX_BODY, refused};

/// The longest a request's body may take to arrive once its headers have.
pub const BODY_WAIT: Duration = Duration::from_secs(10);

/// The cookie that carries the token for the page's own requests.
const COOKIE: &str = "grapevine_token";

/// What the guard lets through.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Host names, besides `localhost` and IP addresses, the studio answers
    /// to (`--allow-host`, for a name that reaches it on a network).
    pub hosts: Vec<String>,
    /// The token every request needs, when there is one.
    pub token: Option<String>,
}

impl Guard {
    /// The guard for a server on `addr`: a token when other machines can
    /// reach it.
    pub fn for_address(addr: IpAddr, hosts: Vec<String>) -> Result<Guard, String> {
        let token = if addr.is_loopback() {
            None
        } else {
            Some(new_token()?)
        };
        Ok(Guard { hosts, token })
    }

    fn host_allowed(&self, host: &str) -> bool {
        let name = host_name(host);
        name.eq_ignore_ascii_case("localhost")
            || name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok()
            || self.hosts.iter().any(|h| h.eq_ignore_ascii_case(name))
    }

    /// Whether the request carries the token (or none is needed), and
    /// whether it came in the address (so the answer sets the cookie).
    fn token_given(&self, request: &Request) -> (bool, bool) {
        let Some(token) = &self.token else {
            return (true, false);
        };
        let same = |given: &str| same_text(given, token);
        let in_query = request
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .filter_map(|kv| kv.strip_prefix("token="))
            .any(same);
        let headers = request.headers();
        let in_cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
            .any(same);
        let in_header = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("token ")
                    .or_else(|| v.strip_prefix("Bearer "))
            })
            .is_some_and(|v| same(v.trim()));
        (in_query || in_cookie || in_header, in_query)
    }
}

/// The host part of a `Host` header (`[::1]:7878` gives `[::1]`).
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Compares two texts in time that depends on their lengths only.
fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// A token of 24 random bytes from the operating system, as hex.
fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random numbers for a token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Why a request is refused before any handler sees it, if it is.
fn refusal(guard: &Guard, request: &Request) -> Option<Response> {
    let headers = request.headers();
    let forbidden = |m: String| Some(refused(StatusCode::FORBIDDEN, m));
    let Some(host) = header_text(headers, header::HOST) else {
        return forbidden("the request names no host; the studio answers only its own page".into());
    };
    if !guard.host_allowed(host) {
        return forbidden(format!(
            "the studio does not answer to the host `{host}`; open it as http://localhost or by its address, or start it with --allow-host NAME"
        ));
    }
    if let Some(origin) = header_text(headers, header::ORIGIN) {
        // Its own page, served directly or through an HTTPS proxy in front.
        let own = format!("http://{host}");
        let proxied = format!("https://{host}");
        if !origin.eq_ignore_ascii_case(&own) && !origin.eq_ignore_ascii_case(&proxied) {
            return forbidden(format!(
                "a page from `{origin}` cannot use the studio; only its own page ({own}) can"
            ));
        }
    }
    if header_text(headers, header::HeaderName::from_static("sec-fetch-site"))
        .is_some_and(|s| s == "cross-site")
    {
        return forbidden("a page from another site cannot use the studio".into());
    }
    if !guard.token_given(request).0 {
        return forbidden(
            "this studio needs its token: open the address it printed when it started (…/?token=…), or send `Authorization: token …`".into(),
        );
    }
    if request.method() == Method::POST {
        let json = header_text(headers, header::CONTENT_TYPE).is_some_and(|t| {
            t.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
        if !json {
            return Some(refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the studio takes JSON only: send `Content-Type: application/json` (curl: --json '{...}')",
            ));
        }
        let declared =
            header_text(headers, header::CONTENT_LENGTH).and_then(|n| n.parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_BODY as u64) {
            return Some(too_large());
        }
    }
    None
}

fn too_large() -> Response {
    refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the request is over {} KiB; a run's values take a few hundred bytes",
            MAX_BODY >> 10
        ),
    )
}

/// The middleware: refuses what `refusal` refuses, reads a body whole
/// within [`BODY_WAIT`], and sets the token's cookie when the token came in
/// the address.
pub async fn check(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    if let Some(no) = refusal(&guard, &request) {
        return no;
    }
    let (_, token_in_address) = guard.token_given(&request);
    let (parts, body) = request.into_parts();
    let bytes = match tokio::time::timeout(BODY_WAIT, axum::body::to_bytes(body, MAX_BODY)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => return too_large(),
        Err(_) => {
            return refused(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request's body did not arrive within {} s",
                    BODY_WAIT.as_secs()
                ),
            );
        }
    };
    let mut response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if let (true, Some(token)) = (token_in_address, &guard.token)
        && let Ok(cookie) = HeaderValue::from_str(&format!(
            "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], method: Method, uri: &str) -> Request {
        let mut r = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.body(Body::empty()).unwrap()
    }

    fn status(guard: &Guard, headers: &[(&str, &str)]) -> Option<StatusCode> {
        refusal(guard, &request(headers, Method::GET, "/")).map(|r| r.status())
    }

    #[test]
    fn only_local_hosts_and_addresses_are_answered() {
        let g = Guard::default();
        for ok in [
            "localhost:7878",
            "127.0.0.1:7878",
            "[::1]:7878",
            "LOCALHOST",
            "192.168.1.5:80",
        ] {
            assert_eq!(status(&g, &[("host", ok)]), None, "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:7878",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
        ] {
            assert_eq!(
                status(&g, &[("host", bad)]),
                Some(StatusCode::FORBIDDEN),
                "{bad}"
            );
        }
        assert_eq!(status(&g, &[]), Some(StatusCode::FORBIDDEN));
        let named = Guard {
            hosts: vec!["studio.lan".into()],
            token: None,
        };
        assert_eq!(status(&named, &[("host", "studio.lan:7878")]), None);
    }

    #[test]
    fn only_the_studios_own_page_may_ask() {
        let g = Guard::default();
        let host = ("host", "127.0.0.1:7878");
        assert_eq!(
            status(&g, &[host, ("origin", "http://127.0.0.1:7878")]),
            None
        );
        for bad in [
            "http://evil.example",
            "null",
            "http://127.0.0.1:9999",
            "http://127.0.0.1",
        ] {
            assert_eq!(
                status(&g, &[host, ("origin", bad)]),
                Some(StatusCode::FORBIDDEN),
                "{bad}"
            );
        }
        assert_eq!(
            status(&g, &[host, ("sec-fetch-site", "cross-site")]),
            Some(StatusCode::FORBIDDEN)
        );
    }

    #[test]
    fn posts_must_be_json_of_a_bounded_size() {
        let g = Guard::default();
        let post = |headers: &[(&str, &str)]| {
            refusal(&g, &request(headers, Method::POST, "/api/run")).map(|r| r.status())
        };
        let host = ("host", "localhost:7878");
        assert_eq!(post(&[host, ("content-type", "application/json")]), None);
        assert_eq!(
            post(&[host, ("content-type", "application/json; charset=utf-8")]),
            None
        );
        for bad in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ] {
            assert_eq!(
                post(&[host, ("content-type", bad)]),
                Some(StatusCode::UNSUPPORTED_MEDIA_TYPE),
                "{bad}"
            );
        }
        assert_eq!(post(&[host]), Some(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        assert_eq!(
            post(&[
                host,
                ("content-type", "application/json"),
                ("content-length", "10000000")
            ]),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
    }

    #[test]
    fn a_token_is_needed_where_one_is_set() {
        let g = Guard::for_address("0.0.0.0".parse().unwrap(), vec![]).unwrap();
        let token = g.token.clone().unwrap();
        assert_eq!(token.len(), 48);
        assert!(
            Guard::for_address("127.0.0.1".parse().unwrap(), vec![])
                .unwrap()
                .token
                .is_none()
        );
        let host = ("host", "10.0.0.2:7878");
        let at = |uri: &str, headers: &[(&str, &str)]| {
            let mut all = vec![host];
            all.extend_from_slice(headers);
            refusal(&g, &request(&all, Method::GET, uri)).map(|r| r.status())
        };
        assert_eq!(at("/", &[]), Some(StatusCode::FORBIDDEN));
        assert_eq!(at("/?token=nope", &[]), Some(StatusCode::FORBIDDEN));
        assert_eq!(at(&format!("/?token={token}"), &[]), None);
        let cookie = format!("other=1; {COOKIE}={token}");
        assert_eq!(at("/api/scenarios", &[("cookie", &cookie)]), None);
        let auth = format!("token {token}");
        assert_eq!(at("/api/scenarios", &[("authorization", &auth)]), None);
        assert_eq!(
            at("/api/scenarios", &[("authorization", "token x")]),
            Some(StatusCode::FORBIDDEN)
        );
    }
}
