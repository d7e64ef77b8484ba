//! The results layer: a scenario's recorded runs, and the figures people
//! read from them.
//!
//! [`Results`] is what [`crate::pipeline::simulate`] returns: each
//! variant's replications ([`crate::record::Recorder`]) and their
//! aggregate ([`band`]). [`figures`] works out, once and for everyone, the
//! numbers the files, the report, the console, the studio and the sweeps
//! show: a final figure with its 90% band, a what-if's paired difference
//! from its reference, the headlines, story reach and customer value, and
//! which measure a comparison's finding is stated in. The writers in
//! [`crate::output`] only format these.

pub mod band;
pub mod figures;

pub use band::{Aggregate, Band, aggregate, bands_of};

use crate::measures::Measure;
use crate::network::{Network, NetworkStats};
use crate::record::Recorder;
use crate::scenario::{NetworkSpec, Scenario};

/// The results of one variant of a scenario.
pub struct VariantResult {
    pub name: String,
    pub runs: Vec<Recorder>,
    pub aggregate: Aggregate,
}

/// Everything a run produced, ready to be read and written.
pub struct Results<'a> {
    pub scenario: &'a Scenario,
    /// The baseline's network.
    pub network: NetworkStats,
    pub variants: Vec<VariantResult>,
    /// Every distinct network the variants ran on, the baseline's first
    /// (for the network pictures).
    pub networks: Vec<(NetworkSpec, Network)>,
}

impl Results<'_> {
    /// The measures this run's model records.
    pub fn measures(&self) -> &'static [Measure] {
        self.scenario.baseline().model.kind().measures()
    }

    /// What variant `k`'s findings are measured against: the variant its
    /// `compare_to` names, or the baseline.
    pub fn reference(&self, k: usize) -> &VariantResult {
        let r = self.scenario.variants.get(k).map_or(0, |v| v.reference);
        &self.variants[r.min(self.variants.len() - 1)]
    }

    /// Whether any what-if is measured against another than the baseline.
    pub fn has_own_references(&self) -> bool {
        self.scenario.variants.iter().any(|v| v.reference != 0)
    }

    /// Column names for groups: `all`, then the scenario's groups.
    pub fn slots(&self) -> Vec<&str> {
        std::iter::once("all")
            .chain(
                self.scenario
                    .baseline()
                    .groups
                    .iter()
                    .map(|g| g.name.as_str()),
            )
            .collect()
    }
}
