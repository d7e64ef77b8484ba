//! A real browser for the tests: the distribution's headless Chromium,
//! driven over the DevTools protocol (a WebSocket), so a test can load a
//! page, run a script in it as a user's clicks would, wait for what it
//! expects, read the console and take a screenshot.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// The distribution's Chromium, if this machine has it; when it has none
/// and `GRAPEVINE_REQUIRE_BROWSER` is set (as `.ci/run` sets it), the
/// test fails rather than skips.
pub fn chromium(test: &str) -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("GRAPEVINE_REQUIRE_BROWSER").is_none(),
            "GRAPEVINE_REQUIRE_BROWSER is set but there is no chromium"
        );
        eprintln!("note: no chromium on this machine: {test} is skipped (`.ci/run` installs it)");
    }
    found
}

pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    /// Console messages, exceptions and failed loads, as the protocol
    /// reported them.
    log: Vec<Value>,
}

impl Browser {
    /// A headless browser with a `width` x `height` window.
    pub fn start(binary: &str, width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let port = wait_for_port(profile.path());
        let list: Value = serde_json::from_str(
            &ureq::get(format!("http://127.0.0.1:{port}/json/list"))
                .call()
                .unwrap()
                .body_mut()
                .read_to_string()
                .unwrap(),
        )
        .unwrap();
        let page = list
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .expect("chromium opened no page");
        let url = page["webSocketDebuggerUrl"].as_str().unwrap();
        let (socket, _) = tungstenite::connect(url).unwrap();
        if let MaybeTlsStream::Plain(s) = socket.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        }
        let mut b = Browser {
            child,
            _profile: profile,
            socket,
            next: 0,
            log: Vec::new(),
        };
        for domain in ["Runtime.enable", "Log.enable", "Page.enable"] {
            b.call(domain, json!({}));
        }
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        b
    }

    /// Calls a protocol method; its result. Events that arrive meanwhile
    /// are kept if they are console messages, exceptions or log entries.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let text = json!({"id": id, "method": method, "params": params}).to_string();
        self.socket.send(Message::text(text)).unwrap();
        loop {
            let message = self.socket.read().unwrap();
            let Message::Text(text) = message else {
                continue;
            };
            let v: Value = serde_json::from_str(text.as_str()).unwrap();
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
            let kept = [
                "Runtime.consoleAPICalled",
                "Runtime.exceptionThrown",
                "Log.entryAdded",
            ];
            if kept.iter().any(|k| v["method"] == *k) {
                self.log.push(v);
            }
        }
    }

    pub fn go(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
    }

    /// Evaluates `script` in the page (awaiting a promise) and returns its
    /// value; a script that throws fails the test.
    pub fn eval(&mut self, script: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": script, "awaitPromise": true, "returnByValue": true}),
        );
        assert!(
            r.get("exceptionDetails").is_none(),
            "the script threw: {script}\n{}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    /// Waits up to `seconds` for `condition` (a script expression) to hold.
    pub fn wait(&mut self, condition: &str, seconds: u64) -> bool {
        let script = format!(
            "new Promise(ok => {{ const t0 = Date.now(); (function poll() {{ let v = false; \
             try {{ v = ({condition}); }} catch (e) {{}} \
             if (v) ok(true); else if (Date.now() - t0 > {ms}) ok(false); else setTimeout(poll, 25); }})(); }})",
            ms = seconds * 1000
        );
        self.eval(&script) == json!(true)
    }

    /// Writes a PNG of the window to `path`.
    pub fn screenshot(&mut self, path: &Path) {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Every console message, uncaught exception and failed load so far,
    /// as text (a clean page has none).
    pub fn problems(&mut self) -> Vec<String> {
        // Let late messages arrive.
        self.eval("new Promise(ok => setTimeout(ok, 100))");
        self.log
            .iter()
            .map(|v| {
                let p = &v["params"];
                match v["method"].as_str() {
                    Some("Log.entryAdded") => format!(
                        "{} {}: {} {}",
                        p["entry"]["level"],
                        p["entry"]["source"],
                        p["entry"]["text"],
                        p["entry"]["url"]
                    ),
                    Some("Runtime.exceptionThrown") => {
                        format!("exception: {}", p["exceptionDetails"])
                    }
                    _ => format!("console.{}: {}", p["type"], p["args"]),
                }
            })
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port Chromium's DevTools listen on, from the file it writes in its
/// profile folder once it is listening.
fn wait_for_port(profile: &Path) -> u16 {
    let started = Instant::now();
    let file = profile.join("DevToolsActivePort");
    loop {
        if let Some(port) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| t.lines().next()?.trim().parse().ok())
        {
            return port;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "chromium did not open its DevTools port"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
