//! Recording one replication: what the dynamics measured, tick by tick,
//! and how far their stories travelled.
//!
//! [`Recorder`] is the observer the engine calls after tick 0 and after each
//! tick with that tick's [`Frame`] of figures and the stories it followed;
//! it keeps the frames and turns the stories into their reach. Nothing here
//! knows which model made the figures or how it numbers its stories: the
//! frames' measures and the stories' [`StoryKey`] reader say. Turning the
//! recordings into the figures people read is [`crate::results`]'s work.

pub use crate::measures::{Kind, Measure};
use crate::model::{Frame, Stories, StoryKey};

/// The engine's observer: called with the figures after tick 0 and each
/// tick, and once at the end of the replication.
pub trait Observer {
    fn observe(&mut self, tick: u32, frame: Frame, stories: Stories);
    fn finish(&mut self) {}
}

/// How far one first-hand story travelled: the distinct people who heard it
/// from its teller or through retelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// The story's id, as its model numbers it.
    pub story: u64,
    pub bad: bool,
    /// Who first told it.
    pub teller: u32,
    pub people: u32,
}

/// The most (story, hearer) pairs a replication keeps for the reach
/// measure (16 bytes each: 64 MiB). Past it, half the stories are dropped
/// from the sample, as many times as it takes.
pub const REACH_BUDGET: usize = 4 << 20;

/// Keeps every frame of one replication, and the reach of its stories.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// Which replication this is (its key in every random stream).
    pub replication: u32,
    /// The measures in each frame (the model's list).
    pub measures: &'static [Measure],
    pub frames: Vec<Frame>,
    /// (story id, hearer) noted while the run goes; emptied by `finish`.
    heard: Vec<(u64, u32)>,
    /// How many times the sample of stories has been halved to stay within
    /// the budget.
    halvings: u32,
    /// Whether the world follows only a sample of its stories (a large
    /// population, or a fan-out that would note too many pairs a tick).
    stories_sampled: bool,
    /// How the model reads its story ids (from the stories observed).
    key: fn(u64) -> StoryKey,
    /// The most pairs kept: [`REACH_BUDGET`] unless set (for tests).
    pub reach_budget: Option<usize>,
    /// Each tracked story's reach, in the order of their ids.
    pub reach: Vec<Reach>,
    /// Whether this recording was kept from an earlier run (the studio's
    /// memory) rather than run for the request that has it.
    pub from_memory: bool,
}

/// Whether a story stays in the sample after `halvings` halvings: a hash
/// of its id, so the choice depends on the story, not on the order threads
/// noted it.
fn kept(id: u64, halvings: u32) -> bool {
    halvings == 0
        || crate::rng::hash(id, 0, 0, 0, crate::rng::Purpose::Reach) >> (64 - halvings) == 0
}

impl Recorder {
    /// An empty recording of frames holding `measures`.
    pub fn new(measures: &'static [Measure]) -> Self {
        Self {
            replication: 0,
            measures,
            frames: Vec::new(),
            heard: Vec::new(),
            halvings: 0,
            stories_sampled: false,
            key: StoryKey::unknown,
            reach_budget: None,
            reach: Vec::new(),
            from_memory: false,
        }
    }
}

impl Observer for Recorder {
    fn observe(&mut self, _tick: u32, frame: Frame, stories: Stories) {
        self.frames.push(frame);
        self.stories_sampled |= stories.sampled;
        self.key = stories.key;
        let key = stories.key;
        let halvings = self.halvings;
        self.heard.extend(
            stories
                .heard
                .into_iter()
                .filter(|&(id, _)| kept(id, halvings)),
        );
        // The stories that can travel no further are counted now, so only
        // the last few ticks' pairs are held.
        if let Some(done) = stories.complete_through {
            let (complete, live): (Vec<_>, Vec<_>) = std::mem::take(&mut self.heard)
                .into_iter()
                .partition(|&(id, _)| key(id).born <= done);
            self.heard = live;
            self.reach.extend(reach(complete, key));
        }
        let budget = self.reach_budget.unwrap_or(REACH_BUDGET);
        if self.heard.len() > budget {
            self.heard.sort_unstable();
            self.heard.dedup();
            while self.heard.len() > budget / 2 && self.halvings < 63 {
                self.halvings += 1;
                let h = self.halvings;
                self.heard.retain(|&(id, _)| kept(id, h));
                self.reach.retain(|r| kept(r.story, h));
            }
        }
    }

    fn finish(&mut self) {
        let rest = reach(std::mem::take(&mut self.heard), self.key);
        self.reach.extend(rest);
    }
}

impl Recorder {
    /// Bytes the recording holds (what keeping it costs).
    pub fn bytes(&self) -> u64 {
        let frames: usize = self.frames.iter().map(|f| f.len() * 8 + 24).sum();
        let held = self.heard.len() * std::mem::size_of::<(u64, u32)>()
            + self.reach.len() * std::mem::size_of::<Reach>();
        (std::mem::size_of::<Self>() + frames + held) as u64
    }

    /// Whether reach was measured on a sample of the tracked stories.
    pub fn reach_sampled(&self) -> bool {
        self.halvings > 0 || self.stories_sampled
    }
}

/// Each story's distinct hearers, not counting its teller. The pairs come
/// in whatever order threads noted them; sorting makes the result the same.
pub fn reach(mut heard: Vec<(u64, u32)>, key: fn(u64) -> StoryKey) -> Vec<Reach> {
    heard.sort_unstable();
    heard.dedup();
    let mut out: Vec<Reach> = Vec::new();
    let mut current = None;
    for (id, hearer) in heard {
        let story = key(id);
        if current != Some(id) {
            current = Some(id);
            out.push(Reach {
                story: id,
                bad: story.bad,
                teller: story.teller,
                people: 0,
            });
        }
        if hearer != Stories::TOLD
            && hearer != story.teller
            && let Some(story) = out.last_mut()
        {
            story.people += 1;
        }
    }
    out
}

impl Recorder {
    /// Where `m` stands in this recording's frames, if it was recorded.
    pub fn position(&self, m: Measure) -> Option<usize> {
        self.measures.iter().position(|&x| x == m)
    }

    /// A value: `slot` 0 is all, 1.. the groups.
    pub fn value(&self, tick: usize, slot: usize, measure: usize) -> f64 {
        self.frames[tick][slot * self.measures.len() + measure]
    }

    /// A run's final figure: a level's last value, or a flow's total.
    pub fn final_value(&self, slot: usize, measure: usize) -> f64 {
        match self.measures[measure].kind() {
            Kind::Level => self.value(self.frames.len() - 1, slot, measure),
            Kind::Flow => (1..self.frames.len())
                .map(|t| self.value(t, slot, measure))
                .sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_keeps_about_half_of_the_stories_each_time() {
        let n = 100_000u64;
        for h in 1..=3 {
            let k = (0..n).filter(|&id| kept(id << 20, h)).count() as f64;
            let p = 0.5f64.powi(h as i32);
            let se = (p * (1.0 - p) / n as f64).sqrt() * n as f64;
            assert!((k - p * n as f64).abs() < 5.0 * se, "{h}: {k}");
        }
        // Kept after h + 1 halvings means kept after h: the sample shrinks.
        assert!((0..n).all(|id| !kept(id, 2) || kept(id, 1)));
    }
}
