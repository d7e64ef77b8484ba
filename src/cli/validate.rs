//! `grapevine validate`: the classic models against their known answers.

use super::*;

pub(super) fn validate_command(args: &ValidateArgs) -> Result<(), Error> {
    let rt = Runtime::new(args.threads, usize::MAX)?;
    let started = Instant::now();
    let validation = rt
        .pool
        .install(|| crate::validation::run_all(crate::validation::Effort { quick: args.quick }));
    let checks = &validation.checks;
    print!("{}", crate::validation::table(checks));
    let failed = checks.iter().filter(|c| !c.passed()).count();
    println!(
        "{} checks, {} passed, {} failed, in {:.1} s (tolerance: {} standard errors of the simulated mean, plus the computed gap between discrete and continuous time where the theory is continuous; a range passes when the mean reaches it within the tolerance)",
        checks.len(),
        checks.len() - failed,
        failed,
        started.elapsed().as_secs_f64(),
        crate::validation::Z
    );
    if let Some(dest) = &args.charts {
        let formats = &args.format;
        output::write_folder(dest, &[], &|| rt.cancelled(), |dir| {
            output::published::write(dir, checks, &validation.pictures, formats)
                .map_err(|e| Error::Other(e.to_string()))
        })?;
        println!("Charts and checks.csv in {}", dest.display());
    }
    if failed > 0 {
        return Err(Error::Other(format!("{failed} validation checks failed")));
    }
    Ok(())
}
