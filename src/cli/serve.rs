//! `grapevine serve`: the studio's server, until Ctrl-C.

use super::*;

/// `grapevine serve`: the studio's server, on the loopback address unless
/// told otherwise, until Ctrl-C.
pub(super) fn serve_command(args: &ServeArgs) -> Result<(), Error> {
    let served: Vec<crate::serve::Served> = if args.scenarios.is_empty() {
        LESSONS
            .iter()
            .map(|(name, text)| crate::serve::Served {
                name: (*name).to_string(),
                path: PathBuf::from(format!("scenarios/{name}.toml")),
                text: (*text).to_string(),
            })
            .collect()
    } else {
        let mut list: Vec<crate::serve::Served> = Vec::new();
        for path in &args.scenarios {
            let text =
                crate::input::read_text(path, crate::input::MAX_SCENARIO_BYTES).map_err(|e| {
                    Error::Usage(format!("{}: {}", path.display(), e.describe("scenario")))
                })?;
            let name = path
                .file_stem()
                .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
            if list.iter().any(|s| s.name == name) {
                return Err(Error::Usage(format!(
                    "two served scenarios are named `{name}`; rename one of the files"
                )));
            }
            list.push(crate::serve::Served {
                name,
                path: path.clone(),
                text,
            });
        }
        list
    };
    let host = args
        .host
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    if !host.is_loopback() {
        eprintln!(
            "warning: listening on {host}: anyone who can reach this machine can run scenarios on it"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the server: {e}")))?;
    runtime.block_on(async {
        let listen = crate::serve::Listen {
            addr: std::net::SocketAddr::new(host, args.port),
            allow_hosts: args.allow_host.clone(),
        };
        let (first, second) = (stop_signal(), stop_signal());
        crate::serve::serve(
            served,
            listen,
            |addr, token| {
                let page = match token {
                    Some(t) => format!("http://{addr}/?token={t}"),
                    None => format!("http://{addr}/"),
                };
                println!("grapevine studio: {page} (Ctrl-C stops it)");
                let _ = std::io::Write::flush(&mut std::io::stdout());
            },
            async move {
                first.await;
                eprintln!("grapevine studio: stopping (Ctrl-C again ends it at once)");
            },
            async move {
                second.await;
            },
        )
        .await
    })
}
