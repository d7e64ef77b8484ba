//! What a run found, in words: each what-if's difference from the
//! baseline at the end, with its 90% band, as the line under the compare
//! chart's title and as the sentences that open the report.
//!
//! Differences are paired replication by replication (replication r of
//! every variant draws the same numbers where they do not differ), so the
//! band is of the change's effect, not of luck.

use crate::measures::{Kind, Measure, Scale};
use crate::output::Results;
use crate::results::Band;
use crate::results::figures::finding_measure;

/// Whether a measure counts things (people, referrals, value) rather than
/// sitting on a fixed scale (attitude, NPS, shares).
pub(crate) fn counts(m: Measure) -> bool {
    !matches!(m.info().scale, Scale::Fixed(..))
}

/// A value with its sign, as a finding states it: a count whole (with
/// thousands separated), an attitude or share to three decimals, NPS to
/// one.
pub(crate) fn amount(m: Measure, x: f64) -> String {
    let text = signed(m, x);
    // A value that rounds to zero reads "+0", never "-0.0".
    if text.starts_with('-') && text.chars().all(|c| matches!(c, '-' | '0' | '.' | ',')) {
        format!("+{}", &text[1..])
    } else {
        text
    }
}

fn signed(m: Measure, x: f64) -> String {
    match m.info().scale {
        Scale::Fixed(lo, hi) if hi - lo <= 2.0 => format!("{x:+.3}"),
        Scale::Fixed(..) => format!("{x:+.1}"),
        _ if x.abs() >= 100.0 || m.kind() == Kind::Flow || m.info().unit.contains("people") => {
            group(&format!("{x:+.0}"))
        }
        _ => format!("{x:+.1}"),
    }
}

/// A value without its sign unless negative.
pub(crate) fn plain(m: Measure, x: f64) -> String {
    amount(m, x).trim_start_matches('+').to_string()
}

/// Thousands separated: +1234 -> +1,234.
fn group(s: &str) -> String {
    let (sign, digits) = s.split_at(usize::from(s.starts_with(['+', '-'])));
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A measure's name inside a sentence: "customers", "reputation",
/// "Net Promoter Score".
pub(crate) fn what(m: Measure) -> String {
    let title = m.info().title;
    let title = title.split(" (").next().unwrap_or(title);
    let title = title.strip_suffix(" of customers").unwrap_or(title);
    if title.starts_with("Net Promoter") {
        title.to_string()
    } else {
        title.to_lowercase()
    }
}

/// The line under the compare chart's title, in words a room reads: each
/// what-if's difference from its reference (the baseline unless it names
/// another) at the end, "no clear change" where its 90% band holds zero.
/// The bands themselves are in the report and the notes, not on a slide.
pub(crate) fn headline(report: &Results<'_>) -> Option<String> {
    if report.variants.len() < 2 {
        return None;
    }
    let m = finding_measure(report)?;
    // Each what-if, grouped under the reference it is measured against
    // (the baseline, or the variant its `compare_to` names), so a
    // reference is named once.
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for (k, v) in report.variants.iter().enumerate().skip(1) {
        let reference = report.reference(k);
        let d = crate::results::figures::difference_band(v, reference, m);
        let change = if d.p05 <= 0.0 && d.p95 >= 0.0 {
            "no clear change".to_string()
        } else {
            amount(m, d.mean)
        };
        let part = format!("{} {change}", v.name);
        match groups.iter_mut().find(|(r, _)| *r == reference.name) {
            Some((_, parts)) => parts.push(part),
            None => groups.push((&reference.name, vec![part])),
        }
    }
    let said: Vec<String> = groups
        .iter()
        .map(|(r, parts)| format!("against {r}: {}", parts.join(", ")))
        .collect();
    Some(format!(
        "After {} {}s, {}, {}",
        report.scenario.ticks,
        report.scenario.tick_unit,
        what(m),
        said.join("; ")
    ))
}

/// One what-if's finding as a plain sentence: "After 52 weeks, recovery
/// programme ends with 638 more customers than no recovery (90% band: 580
/// to 692)." A band that holds zero is said to be no clear difference.
pub(crate) fn sentence(m: Measure, d: Band, variant: &str, baseline: &str, when: &str) -> String {
    let size = plain(m, d.mean.abs());
    let what = what(m);
    let change = if counts(m) {
        let more = if d.mean >= 0.0 { "more" } else { "fewer" };
        if m.kind() == Kind::Flow {
            format!("{when}, {variant} has had {size} {more} {what} in all than {baseline}")
        } else {
            format!("{when}, {variant} ends with {size} {more} {what} than {baseline}")
        }
    } else {
        let higher = if d.mean >= 0.0 { "higher" } else { "lower" };
        format!("{when}, {variant} ends with {what} {size} {higher} than {baseline}")
    };
    let clear = if d.p05 <= 0.0 && d.p95 >= 0.0 {
        ": within the runs' spread, so no clear difference"
    } else {
        ""
    };
    format!(
        "{change} (90% band: {} to {}{clear}).",
        amount(m, d.p05),
        amount(m, d.p95)
    )
}

/// Every what-if's finding in the measure the compare chart states it in.
pub(crate) fn sentences(report: &Results<'_>) -> Vec<String> {
    let Some(m) = finding_measure(report) else {
        return Vec::new();
    };
    let s = report.scenario;
    let when = format!("After {} {}s", s.ticks, s.tick_unit);
    report
        .variants
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, v)| {
            let reference = report.reference(k);
            sentence(
                m,
                crate::results::figures::difference_band(v, reference, m),
                &v.name,
                &reference.name,
                &when,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(mean: f64, p05: f64, p95: f64) -> Band {
        Band { mean, p05, p95 }
    }

    #[test]
    fn amounts_read_as_a_room_would_say_them() {
        assert_eq!(amount(Measure::Customers, 1234.4), "+1,234");
        assert_eq!(amount(Measure::Customers, -638.0), "-638");
        assert_eq!(amount(Measure::Reputation, 0.12), "+0.120");
        assert_eq!(amount(Measure::Nps, -3.04), "-3.0");
        assert_eq!(amount(Measure::Customers, -0.0), "+0");
        assert_eq!(amount(Measure::Nps, -0.03), "+0.0");
        assert_eq!(amount(Measure::Reputation, -0.0001), "+0.000");
        assert_eq!(plain(Measure::Customers, 1234.0), "1,234");
    }

    #[test]
    fn a_finding_is_a_sentence_with_its_band() {
        let s = sentence(
            Measure::Customers,
            band(638.0, 580.0, 692.0),
            "recovery programme",
            "no recovery",
            "After 52 weeks",
        );
        assert_eq!(
            s,
            "After 52 weeks, recovery programme ends with 638 more customers than no recovery (90% band: +580 to +692)."
        );
        let s = sentence(
            Measure::Referrals,
            band(-12.0, -20.0, -4.0),
            "cut back",
            "ride it out",
            "After 52 weeks",
        );
        assert!(
            s.contains("has had 12 fewer referrals in all than ride it out"),
            "{s}"
        );
        let s = sentence(
            Measure::Nps,
            band(1.5, -2.0, 5.0),
            "a",
            "b",
            "After 10 days",
        );
        assert!(
            s.contains("ends with Net Promoter Score 1.5 higher than b"),
            "{s}"
        );
        assert!(s.contains("no clear difference"), "{s}");
    }
}
