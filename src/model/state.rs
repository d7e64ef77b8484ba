//! The agents' state, one array per field.
//!
//! Per-field arrays keep a phase's pass over the population to the fields it
//! needs. During a phase an agent writes only its own slots (through
//! [`Agents`], a view that splits into disjoint chunks for threads) and
//! reaches other agents only through [`Inbox`] atomics whose updates commute
//! (additions and maxima), so the result does not depend on which thread
//! ran first.

use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

/// Market status codes (one byte per agent).
pub mod status {
    /// Not in the market: hears and tells, never buys.
    pub const NONE: u8 = 0;
    pub const PROSPECT: u8 = 1;
    pub const CUSTOMER: u8 = 2;
    pub const LAPSED: u8 = 3;
}

/// Lasting per-agent flags.
pub mod flag {
    pub const AWARE: u8 = 1;
    /// Has ever heard a good story.
    pub const REACHED_GOOD: u8 = 2;
    /// Has ever heard a bad story.
    pub const REACHED_BAD: u8 = 4;
}

/// What happened to an agent this tick, for the metrics.
pub mod event {
    pub const EXPERIENCE: u16 = 1;
    pub const DELIGHT: u16 = 1 << 1;
    pub const FAILURE: u16 = 1 << 2;
    pub const RECOVERED: u16 = 1 << 3;
    pub const CONVERTED_OUTSIDE: u16 = 1 << 4;
    pub const CONVERTED_REFERRAL: u16 = 1 << 5;
    pub const WON_BACK: u16 = 1 << 6;
    pub const LAPSED: u16 = 1 << 7;
    pub const HEARD_GOOD: u16 = 1 << 8;
    pub const HEARD_BAD: u16 = 1 << 9;
    /// Had a one-off experience from an event (an invited guest).
    pub const INVITED: u16 = 1 << 10;
    /// Changed organisation.
    pub const MOVED: u16 = 1 << 11;
    /// Told a story this tick (`told_now` people)...
    pub const TOLD: u16 = 1 << 12;
    /// ...a bad one...
    pub const TOLD_BAD: u16 = 1 << 13;
    /// ...heard from someone else (retold).
    pub const TOLD_RETOLD: u16 = 1 << 14;
    /// Bits counted as events in the metrics (the TOLD bits are read apart).
    pub const COUNT: usize = 12;
}

/// A story an agent will tell this tick.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Story {
    /// +1 good, -1 bad, 0 no story.
    pub valence: i8,
    /// 0 for a first-hand story; one more at each retelling.
    pub hops: u8,
    /// How strongly it is told: 1 first-hand, less as it is retold.
    pub intensity: f32,
    /// The agent who lived it: with the tick it was first told (the tick
    /// it is told minus its hops) this names the story.
    pub origin: u32,
}

impl Story {
    pub const NONE: Story = Story {
        valence: 0,
        hops: 0,
        intensity: 0.0,
        origin: u32::MAX,
    };

    pub fn first_hand(valence: i8, intensity: f32, origin: u32) -> Story {
        Story {
            valence,
            hops: 0,
            intensity,
            origin,
        }
    }

    /// A number naming this story among all a replication tells: its
    /// valence, the tick it was first told, and its origin.
    pub fn id(&self, tick: u32) -> u64 {
        let born = u64::from(tick.saturating_sub(u32::from(self.hops)));
        u64::from(self.valence < 0) << 63 | born << 32 | u64::from(self.origin)
    }
}

/// The (bad, tick first told, origin) a story id holds.
pub fn unpack_id(id: u64) -> (bool, u32, u32) {
    (id >> 63 == 1, ((id >> 32) & 0x7fff_ffff) as u32, id as u32)
}

/// Who belongs to which organisation: the members of the `k`-th
/// organisation that has any, `orgs[k]`, are
/// `list[offsets[k]..offsets[k + 1]]`, in increasing id, rebuilt after
/// people move. Only organisations
/// with members are held, so the work and memory follow the agents, not
/// the number of organisations (which may be far larger).
#[derive(Debug, Clone, Default)]
pub struct Members {
    pub orgs: Vec<u32>,
    pub offsets: Vec<u32>,
    pub list: Vec<u32>,
}

impl Members {
    /// Sorts agents into their organisations: a counting sort (O(n)) when
    /// there are no more organisations than agents, else a comparison sort.
    pub fn rebuild(&mut self, org: &[AtomicU32], organisations: usize) {
        let n = org.len();
        self.list.clear();
        self.list.extend(0..n as u32);
        if organisations <= n.max(1) {
            let mut counts = vec![0u32; organisations + 1];
            for o in org {
                counts[o.load(Relaxed) as usize + 1] += 1;
            }
            for k in 0..organisations {
                counts[k + 1] += counts[k];
            }
            let mut next = counts.clone();
            for (i, o) in org.iter().enumerate() {
                let o = o.load(Relaxed) as usize;
                self.list[next[o] as usize] = i as u32;
                next[o] += 1;
            }
        } else {
            self.list
                .sort_unstable_by_key(|&i| (org[i as usize].load(Relaxed), i));
        }
        self.orgs.clear();
        self.offsets.clear();
        for (k, &i) in self.list.iter().enumerate() {
            let o = org[i as usize].load(Relaxed);
            if self.orgs.last() != Some(&o) {
                self.orgs.push(o);
                self.offsets.push(k as u32);
            }
        }
        self.offsets.push(n as u32);
    }

    /// The members of organisation `o` (empty if it has none).
    pub fn of(&self, o: u32) -> &[u32] {
        match self.orgs.binary_search(&o) {
            Ok(k) => &self.list[self.offsets[k] as usize..self.offsets[k + 1] as usize],
            Err(_) => &[],
        }
    }
}

/// No agent: an empty colleague slot.
pub const NOBODY: u32 = u32::MAX;

/// Fixed-point scale of story weights in the inbox: integer sums commute,
/// so the total does not depend on the order stories arrive in.
pub const WEIGHT_SCALE: f64 = 4096.0;

/// What one agent heard this tick, written by its tellers. The fields sit
/// together, aligned so that they share one cache line: a delivery to a
/// random hearer of a large town misses the cache once, not three times.
#[repr(C, align(32))]
#[derive(Default)]
pub struct Heard {
    pub good: AtomicU32,
    pub bad: AtomicU32,
    pub good_weight: AtomicU32,
    pub bad_weight: AtomicU32,
    /// The strongest good story heard ([`story_key`]), whose teller gets
    /// the credit for a referral.
    pub best_good: AtomicU64,
    pub best_bad: AtomicU64,
}

impl Heard {
    /// Empties the inbox (only its agent's own pass calls this).
    #[inline]
    pub fn clear(&self) {
        for x in [&self.good, &self.bad, &self.good_weight, &self.bad_weight] {
            x.store(0, Relaxed);
        }
        self.best_good.store(0, Relaxed);
        self.best_bad.store(0, Relaxed);
    }

    fn copy(&self) -> Heard {
        let (a, b) = (
            |x: &AtomicU32| AtomicU32::new(x.load(Relaxed)),
            |x: &AtomicU64| AtomicU64::new(x.load(Relaxed)),
        );
        Heard {
            good: a(&self.good),
            bad: a(&self.bad),
            good_weight: a(&self.good_weight),
            bad_weight: a(&self.bad_weight),
            best_good: b(&self.best_good),
            best_bad: b(&self.best_bad),
        }
    }
}

/// What each agent heard this tick: `inbox[i]` is agent i's.
pub struct Inbox(Vec<Heard>);

impl std::ops::Index<usize> for Inbox {
    type Output = Heard;

    #[inline]
    fn index(&self, i: usize) -> &Heard {
        &self.0[i]
    }
}

impl Inbox {
    /// Bytes per agent.
    pub const BYTES_PER_AGENT: usize = std::mem::size_of::<Heard>();

    fn new(n: usize) -> Self {
        Self(filled(n, Heard::default))
    }

    /// A copy, read while nobody writes (between ticks).
    fn copy(&self) -> Self {
        Self(copied(&self.0, Heard::copy))
    }

    /// The inboxes of agents `first..first + len`.
    #[inline]
    pub fn part(&self, first: usize, len: usize) -> &[Heard] {
        &self.0[first..first + len]
    }
}

/// Orders heard stories by intensity, then fewer hops, then teller id; keeps
/// the teller in the low 32 bits.
#[inline]
pub fn story_key(intensity: f32, hops: u8, teller: u32) -> u64 {
    let q = (f64::from(intensity) / 2.0 * 65535.0)
        .round()
        .clamp(0.0, 65535.0) as u64;
    q << 48 | u64::from(255 - hops) << 40 | u64::from(teller)
}

/// The (intensity, hops, teller) a key holds.
#[inline]
pub fn unpack_key(key: u64) -> (f32, u8, u32) {
    let intensity = ((key >> 48) as f64 / 65535.0 * 2.0) as f32;
    (intensity, 255 - ((key >> 40) & 0xff) as u8, key as u32)
}

/// `n` values from `make`, written across rayon's threads for a large
/// town: the kernel zeroes a new page where it is first written, and a
/// million agents' slots are tens of megabytes, which one thread alone
/// would fault in while the other cores wait.
fn filled<T: Send>(n: usize, make: impl Fn() -> T + Sync + Send) -> Vec<T> {
    if n <= CHUNK {
        (0..n).map(|_| make()).collect()
    } else {
        (0..n).into_par_iter().map(|_| make()).collect()
    }
}

/// A copy of `from`, made by `copy` value by value, across rayon's threads
/// for a large town (as [`filled`]).
fn copied<T: Sync, U: Send>(from: &[T], copy: impl Fn(&T) -> U + Sync + Send) -> Vec<U> {
    if from.len() <= CHUNK {
        from.iter().map(copy).collect()
    } else {
        from.par_iter().map(copy).collect()
    }
}

fn atomics32(n: usize) -> Vec<AtomicU32> {
    filled(n, || AtomicU32::new(0))
}

fn copy32(from: &[AtomicU32]) -> Vec<AtomicU32> {
    copied(from, |x| AtomicU32::new(x.load(Relaxed)))
}

/// A copy of a state between ticks (when no phase is writing to it): the
/// what-ifs that share the baseline's warm-up each start from a copy of
/// its warmed-up town.
impl Clone for State {
    fn clone(&self) -> Self {
        Self {
            n: self.n,
            status: self.status.clone(),
            attitude: self.attitude.clone(),
            flags: self.flags.clone(),
            story: copied(&self.story, |s| *s),
            told_now: self.told_now.clone(),
            events: self.events.clone(),
            inbox: self.inbox.copy(),
            credited: self
                .credited
                .iter()
                .map(|x| AtomicU64::new(x.load(Relaxed)))
                .collect(),
            origin: copy32(&self.origin),
            org: copy32(&self.org),
            colleagues: copy32(&self.colleagues),
            members: self.members.clone(),
            morale: self.morale,
            reach: Mutex::new(self.reach.lock().map(|r| r.clone()).unwrap_or_default()),
        }
    }
}

impl Inbox {
    /// Delivers one story to agent `j`.
    #[inline]
    pub fn deliver(&self, j: usize, good: bool, weight: f64, key: u64) {
        let w = (weight * WEIGHT_SCALE).round() as u32;
        let h = &self.0[j];
        if good {
            h.good.fetch_add(1, Relaxed);
            h.good_weight.fetch_add(w, Relaxed);
            h.best_good.fetch_max(key, Relaxed);
        } else {
            h.bad.fetch_add(1, Relaxed);
            h.bad_weight.fetch_add(w, Relaxed);
            h.best_bad.fetch_max(key, Relaxed);
        }
    }
}

/// The whole population's state in one replication of the word-of-mouth
/// model.
pub struct State {
    /// The number of agents.
    pub n: usize,
    pub status: Vec<u8>,
    pub attitude: Vec<f32>,
    pub flags: Vec<u8>,
    /// The story each agent tells this tick; after hearing, the one it will
    /// retell next tick.
    pub story: Vec<Story>,
    /// People told this tick.
    pub told_now: Vec<u16>,
    /// [`event`] bits for this tick.
    pub events: Vec<u16>,
    pub inbox: Inbox,
    /// Referrals credited this tick to the tellers of each group (by the
    /// converts): one counter a group, not an agent, since only the
    /// group's total is measured.
    pub credited: Vec<AtomicU64>,
    /// The origin of the story each agent told this tick, for its hearers.
    pub origin: Vec<AtomicU32>,
    /// Each agent's organisation (empty without workplaces).
    pub org: Vec<AtomicU32>,
    /// Each agent's workplace ties, `colleagues` slots per agent.
    pub colleagues: Vec<AtomicU32>,
    pub members: Members,
    /// Staff morale: the mean attitude of staff at the end of the last tick.
    pub morale: f32,
    /// (story id, hearer) for the stories whose reach is tracked, this tick.
    pub reach: Mutex<Vec<(u64, u32)>>,
}

/// Bytes of state per agent, for memory estimates (without workplaces):
/// the agent's own slots, its inbox, and the atomic others read (the
/// origin of the story it told).
pub const BYTES_PER_AGENT: u64 =
    (OWN_BYTES_PER_AGENT + Inbox::BYTES_PER_AGENT + std::mem::size_of::<AtomicU32>()) as u64;

/// Bytes per agent that workplaces add: organisation, membership (at
/// most one organisation and one offset per agent) and ties.
pub fn workplace_bytes_per_agent(colleagues: u32) -> u64 {
    16 + 4 * u64::from(colleagues)
}

impl State {
    pub fn new(n: usize) -> Self {
        Self {
            n,
            status: vec![status::NONE; n],
            attitude: vec![0.0; n],
            flags: vec![0; n],
            story: filled(n, || Story::NONE),
            told_now: vec![0; n],
            events: vec![0; n],
            inbox: Inbox::new(n),
            credited: Vec::new(),
            origin: atomics32(n),
            org: Vec::new(),
            colleagues: Vec::new(),
            members: Members::default(),
            morale: 0.0,
            reach: Mutex::new(Vec::new()),
        }
    }

    /// Adds workplaces: every agent in organisation 0, with `colleagues`
    /// empty slots each.
    pub fn with_workplaces(mut self, colleagues: u32) -> Self {
        let n = self.len();
        self.org = atomics32(n);
        self.colleagues = filled(n * colleagues as usize, || AtomicU32::new(NOBODY));
        self
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The agents' own slots, and the shared atomics.
    pub fn split(&mut self) -> (Agents<'_>, Shared<'_>) {
        (
            Agents {
                first: 0,
                status: &mut self.status,
                attitude: &mut self.attitude,
                flags: &mut self.flags,
                story: &mut self.story,
                told_now: &mut self.told_now,
                events: &mut self.events,
            },
            Shared {
                inbox: &self.inbox,
                credited: &self.credited,
                origin: &self.origin,
                org: &self.org,
                colleagues: &self.colleagues,
                members: &self.members,
                morale: self.morale,
                reach: &self.reach,
            },
        )
    }
}

/// What agents reach of each other during a phase: atomics only.
#[derive(Clone, Copy)]
pub struct Shared<'a> {
    pub inbox: &'a Inbox,
    pub credited: &'a [AtomicU64],
    pub origin: &'a [AtomicU32],
    pub org: &'a [AtomicU32],
    pub colleagues: &'a [AtomicU32],
    pub members: &'a Members,
    pub morale: f32,
    pub reach: &'a Mutex<Vec<(u64, u32)>>,
}

macro_rules! agents_view {
    ($($field:ident : $ty:ty),* $(,)?) => {
        /// A run of consecutive agents' own slots, `first..first + len()`.
        pub struct Agents<'a> {
            pub first: usize,
            $(pub $field: &'a mut [$ty],)*
        }

        /// Bytes per agent of its own slots: one of each field.
        pub const OWN_BYTES_PER_AGENT: usize = 0 $(+ std::mem::size_of::<$ty>())*;

        impl<'a> Agents<'a> {
            pub fn len(&self) -> usize {
                self.status.len()
            }

            pub fn is_empty(&self) -> bool {
                self.status.is_empty()
            }

            /// Says that every field is `len()` long (as `split_at` keeps
            /// them), so that a loop over `0..len()` indexes each field
            /// without a bounds check per agent.
            #[inline(always)]
            pub fn same_lengths(&self) {
                let n = self.len();
                assert!(true $(&& self.$field.len() == n)*);
            }

            /// Two disjoint views: agents before `mid` and from `mid` on.
            pub fn split_at(self, mid: usize) -> (Agents<'a>, Agents<'a>) {
                $(let $field = self.$field.split_at_mut(mid);)*
                (
                    Agents { first: self.first, $($field: $field.0,)* },
                    Agents { first: self.first + mid, $($field: $field.1,)* },
                )
            }
        }
    };
}

agents_view! {
    status: u8,
    attitude: f32,
    flags: u8,
    story: Story,
    told_now: u16,
    events: u16,
}

/// Agents per chunk of parallel work: large enough to amortise scheduling,
/// small enough to balance two to sixteen threads.
pub const CHUNK: usize = 4096;

/// Runs `f` over all agents: on this thread, or split into chunks across
/// rayon's threads. Both give the same result, since `f` writes only the
/// chunk's own slots.
pub fn for_each_chunk<F>(parallel: bool, agents: Agents<'_>, f: &F)
where
    F: Fn(Agents<'_>) + Sync,
{
    if !parallel || agents.len() <= CHUNK {
        f(agents);
    } else {
        let mid = (agents.len() / 2).div_ceil(CHUNK) * CHUNK;
        let (a, b) = agents.split_at(mid);
        rayon::join(|| for_each_chunk(true, a, f), || for_each_chunk(true, b, f));
    }
}

/// Runs `f` over every chunk of [`CHUNK`] agents, on this thread or across
/// rayon's threads, and returns what each gave, in agent order: the same
/// chunks and the same order on any number of threads, so sums over them
/// are the same too.
pub fn map_chunks<R, F>(parallel: bool, agents: Agents<'_>, f: &F) -> Vec<R>
where
    F: Fn(Agents<'_>) -> R + Sync,
    R: Send,
{
    if agents.len() <= CHUNK {
        return vec![f(agents)];
    }
    let mid = (agents.len() / 2).div_ceil(CHUNK) * CHUNK;
    let (a, b) = agents.split_at(mid);
    let (mut first, second) = if parallel {
        rayon::join(|| map_chunks(true, a, f), || map_chunks(true, b, f))
    } else {
        (map_chunks(false, a, f), map_chunks(false, b, f))
    };
    first.extend(second);
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_keys_order_by_intensity_then_hops_and_round_trip() {
        let strong = story_key(1.0, 1, 5);
        let weak = story_key(0.5, 1, 9);
        let far = story_key(1.0, 3, 9);
        assert!(strong > weak && strong > far);
        let (i, h, t) = unpack_key(far);
        assert!((i - 1.0).abs() < 1e-4);
        assert_eq!((h, t), (3, 9));
    }

    #[test]
    fn chunks_cover_every_agent_once() {
        let mut s = State::new(3 * CHUNK + 17);
        let (agents, _) = s.split();
        for_each_chunk(true, agents, &|a: Agents<'_>| {
            for k in 0..a.len() {
                a.told_now[k] += 1;
                a.attitude[k] = (a.first + k) as f32;
            }
        });
        assert!(s.told_now.iter().all(|&t| t == 1));
        assert!(s.attitude.iter().enumerate().all(|(i, &h)| h == i as f32));
    }
}
