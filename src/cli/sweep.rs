//! `grapevine sweep` and `grapevine merge`: flags into a
//! [`sweep::Request`], the library's plan run on the thread pool, and the
//! table printed. Planning, statistics and the merge's checks are the
//! library's ([`crate::sweep`]).

use std::path::Path;
use std::time::Instant;

use super::console::Bar;
use super::{MergeArgs, Runtime, SweepArgs, apply_flags, check_formats, inputs, useful_threads};
use crate::error::Error;
use crate::output;
use crate::output::charts::short_number;
use crate::sweep::{self, Design};

pub(super) fn sweep_command(args: &SweepArgs) -> Result<(), Error> {
    let o = &args.options;
    check_formats(&o.format)?;
    let params = args.param.clone();
    let design = args
        .design
        .as_deref()
        .map(Design::read)
        .transpose()
        .map_err(Error::Usage)?;
    let shard = args.shard.map(|s| (s.k, s.n));
    let sweep::Prepared {
        plan,
        scenarios,
        variants,
    } = sweep::prepare(&sweep::Request {
        scenario: &args.scenario,
        params,
        design,
        set: &o.set,
        variants: args.variants.as_deref(),
        metrics: args.metric.as_deref(),
        groups: args.group.as_deref(),
        per_run: args.per_run,
        adjust: &|s| apply_flags(s, o),
    })?;
    if !o.quiet {
        for c in &plan.conflicts {
            let hint = if c.from == "sweep" {
                " (--variants NAME,... sweeps only the others)"
            } else {
                ""
            };
            eprintln!("note: {}{hint}", c.explain());
        }
    }
    let first = &scenarios[0];
    let stem = args
        .scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    let default = match shard {
        Some((k, n)) => format!("{stem}-sweep-shard-{k}-of-{n}"),
        None => format!("{stem}-sweep"),
    };
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(default));
    let mut read: Vec<&Path> = inputs(first);
    read.extend(args.design.as_deref());
    output::folder::check(&dest, &read)?;
    let mut units = plan.units();
    if let Some((k, n)) = shard {
        units = units[sweep::shard(units.len(), k, n)].to_vec();
    }
    let rt = Runtime::new(o.threads, useful_threads(&scenarios))?;
    let bar = Bar::new(!o.quiet);
    let started = Instant::now();
    let outcomes = rt.pool.install(|| {
        sweep::run_units(
            &plan,
            &scenarios,
            &variants,
            &units,
            &rt.options(&bar, "runs"),
            &|_| {},
        )
    })?;
    let formats: Vec<String> = o
        .format
        .iter()
        .map(|f| format!("{f:?}").to_lowercase())
        .collect();
    if let Some((k, n)) = shard {
        let file = sweep::merge::ShardFile {
            plan,
            shard: k,
            shards: n,
            formats,
            outcomes,
        };
        output::write_shard(&dest, &read, &|| rt.cancelled(), &file)?;
        if !o.quiet {
            println!(
                "{}: shard {k} of {n} ({} of {} runs) in {:.1} s -> {}/\n  merge every shard with: grapevine merge DIR... --out DIR",
                file.plan.title,
                units.len(),
                file.plan.units().len(),
                started.elapsed().as_secs_f64(),
                dest.display()
            );
        }
        return Ok(());
    }
    let rows = sweep::assemble(&plan, &outcomes)?;
    rt.pool.install(|| {
        output::write_folder(&dest, &read, &|| rt.cancelled(), |dir| {
            output::sweep::write(dir, &plan, &rows, &outcomes, &o.format)
                .map_err(|e| Error::Other(format!("writing {}: {e}", dest.display())))
        })
    })?;
    if !o.quiet {
        print_sweep(&plan, &rows, started.elapsed().as_secs_f64(), &dest);
    }
    Ok(())
}

/// The sweep's table on the terminal: the first measure at each point, a
/// line per variant.
fn print_sweep(plan: &sweep::Plan, rows: &[sweep::Row], seconds: f64, dest: &Path) {
    let names: Vec<&str> = plan.params.iter().map(|p| p.path.as_str()).collect();
    let others = match plan.metrics.len() {
        1 => String::new(),
        2 => " (and 1 more measure in sweep.csv)".to_string(),
        n => format!(" (and {} more measures in sweep.csv)", n - 1),
    };
    let points = match &plan.design {
        Some(d) => format!("{} design points from {}", rows.len(), d.file),
        None => format!("{} points", rows.len()),
    };
    println!(
        "{}: final {} against {} ({points}) in {:.1} s -> {}/{others}",
        plan.title,
        plan.metrics[0],
        names.join(" and "),
        seconds,
        dest.display()
    );
    // A long sweep prints its first lines; the table has them all.
    const SHOWN: usize = 30;
    let lines = rows.len() * plan.variants.len();
    for row in rows.iter().take(SHOWN.div_ceil(plan.variants.len().max(1))) {
        for (v, band) in row.bands[0].iter().enumerate() {
            let figures = band.map_or("(not produced)".to_string(), |b| {
                format!(
                    "{:>10}  (90% band {} to {})",
                    short_number(b.mean),
                    short_number(b.p05),
                    short_number(b.p95)
                )
            });
            println!(
                "  {:<28} {:<24} {figures}",
                sweep::describe(&plan.params, &row.values),
                plan.variants[v]
            );
        }
    }
    if lines > SHOWN {
        println!("  ... and more: every point is in sweep.csv");
    }
}

/// `grapevine merge`: the shards' outcomes, checked to be of one sweep
/// and complete, assembled and written as the whole sweep would be.
pub(super) fn merge_command(args: &MergeArgs) -> Result<(), Error> {
    let merged = sweep::merge::merge(&args.shards)?;
    let formats = merged
        .formats
        .iter()
        .map(|f| <output::Format as clap::ValueEnum>::from_str(f, true))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::Usage)?;
    let shard_dirs: Vec<&Path> = args.shards.iter().map(|p| p.as_path()).collect();
    output::write_folder(&args.out, &shard_dirs, &|| false, |dir| {
        output::sweep::write(dir, &merged.plan, &merged.rows, &merged.outcomes, &formats)
            .map_err(|e| Error::Other(format!("writing {}: {e}", args.out.display())))
    })?;
    if !args.quiet {
        println!(
            "{}: {} shards merged -> {}/",
            merged.plan.title,
            merged.shards,
            args.out.display()
        );
    }
    Ok(())
}
