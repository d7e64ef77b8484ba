//! `grapevine run`: run scenarios and write each one's folder: charts,
//! tables, report, deck and, when asked, the network film.

use super::*;

pub(super) fn run_command(args: &RunArgs) -> Result<(), Error> {
    let o = &args.options;
    check_formats(&o.format)?;
    let mut loaded = load_all(&args.scenarios, &o.set)?;
    loaded.iter_mut().for_each(|s| apply_flags(s, o));
    if let Some(k) = args.replication {
        for s in &mut loaded {
            s.first_replication = k;
            s.runs = 1;
        }
    }
    let several = loaded.len() > 1;
    let dests: Vec<PathBuf> = loaded
        .iter()
        .map(|s| output_folder(args.out.as_deref(), &s.source, several))
        .collect();
    refuse_shared_folders(&loaded, &dests)?;
    if args.animate || args.gexf {
        refuse_unfilmable(&loaded, args)?;
    }
    // Refuse a folder that cannot be written before anything runs.
    for (s, dest) in loaded.iter().zip(&dests) {
        output::folder::check(dest, &inputs(s))?;
    }
    if !o.quiet {
        for s in &loaded {
            for c in scenario::setting::set_conflicts(s) {
                eprintln!("note: {}", c.explain());
            }
        }
    }
    let rt = Runtime::new(o.threads, useful_threads(&loaded))?;
    let bar = Bar::new(!o.quiet);
    for (s, dest) in loaded.iter().zip(&dests) {
        let started = Instant::now();
        let report = rt
            .pool
            .install(|| pipeline::simulate(s, &rt.options(&bar, "runs")))?;
        let film = if args.animate || args.gexf {
            Some(
                rt.pool
                    .install(|| film::record(&report, &rt.options(&bar, "runs")))?,
            )
        } else {
            None
        };
        let extras = output::Extras {
            film: film.as_ref(),
            gif: args.animate,
            gexf: args.gexf,
            per_run: args.per_run,
        };
        // Charts are drawn in parallel: on this pool, with its threads.
        rt.pool.install(|| {
            output::write_folder(dest, &inputs(s), &|| rt.cancelled(), |dir| {
                output::write_report(dir, &report, &o.format, extras, &|| rt.cancelled()).map_err(
                    |e| {
                        if rt.cancelled() {
                            Error::Cancelled
                        } else {
                            Error::Other(format!("writing {}: {e}", dest.display()))
                        }
                    },
                )
            })
        })?;
        if !o.quiet {
            console::print_headline(&report, dest, started.elapsed().as_secs_f64());
        }
    }
    Ok(())
}

/// The network pictures show attitudes and stories: a classic model has
/// neither, so `--animate` and `--gexf` are refused for it before anything
/// runs, as is a run longer than a picture can hold.
fn refuse_unfilmable(loaded: &[Scenario], args: &RunArgs) -> Result<(), Error> {
    let flag = if args.animate { "--animate" } else { "--gexf" };
    for s in loaded {
        let kind = s.baseline().model.kind();
        if !kind.declaration().stories {
            return Err(Error::Usage(format!(
                "{flag} draws attitudes and the stories people tell, which `{}` ({}) does not have\n  = help: the network pictures are for the word-of-mouth model; run this scenario without {flag}",
                s.source.display(),
                kind.declaration().title
            )));
        }
        if s.ticks > film::MAX_TICKS {
            return Err(Error::Usage(format!(
                "{flag} pictures every tick, and `{}` has {} ticks: at most {} can be pictured\n  = help: run it without {flag}, or picture a shorter run with --set ticks={}",
                s.source.display(),
                s.ticks,
                film::MAX_TICKS,
                film::MAX_TICKS
            )));
        }
    }
    Ok(())
}

/// Two scenarios of one run may not write the same folder (`a/town.toml`
/// and `b/town.toml` both go to `output/town`), nor the same scenario twice.
fn refuse_shared_folders(loaded: &[Scenario], dests: &[PathBuf]) -> Result<(), Error> {
    for (i, dest) in dests.iter().enumerate() {
        if let Some(j) = dests[..i].iter().position(|d| d == dest) {
            return Err(Error::Usage(format!(
                "`{}` and `{}` would both write {}/\n  = help: run them one at a time with their own --out, or rename one of the files",
                loaded[j].source.display(),
                loaded[i].source.display(),
                dest.display()
            )));
        }
    }
    Ok(())
}
