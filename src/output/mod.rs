//! Results out: CSV and JSON tables, charts, the one-page report, and the
//! folder they go in.
//!
//! Each format is a function from the collected results to bytes (or to a
//! drawing), and writing is separate: [`folder`] fills a temporary folder
//! beside the destination, which replaces the destination only once
//! everything is in it, and only if grapevine wrote the folder it replaces.
//! A failed or interrupted run leaves earlier results as they were and no
//! half-written folder.

pub mod animation;
pub mod charts;
pub(crate) mod deck;
pub(crate) mod findings;
pub mod folder;
pub mod gexf;
pub mod player;
pub mod published;
pub mod report;
pub mod sweep;
pub mod tables;

pub use folder::write_folder;

use std::fs;
use std::path::Path;

use crate::error::Error;

pub use crate::film::Film;
pub use crate::results::{Results, VariantResult};

/// A chart file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 1600 x 900 bitmaps, for slides.
    Png,
    /// Vector drawings, for editing and print.
    Svg,
    /// No charts and no report: the tables and the summary only (for
    /// analysts, sweeps and benchmarks).
    None,
}

/// Whether `formats` ask for any pictures (charts and the report).
pub fn draws(formats: &[Format]) -> bool {
    formats.iter().any(|f| *f != Format::None)
}

/// What a run writes besides its tables and charts.
#[derive(Default, Clone, Copy)]
pub struct Extras<'a> {
    /// The film of the run, when it was recorded: played in the report.
    pub film: Option<&'a Film>,
    /// Write it as `network.gif`.
    pub gif: bool,
    /// Write it as `network.gexf`.
    pub gexf: bool,
    /// Write every replication's figures, tick by tick
    /// (`runs_timeseries.csv`).
    pub per_run: bool,
}

/// Writes every file of a report into `dir`: the tables, the scenario
/// file as it was read, the charts in each format, and the network
/// pictures asked for.
pub fn write_report(
    dir: &Path,
    report: &Results<'_>,
    formats: &[Format],
    extras: Extras<'_>,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<(), Box<dyn std::error::Error>> {
    put(dir, "timeseries.csv", tables::timeseries_csv(report))?;
    put(dir, "runs.csv", tables::runs_csv(report))?;
    put(dir, "measures.csv", tables::measures_csv(report.measures()))?;
    if report.variants.len() > 1 {
        put(dir, "differences.csv", tables::differences_csv(report))?;
    }
    if extras.per_run {
        put(dir, "runs_timeseries.csv", tables::per_run_csv(report))?;
    }
    if report
        .scenario
        .baseline()
        .model
        .kind()
        .declaration()
        .stories
    {
        put(dir, "reach.csv", tables::reach_csv(report))?;
    }
    put(dir, "summary.json", tables::summary_json(report))?;
    put(dir, "scenario.toml", &report.scenario.text)?;
    // The charts' bands are worked out once, for the files and the report.
    let all = if draws(formats) {
        charts::charts(report)
    } else {
        Vec::new()
    };
    if !all.is_empty() {
        charts::draw_all(dir, &all, report, formats, cancelled)?;
    }
    if cancelled() {
        return Err("interrupted".into());
    }
    if let Some(film) = extras.film {
        if extras.gif {
            let file = create(dir, "network.gif")?;
            animation::write_gif(film, file).map_err(|e| not_written("network.gif", e))?;
            // The network at the end, for the deck's "after" slide: the
            // headline's what-if beside what it is compared with.
            let names: Vec<&str> = match charts::headline::of(report) {
                Some(h) => [h.reference, h.variant]
                    .map(|v| report.variants[v].name.as_str())
                    .to_vec(),
                None => Vec::new(),
            };
            let s = report.scenario;
            let title = format!("The town after {} {}s", s.ticks, s.tick_unit);
            let file = create(dir, "network.png")?;
            animation::write_slide(film, &names, film.frames(), &title, file)
                .map_err(|e| not_written("network.png", e))?;
        }
        if extras.gexf {
            put(dir, "network.gexf", gexf::gexf(film, report))?;
        }
    }
    if cancelled() {
        return Err("interrupted".into());
    }
    if draws(formats) {
        put(dir, "report.html", report::html(report, &all, extras.film)?)?;
    }
    // The deck, from the charts just drawn as PNG.
    if formats.contains(&Format::Png) {
        deck::write(dir, report, &all, extras.film.filter(|_| extras.gif))?;
    }
    Ok(())
}

/// Why a file of the results could not be written, naming the file.
pub(crate) fn not_written(name: &str, e: impl std::fmt::Display) -> String {
    format!("`{name}` could not be written: {e}")
}

/// Writes one file of the results into `dir`.
pub(crate) fn put(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> Result<(), String> {
    fs::write(dir.join(name), bytes).map_err(|e| not_written(name, e))
}

/// One file of a run's folder, as `grapevine run` writes it (the tables,
/// the summary, or the report with its charts and, given one, its film):
/// what the studio hands out for download.
pub fn one_file(
    name: &str,
    results: &Results<'_>,
    film: Option<&crate::film::Film>,
) -> Result<Vec<u8>, Error> {
    let text = match name {
        "timeseries.csv" => tables::timeseries_csv(results),
        "runs.csv" => tables::runs_csv(results),
        "summary.json" => tables::summary_json(results),
        "report.html" => {
            report::html(results, &charts::charts(results), film).map_err(Error::Other)?
        }
        other => return Err(Error::Other(format!("`{other}` is not a file of a run"))),
    };
    Ok(text.into_bytes())
}

/// Writes a new file (`grapevine new`'s scenario), making its folder if
/// need be; refuses to touch a file that exists.
pub fn write_new_file(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Other(format!("cannot make {}: {e}", dir.display())))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Usage(format!(
                    "{} exists; grapevine never overwrites a file: choose another name",
                    path.display()
                ))
            } else {
                Error::Other(format!("cannot write {}: {e}", path.display()))
            }
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| Error::Other(format!("cannot write {}: {e}", path.display())))?;
    Ok(())
}

/// Writes a sweep shard's folder: its `shard.json`, as a whole.
pub fn write_shard(
    dest: &Path,
    inputs: &[&Path],
    cancelled: &dyn Fn() -> bool,
    shard: &crate::sweep::merge::ShardFile,
) -> Result<(), Error> {
    let text = serde_json::to_string(shard).map_err(|e| Error::Other(e.to_string()))?;
    write_folder(dest, inputs, cancelled, |dir| {
        fs::write(dir.join("shard.json"), &text)
            .map_err(|e| Error::Other(format!("writing {}: {e}", dest.display())))
    })
}

/// Creates one file of the results in `dir`, buffered.
pub(crate) fn create(dir: &Path, name: &str) -> Result<std::io::BufWriter<fs::File>, String> {
    fs::File::create(dir.join(name))
        .map(std::io::BufWriter::new)
        .map_err(|e| not_written(name, e))
}

/// Encodes RGB `pixels` of `size` as a PNG into `out`, and flushes it.
pub(crate) fn png(
    mut out: impl std::io::Write,
    size: (u32, u32),
    pixels: &[u8],
) -> Result<(), String> {
    let mut encoder = ::png::Encoder::new(&mut out, size.0, size.1);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

/// Formats a number for CSV: whole numbers without a decimal point, others
/// in Rust's shortest round-trip form (the same bits give the same text).
/// A table as CSV text (the `csv` crate quotes a field that needs it: a
/// name with a comma, a quote or a line break).
pub fn csv_text(header: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut t = Table::new(header);
    for row in rows {
        t.row(&row);
    }
    t.finish()
}

/// A CSV table written row by row into memory with the `csv` crate, which
/// quotes any field that needs it (a variant named with a comma, a quote
/// or a line break), so no name can break a row.
pub(crate) struct Table(csv::Writer<Vec<u8>>);

impl Table {
    pub(crate) fn new<S: AsRef<[u8]>>(header: &[S]) -> Table {
        let mut t = Table(csv::Writer::from_writer(Vec::new()));
        t.row(header);
        t
    }

    /// Appends a row. Writing to memory cannot fail.
    pub(crate) fn row<S: AsRef<[u8]>>(&mut self, fields: &[S]) {
        let _ = self.0.write_record(fields);
    }

    pub(crate) fn finish(self) -> String {
        String::from_utf8(self.0.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(-0.25), "-0.25");
        assert_eq!(num(0.1 + 0.2), "0.30000000000000004");
    }
}
