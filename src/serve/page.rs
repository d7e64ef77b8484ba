//! The studio's page, embedded in the binary: its HTML, styles and script,
//! the network player the report uses, and uPlot (vendored, pinned at
//! 1.6.32, MIT; its licence is served beside it). Nothing is fetched from
//! anywhere else.

/// A file the page loads: its path, content type and bytes.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

pub const INDEX: &str = include_str!("../../assets/studio/index.html");

/// Every asset under `/assets/`.
pub fn assets() -> Vec<Asset> {
    vec![
        Asset {
            path: "studio.js",
            content_type: "text/javascript; charset=utf-8",
            body: include_str!("../../assets/studio/studio.js"),
        },
        Asset {
            path: "studio.css",
            content_type: "text/css; charset=utf-8",
            body: include_str!("../../assets/studio/studio.css"),
        },
        Asset {
            path: "player.js",
            content_type: "text/javascript; charset=utf-8",
            body: crate::output::player::PLAYER_JS,
        },
        Asset {
            path: "uPlot.iife.min.js",
            content_type: "text/javascript; charset=utf-8",
            body: include_str!("../../assets/studio/vendor/uPlot.iife.min.js"),
        },
        Asset {
            path: "uPlot.min.css",
            content_type: "text/css; charset=utf-8",
            body: include_str!("../../assets/studio/vendor/uPlot.min.css"),
        },
        Asset {
            path: "uPlot-LICENSE.txt",
            content_type: "text/plain; charset=utf-8",
            body: include_str!("../../assets/studio/vendor/uPlot-LICENSE.txt"),
        },
    ]
}

/// What the page may load and where it may connect: only this server.
/// uPlot sizes its elements through the style property (allowed); the
/// player's colour ramp is an inline style attribute.
pub const POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
