//! `grapevine check`: what a run would take and whether its town is
//! steady, without running it or writing anything.

use super::*;

pub(super) fn check_command(args: &CheckArgs) -> Result<(), Error> {
    let loaded = load_all(&args.scenarios, &args.set)?;
    let threads = threads(None);
    for s in &loaded {
        let plan = pipeline::estimate(s, threads)?;
        console::print_check(s, &plan, threads, &output_folder(None, &s.source, false));
        // A short pilot, unless asked not to or it would take long itself.
        let runs = 2;
        if args.no_pilot {
            println!("  steady:   not checked (--no-pilot)");
        } else if plan.seconds * f64::from(runs)
            / f64::from(s.runs.max(1))
            / s.variants.len() as f64
            <= 20.0
        {
            let pilot = rt_pool(threads)?.install(|| pipeline::pilot(s, runs))?;
            if let Some(p) = pilot {
                console::print_pilot(s, &p);
            }
        } else {
            println!(
                "  steady:   not checked (a pilot run would take too long; try a smaller town)"
            );
        }
    }
    Ok(())
}
