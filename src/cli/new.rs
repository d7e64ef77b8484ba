//! `grapevine new`: a scenario file to start from, checked before it is
//! written, never over a file that exists.

use super::*;

/// `grapevine new NAME [--from LESSON]`: a starting scenario, checked to
/// run as written, in a file that did not exist.
pub(super) fn new_command(args: &NewArgs) -> Result<(), Error> {
    let mut path = args.name.clone();
    if path.extension().is_none_or(|e| e != "toml") {
        path.set_extension("toml");
    }
    let stem = path.file_stem().map_or_else(
        || "My town".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let text = match &args.from {
        None => NEW_SCENARIO.replace("TITLE", &stem),
        Some(name) => {
            let Some((_, lesson)) = LESSONS.iter().find(|(n, _)| n == name) else {
                let names: Vec<&str> = LESSONS.iter().map(|(n, _)| *n).collect();
                return Err(Error::Usage(format!(
                    "--from `{name}` is not a shipped lesson; allowed: {}",
                    names.join(", ")
                )));
            };
            format!(
                "# Written by `grapevine new --from {name}`: a copy of the lesson to change.\n\n{lesson}"
            )
        }
    };
    // What it writes must run: checked before anything is written.
    Scenario::parse(&text, &path)?;
    output::write_new_file(&path, &text)?;
    println!(
        "wrote {}: run it with grapevine run {}",
        path.display(),
        path.display()
    );
    Ok(())
}
