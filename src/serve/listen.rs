//! The studio's connections: accepted up to a bound, each given a bounded
//! time to send its request's headers (and, once idle between requests,
//! to send the next), and all closed within a bounded time of a stop.
//!
//! `axum::serve` sets none of these bounds, so a client that opens
//! connections and never finishes a request (slowloris) could hold them for
//! ever, and a stop waited for every such connection. Here hyper's own
//! header timeout does the first (its timer also runs while a kept-alive
//! connection waits for the next request), a semaphore the second, and the
//! stop gives open connections [`GRACE`] to finish before it ends them.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// The longest a connection may take to send a request's headers, or stay
/// idle between requests.
pub const HEADER_WAIT: Duration = Duration::from_secs(10);
/// Connections open at once; more wait in the system's queue.
pub const CONNECTIONS: usize = 256;
/// How long connections get to finish after a stop.
pub const GRACE: Duration = Duration::from_secs(3);
/// The largest request head (request line and headers).
const MAX_HEAD: usize = 16 << 10;

/// Serves `app` on `listener` until `stop` resolves, then lets open
/// connections finish for at most [`GRACE`] (or until `again` resolves: a
/// second Ctrl-C ends them at once). `stopping` is called as the stop
/// begins, so that running work can be cancelled.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    stop: impl Future<Output = ()>,
    again: impl Future<Output = ()>,
    stopping: impl FnOnce(),
) {
    let open = Arc::new(tokio::sync::Semaphore::new(CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit,
            () = &mut stop => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let Ok((socket, _)) = accepted else {
            // Out of file descriptors and the like: wait, then go on.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_WAIT)
            .max_buf_size(MAX_HEAD.max(8192))
            .serve_connection(TokioIo::new(socket), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    stopping();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(GRACE) => {}
        () = again => {}
    }
}
