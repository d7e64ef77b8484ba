//! What the command line shows: the progress bar, a run's headline
//! figures, and what `check` found.

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::forecast::{available_memory, bytes, duration, run_time};
use crate::measures::Scale;
use crate::output::Results;
use crate::output::charts::short_number;
use crate::output::findings::{amount, plain, what};
use crate::pipeline::{Estimate, Pilot, PilotFigure, Progress};
use crate::scenario::{self, NetworkSpec, Scenario};

/// A progress bar on the terminal (none when stderr is not one, or when
/// told to be quiet), and notes above it.
pub struct Bar {
    bar: std::sync::Mutex<ProgressBar>,
    show: bool,
}

impl Bar {
    pub fn new(show: bool) -> Self {
        Self {
            bar: std::sync::Mutex::new(ProgressBar::hidden()),
            show,
        }
    }

    fn with(&self, f: impl FnOnce(&ProgressBar)) {
        f(&self.bar.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

impl Progress for Bar {
    fn start(&self, label: &str, total: u64) {
        if !self.show || !std::io::stderr().is_terminal() {
            return;
        }
        let style = ProgressStyle::with_template(
            "{msg} {wide_bar} {percent}%, {human_pos}/{human_len} agent-ticks at {rate}, {elapsed} elapsed, ETA {eta}",
        )
        .map(|s| {
            // A whole number of agent-ticks a second, thousands separated.
            s.with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}/s", indicatif::HumanCount(state.per_sec() as u64));
            })
        })
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_message(label.to_string());
        self.with(|b| b.finish_and_clear());
        *self.bar.lock().unwrap_or_else(|e| e.into_inner()) = bar;
    }

    fn advance(&self, agent_ticks: u64) {
        self.with(|b| b.inc(agent_ticks));
    }

    fn note(&self, text: &str) {
        if self.show {
            self.with(|b| b.suspend(|| eprintln!("note: {text}")));
        }
    }

    fn finish(&self) {
        self.with(|b| b.finish_and_clear());
    }
}

pub fn print_headline(report: &Results<'_>, dest: &Path, seconds: f64) {
    let s = report.scenario;
    let what_ifs = match report.variants.len() - 1 {
        0 => String::new(),
        1 => " and 1 what-if".to_string(),
        n => format!(" and {n} what-ifs"),
    };
    println!(
        "{}: {} people, the baseline{what_ifs}, {} runs of {} {}s each, in {:.1} s",
        s.title,
        indicatif::HumanCount(report.network.agents),
        s.runs,
        s.ticks,
        s.tick_unit,
        seconds,
    );
    for (k, v) in report.variants.iter().enumerate() {
        let base = report.reference(k);
        if report.variants.len() > 1 {
            println!("  {}:", v.name);
        }
        for &metric in s.baseline().model.kind().declaration().headlines {
            let b = crate::results::figures::final_band(v, metric);
            let mut line = format!(
                "    {:<34} {:>9}  (90% band {} to {})",
                metric.info().title,
                plain(metric, b.mean),
                plain(metric, b.p05),
                plain(metric, b.p95)
            );
            if k > 0 {
                let d = crate::results::figures::difference_band(v, base, metric);
                line.push_str(&format!(
                    "  vs {}: {} ({} to {})",
                    base.name,
                    amount(metric, d.mean),
                    amount(metric, d.p05),
                    amount(metric, d.p95)
                ));
            }
            println!("{line}");
        }
    }
    let report_file = dest.join("report.html");
    if report_file.is_file() {
        println!(
            "Open {} for the charts and findings.",
            report_file.display()
        );
    } else {
        println!("Written to {}/", dest.display());
    }
}

/// What `grapevine check` says of a scenario.
pub fn print_check(s: &Scenario, plan: &Estimate, threads: usize, output: &Path) {
    let base = s.baseline();
    println!("{}: ok", s.source.display());
    println!("  title:    {}", s.title);
    println!(
        "  network:  {}, {} agents, {}{} edges (mean degree {:.1})",
        network_kind(&base.network),
        plan.agents,
        if plan.exact { "" } else { "about " },
        plan.edges,
        2.0 * plan.edges as f64 / plan.agents.max(1) as f64
    );
    let groups: Vec<String> = base
        .groups
        .iter()
        .map(|g| match base.network.group_attribute() {
            Some(a) => format!("{} (by `{a}`, {:?})", g.name, g.status).to_lowercase(),
            None => format!("{} {:.0}% ({:?})", g.name, g.share * 100.0, g.status).to_lowercase(),
        })
        .collect();
    println!("  groups:   {}", groups.join(", "));
    let declared = base.model.kind().declaration();
    if !declared.parameters.is_empty() {
        let model = serde_json::to_string(&base.model).unwrap_or_default();
        println!("  model:    {model}");
    }
    println!("  ticks:    {} ({}s)", s.ticks, s.tick_unit);
    println!("  runs:     {} (seed {})", s.runs, s.seed);
    for v in &s.variants {
        let changes = match (v.changes.is_empty(), std::ptr::eq(v, base)) {
            (_, true) => "as written".to_string(),
            (true, false) => "no values changed".to_string(),
            (false, false) => v.changes.join("; "),
        };
        println!("  variant:  {}: {changes}", v.name);
        for e in &v.events {
            println!("            event `{}`, {}", e.name, describe_window(e));
        }
    }
    let (seconds, time) = run_time(s, plan.seconds);
    println!(
        "  time:     {time} on {threads} threads, outputs included ({} agent-ticks)",
        short_number(plan.agent_ticks)
    );
    if seconds > 60.0 {
        println!(
            "  warning:  this run will take {}; try `--runs 2` or fewer ticks first to see it work",
            duration(seconds)
        );
    }
    let m = &plan.memory;
    println!(
        "  memory:   about {} at peak (building the network {}, running {}, recorded figures {}){}",
        bytes(m.peak),
        bytes(m.building),
        bytes(m.running),
        bytes(m.recordings),
        available_memory().map_or(String::new(), |a| format!(" ({} available)", bytes(a)))
    );
    println!("  output:   {}/", output.display());
}

/// What the pilot run found: the town left alone, and a warning if it
/// drifts beyond a steady town's tolerances.
pub fn print_pilot(s: &Scenario, p: &Pilot) {
    let moves: Vec<String> = p.figures.iter().map(pilot_move).collect();
    println!(
        "  steady:   left alone (no events), over {} {}s after a {}-{} warm-up: {} (a {}-run pilot)",
        p.ticks,
        s.tick_unit,
        s.warmup,
        s.tick_unit,
        moves.join(", "),
        p.runs
    );
    let drifts: Vec<String> = p.drifts().iter().map(pilot_move).collect();
    if !drifts.is_empty() {
        println!(
            "  warning:  left alone, this town drifts: {} over {} {}s, before any event, so what its variants and events show rides on that drift. A longer `warmup`, or starting attitudes nearer where the town settles, steadies it: see docs/model.md, \"A steady town\"",
            drifts.join(", "),
            p.ticks,
            s.tick_unit
        );
    }
}

/// "reputation 0.21 -> 0.22", "customers 4010 -> 3951 (-1%)".
fn pilot_move(f: &PilotFigure) -> String {
    let m = f.steady.measure;
    let at = |x: f64| match m.info().scale {
        Scale::Fixed(lo, hi) if hi - lo <= 2.0 => format!("{x:.2}"),
        Scale::Fixed(..) => format!("{x:+.0}"),
        _ => format!("{x:.0}"),
    };
    let share = if f.steady.relative && f.start > 0.0 {
        format!(" ({:+.0}%)", (f.end / f.start - 1.0) * 100.0)
    } else {
        String::new()
    };
    format!("{} {} -> {}{share}", what(m), at(f.start), at(f.end))
}

fn describe_window(e: &scenario::Event) -> String {
    if e.from == e.to {
        format!("tick {}", e.from)
    } else {
        format!("ticks {} to {}", e.from, e.to)
    }
}

fn network_kind(spec: &NetworkSpec) -> String {
    serde_json::to_value(spec)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str().map(str::to_string)))
        .unwrap_or_default()
}
