//! Unit tests of the model's rules, each on a small hand-made world.

use std::path::Path;

use super::phases::decisions::decisions;
use super::phases::experience::experience;
use super::phases::hearing::hearing;
use super::phases::telling::{choose_distinct, telling};
use super::phases::{step, step_measured};
use super::state::{NOBODY, event, flag, status, story_key};
use super::*;
use crate::network::Graph;
use std::sync::atomic::Ordering::Relaxed;

use crate::rng::{self, Purpose};
use crate::scenario::Scenario;

/// The word-of-mouth model of a scenario's baseline on a graph.
type World<'a> = WordOfMouth<'a>;

fn wom<'a>(s: &Scenario, g: &'a Graph) -> World<'a> {
    WordOfMouth::baseline(s, g)
}

fn initial_state(world: &World<'_>, replication: u32) -> State {
    world.initial_state(replication)
}

/// A scenario with one group of the given status over the graph `edges`,
/// with `extra` TOML added to the group's own tables.
/// Everyone starts at attitude 0 unless `extra` says otherwise, and the
/// group's tables start from the defaults.
fn scenario(status: &str, extra: &str) -> Scenario {
    let neutral = if extra.starts_with("attitude") {
        ""
    } else {
        "attitude = 0.0\nattitude_spread = 0.0\n"
    };
    let text = format!(
        "seed = 5\n[network]\nkind = \"complete\"\nn = 2\n[[groups]]\nname = \"g\"\nshare = 1.0\nstatus = \"{status}\"\n{neutral}{extra}"
    );
    Scenario::parse(&text, Path::new("t.toml")).unwrap()
}

fn graph(n: usize, edges: &[(u32, u32)]) -> Graph {
    Graph::from_edges(n, edges.to_vec()).0
}

fn star(leaves: usize) -> Graph {
    graph(
        leaves + 1,
        &(1..=leaves as u32).map(|j| (0, j)).collect::<Vec<_>>(),
    )
}

const CLOCK: Clock = Clock {
    replication: 0,
    tick: 1,
};

fn run_phase(
    world: &World<'_>,
    state: &mut State,
    phase: fn(&World<'_>, Clock, Agents<'_>, Shared<'_>),
) {
    let (agents, shared) = state.split();
    phase(world, CLOCK, agents, shared);
}

#[test]
fn delight_makes_a_good_story_and_raises_attitude() {
    let s = scenario(
        "customer",
        "[groups.service]\npurchase_rate = 1.0\nquality_mean = 5.0\nquality_sd = 0.0\n",
    );
    let g = star(3);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    run_phase(&world, &mut state, experience);
    assert!(
        state
            .story
            .iter()
            .all(|s| *s == Story::first_hand(1, 1.0, s.origin))
    );
    assert!(state.attitude.iter().all(|&a| (a - 0.3).abs() < 1e-6));
    assert!(state.events.iter().all(|e| e & event::DELIGHT != 0));
}

#[test]
fn failures_are_bad_stories_unless_recovered() {
    let bad = "[groups.service]\npurchase_rate = 1.0\nquality_mean = -5.0\nquality_sd = 0.0\n";
    let g = star(3);
    let s = scenario("customer", bad);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    run_phase(&world, &mut state, experience);
    assert!(state.story.iter().all(|s| s.valence == -1));
    assert!(state.attitude.iter().all(|&a| a < 0.0));

    let s = scenario(
        "customer",
        &format!("{bad}recovery_rate = 1.0\nrecovery_intensity = 1.5\n"),
    );
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    run_phase(&world, &mut state, experience);
    assert!(
        state
            .story
            .iter()
            .all(|s| *s == Story::first_hand(1, 1.5, s.origin))
    );
    assert!(state.events.iter().all(|e| e & event::RECOVERED != 0));
}

#[test]
fn mediocre_experiences_make_no_story() {
    let s = scenario(
        "customer",
        "[groups.service]\npurchase_rate = 1.0\nquality_mean = 0.5\nquality_sd = 0.0\ndrift = 0.05\n",
    );
    let g = star(3);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    run_phase(&world, &mut state, experience);
    assert!(state.story.iter().all(|s| s.valence == 0));
    assert!(state.attitude.iter().all(|&a| (a - 0.025).abs() < 1e-6));
}

fn tell_from_hub(fan_out: &str, overflow: &str, leaves: usize, others: usize) -> (State, usize) {
    let s = scenario(
        "none",
        &format!("[groups.telling]\nbad = {fan_out}\noverflow = \"{overflow}\"\n"),
    );
    // A star of `leaves` around agent 0, plus `others` agents outside it.
    let mut edges: Vec<(u32, u32)> = (1..=leaves as u32).map(|j| (0, j)).collect();
    let first_other = leaves as u32 + 1;
    for j in 1..others as u32 {
        edges.push((first_other, first_other + j));
    }
    let g = graph(leaves + 1 + others, &edges);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    state.story[0] = Story::first_hand(-1, 1.0, 0);
    run_phase(&world, &mut state, telling);
    let n = state.len();
    (state, n)
}

fn heard(state: &State, i: usize) -> u32 {
    use std::sync::atomic::Ordering::Relaxed;
    state.inbox[i].good.load(Relaxed) + state.inbox[i].bad.load(Relaxed)
}

#[test]
fn a_teller_tells_k_distinct_contacts() {
    let (state, _) = tell_from_hub("{ kind = \"fixed\", k = 3 }", "lost", 10, 0);
    assert_eq!(state.told_now[0], 3);
    let hearers: Vec<usize> = (1..=10).filter(|&j| heard(&state, j) > 0).collect();
    assert_eq!(hearers.len(), 3);
    assert!(hearers.iter().all(|&j| heard(&state, j) == 1));
}

#[test]
fn fan_out_beyond_contacts_reaches_strangers_or_is_lost() {
    let (state, n) = tell_from_hub("{ kind = \"fixed\", k = 30 }", "strangers", 5, 200);
    assert_eq!(state.told_now[0], 30);
    let total: u32 = (0..n).map(|j| heard(&state, j)).sum();
    assert_eq!(total, 30);
    assert!(
        (1..=5).all(|j| heard(&state, j) >= 1),
        "every contact hears it"
    );
    assert_eq!(heard(&state, 0), 0, "no one tells themselves");

    let (state, n) = tell_from_hub("{ kind = \"fixed\", k = 30 }", "lost", 5, 200);
    assert_eq!(state.told_now[0], 5);
    assert_eq!((0..n).map(|j| heard(&state, j)).sum::<u32>(), 5);
}

#[test]
fn choose_distinct_picks_uniform_subsets() {
    // Every item of 10 is picked with probability k/10; 5 standard errors.
    for k in [1usize, 2, 5, 9] {
        let mut counts = [0u32; 10];
        let trials = 20_000;
        for t in 0..trials {
            let mut r = rng::stream(1, 0, 0, t, Purpose::Telling);
            let mut picked = Vec::new();
            choose_distinct(10, k, &mut r, |x| picked.push(x));
            picked.sort_unstable();
            picked.dedup();
            assert_eq!(picked.len(), k);
            picked.iter().for_each(|&x| counts[x] += 1);
        }
        let p = k as f64 / 10.0;
        let se = (p * (1.0 - p) / trials as f64).sqrt();
        for c in counts {
            let share = f64::from(c) / trials as f64;
            assert!((share - p).abs() < 5.0 * se, "k {k}: share {share}");
        }
    }
}

#[test]
fn bad_news_weighs_more_than_good() {
    let s = scenario("prospect", "");
    let g = star(2);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    let key = story_key(1.0, 1, 1);
    state.inbox.deliver(0, true, 0.1, key);
    state.inbox.deliver(0, false, 0.1 * 2.0, key);
    run_phase(&world, &mut state, hearing);
    // W = 0.3, v = (0.1 - 0.2) / 0.3: a = 0 + 0.3 * v = -0.1.
    assert!(
        (state.attitude[0] + 0.1).abs() < 1e-3,
        "{}",
        state.attitude[0]
    );
    assert!(state.flags[0] & flag::AWARE != 0);
    assert!(state.events[0] & event::HEARD_GOOD != 0 && state.events[0] & event::HEARD_BAD != 0);
}

#[test]
fn retelling_stops_at_max_hops() {
    let s = scenario(
        "prospect",
        "[groups.telling]\nretell_probability = 1.0\nretell_decay = 1.0\nmax_hops = 2\n",
    );
    let g = star(2);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    state.inbox.deliver(1, false, 0.1, story_key(1.0, 1, 0));
    state.inbox.deliver(2, false, 0.1, story_key(0.5, 2, 0));
    run_phase(&world, &mut state, hearing);
    assert_eq!(state.story[1].valence, -1);
    assert_eq!(state.story[1].hops, 1);
    assert!((state.story[1].intensity - 0.5).abs() < 1e-3);
    assert_eq!(state.story[2], Story::NONE, "hop 2 is the last");
}

#[test]
fn conversions_after_good_stories_are_referrals_credited_to_the_teller() {
    let s = scenario("prospect", "[groups.market]\np = 0.0\nq = 1.0\n");
    let g = star(2);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    state.inbox.deliver(1, true, 0.1, story_key(1.0, 1, 0));
    run_phase(&world, &mut state, decisions);
    assert_eq!(state.status[1], status::CUSTOMER);
    assert!(state.events[1] & event::CONVERTED_REFERRAL != 0);
    assert_eq!(
        state.status[2],
        status::PROSPECT,
        "no story, no p: no purchase"
    );
    // Credited to the teller's group, the only group here.
    assert_eq!(state.credited[0].load(Relaxed), 1);
}

#[test]
fn advertising_converts_and_a_low_attitude_blocks() {
    let s = scenario(
        "prospect",
        "attitude = -0.5\nattitude_spread = 0.0\n[groups.market]\np = 1.0\nmin_attitude = -0.4\n",
    );
    let g = star(2);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    run_phase(&world, &mut state, decisions);
    assert!(state.status.iter().all(|&s| s == status::PROSPECT));
    let s = scenario("prospect", "[groups.market]\np = 1.0\n");
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    run_phase(&world, &mut state, decisions);
    assert!(
        state
            .events
            .iter()
            .all(|e| e & event::CONVERTED_OUTSIDE != 0)
    );
}

#[test]
fn unhappy_customers_lapse_more() {
    let n = 20_000;
    let g = graph(n, &[]);
    let rate = |attitude: f64| {
        let s = scenario(
            "customer",
            &format!(
                "attitude = {attitude}\nattitude_spread = 0.0\n[groups.market]\nlapse_rate = 0.05\nlapse_sensitivity = 2\n"
            ),
        );
        let world = wom(&s, &g);
        let mut state = initial_state(&world, 0);
        run_phase(&world, &mut state, decisions);
        state
            .status
            .iter()
            .filter(|&&s| s == status::LAPSED)
            .count() as f64
            / n as f64
    };
    let (sad, glad) = (rate(-1.0), rate(1.0));
    // Expected 0.05 e^2 = 0.369 and 0.05 e^-2 = 0.0068.
    assert!((sad - 0.05 * 2f64.exp()).abs() < 0.02, "{sad}");
    assert!((glad - 0.05 * (-2f64).exp()).abs() < 0.005, "{glad}");
}

#[test]
fn groups_get_their_shares_at_random_places() {
    let text = "[network]\nkind = \"complete\"\nn = 2\n[[groups]]\nname = \"a\"\nshare = 0.25\n[[groups]]\nname = \"b\"\nshare = 0.75\n";
    let s = Scenario::parse(text, Path::new("t.toml")).unwrap();
    let g = graph(1001, &[]);
    let labels = population::assign_groups(&g, &s.baseline().groups, 1, &[]);
    let a = labels.iter().filter(|&&l| l == 0).count();
    assert!(a == 250 || a == 251, "{a}");
    assert!(labels[..100].contains(&1) && labels[..100].contains(&0));
}

#[test]
fn serial_and_parallel_steps_agree() {
    let s = scenario("customer", "[groups.market]\np = 0.01\n");
    let (g, _) = crate::network::Graph::from_edges(
        3 * state::CHUNK + 100,
        (0..(3 * state::CHUNK as u32 + 99))
            .map(|i| (i, i + 1))
            .collect(),
    );
    let world = wom(&s, &g);
    let mut serial = initial_state(&world, 3);
    let mut parallel = initial_state(&world, 3);
    for tick in 1..=5 {
        let clock = Clock {
            replication: 3,
            tick,
        };
        step(&world, &mut serial, clock, false);
        step(&world, &mut parallel, clock, true);
    }
    assert_eq!(serial.attitude, parallel.attitude);
    assert_eq!(serial.status, parallel.status);
    assert_eq!(serial.told_now, parallel.told_now);
    assert_eq!(serial.events, parallel.events);
    assert!(serial.told_now.iter().any(|&t| t > 0));
}

/// Every telling reaches its hearer: after the tellers' phase the
/// inboxes hold as many stories as people were told, on a network with
/// strangers and a fan-out larger than some agents' contacts.
#[test]
fn stories_heard_are_people_told() {
    let s = scenario(
        "customer",
        "[groups.service]\nquality_sd = 3.0\n[groups.telling]\nbad = { kind = \"fixed\", k = 9 }\n\
         good = { kind = \"fixed\", k = 2 }\noverflow = \"strangers\"\n",
    );
    let n = state::CHUNK + 500;
    let (g, _) = Graph::from_edges(n, (0..n as u32 - 1).map(|i| (i, i + 1)).collect());
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 2);
    run_phase(&world, &mut state, experience);
    run_phase(&world, &mut state, telling);
    let told: u64 = state.told_now.iter().map(|&t| u64::from(t)).sum();
    let heard: u64 = (0..n)
        .map(|i| u64::from(state.inbox[i].good.load(Relaxed) + state.inbox[i].bad.load(Relaxed)))
        .sum();
    assert!(told > 1000, "{told}");
    assert_eq!(heard, told);
}

/// Counting each agent as it decides gives the frame a pass of its own
/// over the state after the tick gives: with staff (morale), two groups
/// and referrals, serial and parallel, tick after tick.
#[test]
fn a_tick_measured_as_it_runs_gives_the_separate_measures() {
    let s = scenario_with(
        "[[groups]]\nname = \"staff\"\nshare = 0.1\nstaff = true\nstatus = \"none\"\n\
         [[groups]]\nname = \"customers\"\nshare = 0.9\nstatus = \"prospect\"\n\
         [groups.market]\np = 0.02\nq = 0.3\n[groups.service]\nmorale_effect = 0.5\n",
    );
    let n = 3 * state::CHUNK + 100;
    let (g, _) = crate::network::Graph::from_edges(
        n,
        (0..n as u32 - 1)
            .flat_map(|i| [(i, i + 1), (i, (i * 7 + 3) % n as u32)])
            .collect(),
    );
    let world = wom(&s, &g);
    for parallel in [false, true] {
        let (mut fused, mut apart) = (initial_state(&world, 1), initial_state(&world, 1));
        let mut referrals = 0.0;
        for tick in 1..=12 {
            let clock = Clock {
                replication: 1,
                tick,
            };
            let a = step_measured(&world, &mut fused, clock, parallel);
            step(&world, &mut apart, clock, parallel);
            let b = world.measure(&apart, tick, parallel);
            assert_eq!(a, b, "tick {tick}");
            assert_eq!(fused.morale, apart.morale);
            let m = world
                .measures()
                .iter()
                .position(|&m| m == crate::measures::Measure::Referrals)
                .unwrap();
            referrals += a[m];
        }
        assert!(fused.morale != 0.0 && referrals > 0.0, "{referrals}");
    }
}

/// A scenario of several groups (TOML for `[[groups]]` and more) over a
/// 2-agent placeholder network; tests pass their own graph.
fn scenario_with(extra: &str) -> Scenario {
    let text = format!("seed = 5\nticks = 10\n[network]\nkind = \"complete\"\nn = 2\n{extra}");
    Scenario::parse(&text, Path::new("t.toml")).unwrap()
}

#[test]
fn an_event_invites_exactly_the_best_connected() {
    let s = scenario_with(
        "[[groups]]\nname = \"g\"\nshare = 1.0\nstatus = \"prospect\"\n\
         [[events]]\nname = \"party\"\nat = 1\nexperience = { who = \"top-degree\", count = 1 }\n",
    );
    let g = star(5);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    run_phase(&world, &mut state, experience);
    let invited: Vec<usize> = (0..6)
        .filter(|&i| state.events[i] & event::INVITED != 0)
        .collect();
    assert_eq!(invited, [0], "the hub, and only the hub");
    assert_eq!(state.story[0].valence, 1, "a delight at quality 3");
    assert!(state.flags[0] & flag::AWARE != 0);
    // Not at another tick.
    let mut state = initial_state(&world, 0);
    let (agents, shared) = state.split();
    experience(
        &world,
        Clock {
            replication: 0,
            tick: 2,
        },
        agents,
        shared,
    );
    assert!(state.events.iter().all(|e| e & event::INVITED == 0));
}

#[test]
fn top_degree_groups_sit_on_the_hubs() {
    let s = scenario_with(
        "[[groups]]\nname = \"influencers\"\nshare = 0.1\nplacement = \"top-degree\"\n\
         [[groups]]\nname = \"rest\"\nshare = 0.9\n",
    );
    let g = star(9);
    let labels = population::assign_groups(&g, &s.baseline().groups, 1, &[]);
    assert_eq!(labels[0], 0);
    assert!(labels[1..].iter().all(|&l| l == 1));
}

#[test]
fn mobility_keeps_attitude_and_personal_ties_and_replaces_workplace_ties() {
    let s = scenario_with(
        "[[groups]]\nname = \"g\"\nshare = 1.0\nstatus = \"customer\"\nattitude_spread = 0.5\n\
         [groups.service]\npurchase_rate = 0.0\n\
         [workplaces]\norganisations = 10\ncolleagues = 3\nmobility = 0.5\n",
    );
    let n = 2000;
    let (g, _) = crate::network::Graph::from_edges(
        n,
        (0..n as u32).map(|i| (i, (i * 7 + 1) % n as u32)).collect(),
    );
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    let attitude = state.attitude.clone();
    let degrees: Vec<usize> = (0..n).map(|i| g.degree(i)).collect();
    let org_before: Vec<u32> = state.org.iter().map(|o| o.load(Relaxed)).collect();
    step(
        &world,
        &mut state,
        Clock {
            replication: 0,
            tick: 1,
        },
        true,
    );
    let org: Vec<u32> = state.org.iter().map(|o| o.load(Relaxed)).collect();
    let moved = (0..n)
        .filter(|&i| state.events[i] & event::MOVED != 0)
        .count();
    // Half move (5 standard errors of a binomial(2000, 0.5)).
    assert!((moved as f64 - 1000.0).abs() < 5.0 * 22.4, "{moved}");
    for i in 0..n {
        assert_eq!(state.events[i] & event::MOVED != 0, org[i] != org_before[i]);
        for slot in &state.colleagues[i * 3..(i + 1) * 3] {
            let j = slot.load(Relaxed);
            assert!(
                j == NOBODY || org[j as usize] == org[i],
                "ties only within the new organisation"
            );
        }
    }
    assert_eq!(
        state.attitude, attitude,
        "no stories: opinions unchanged by moving"
    );
    assert_eq!((0..n).map(|i| g.degree(i)).collect::<Vec<_>>(), degrees);
    for o in 0..10 {
        assert!(state.members.of(o).iter().all(|&i| org[i as usize] == o));
    }
    assert_eq!(state.members.list.len(), n);
}

#[test]
fn colleagues_hear_stories_too() {
    // No personal ties at all: every telling goes to a colleague.
    let s = scenario_with(
        "[[groups]]\nname = \"g\"\nshare = 1.0\nstatus = \"customer\"\n\
         [groups.service]\npurchase_rate = 1.0\nquality_mean = 5.0\nquality_sd = 0.0\n\
         [groups.telling]\ngood = { kind = \"fixed\", k = 2 }\noverflow = \"lost\"\n\
         [workplaces]\norganisations = 1\ncolleagues = 4\n",
    );
    let g = graph(50, &[]);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    step(
        &world,
        &mut state,
        Clock {
            replication: 0,
            tick: 1,
        },
        false,
    );
    assert!(
        state.told_now.iter().all(|&t| t == 2),
        "{:?}",
        state.told_now
    );
}

#[test]
fn reach_counts_distinct_hearers_of_each_story() {
    use crate::record::{Observer, Recorder};
    let s = scenario(
        "customer",
        "[groups.service]\npurchase_rate = 1.0\nquality_mean = 5.0\nquality_sd = 0.0\n\
         [groups.telling]\ngood = { kind = \"fixed\", k = 1000 }\noverflow = \"lost\"\nretell_probability = 0.0\n",
    );
    let g = star(10);
    let world = wom(&s, &g);
    let mut state = initial_state(&world, 0);
    let mut rec = Recorder::new(ModelKind::WordOfMouth.measures());
    step(&world, &mut state, CLOCK, false);
    rec.observe(
        1,
        world.measure(&state, 1, false),
        world.stories(&mut state, 1),
    );
    rec.finish();
    // The hub's story reaches its 10 leaves; each leaf's reaches the hub.
    let mut people: Vec<u32> = rec.reach.iter().map(|r| r.people).collect();
    people.sort_unstable();
    assert_eq!(people.len(), 11);
    assert_eq!(people[10], 10);
    assert!(people[..10].iter().all(|&p| p == 1));
    assert!(rec.reach.iter().all(|r| !r.bad));
}

#[test]
fn staff_morale_reaches_customers() {
    let text = |effect: f64| {
        format!(
            "[[groups]]\nname = \"staff\"\nshare = 0.5\nstatus = \"none\"\nstaff = true\nattitude = 1.0\nattitude_spread = 0.0\n\
             [groups.service]\npurchase_rate = 0.0\n\
             [[groups]]\nname = \"customers\"\nshare = 0.5\nstatus = \"customer\"\n\
             [groups.service]\npurchase_rate = 1.0\nquality_mean = 0.0\nquality_sd = 0.0\nmorale_effect = {effect}\n"
        )
    };
    let g = graph(100, &[]);
    for (effect, delights) in [(0.0, 0), (2.0, 50)] {
        let s = scenario_with(&text(effect));
        let world = wom(&s, &g);
        let mut state = initial_state(&world, 0);
        assert_eq!(state.morale, 1.0, "morale is the staff's mean attitude");
        run_phase(&world, &mut state, experience);
        let got = state
            .events
            .iter()
            .filter(|e| *e & event::DELIGHT != 0)
            .count();
        assert_eq!(got, delights, "morale effect {effect}");
    }
}

#[test]
fn reach_is_sampled_to_stay_within_its_budget() {
    use crate::record::{Observer, Recorder};
    let s = scenario(
        "customer",
        "[groups.service]\npurchase_rate = 1.0\nquality_mean = 5.0\nquality_sd = 0.0\n\
         [groups.telling]\ngood = { kind = \"fixed\", k = 1000 }\noverflow = \"lost\"\nretell_probability = 0.0\n",
    );
    let g = graph(
        400,
        &(0..400u32).map(|i| (i, (i + 1) % 400)).collect::<Vec<_>>(),
    );
    let world = wom(&s, &g);
    let run = |budget| {
        let mut state = initial_state(&world, 0);
        let mut rec = Recorder::new(ModelKind::WordOfMouth.measures());
        rec.reach_budget = budget;
        for tick in 1..=3 {
            step(
                &world,
                &mut state,
                Clock {
                    replication: 0,
                    tick,
                },
                false,
            );
            rec.observe(
                tick,
                world.measure(&state, tick, false),
                world.stories(&mut state, tick),
            );
        }
        rec.finish();
        rec
    };
    let full = run(None);
    // About 400 stories a tick (a few customers lapse), each to 2 neighbours.
    assert!(full.reach.len() > 1150, "{}", full.reach.len());
    assert!(full.reach.iter().all(|r| r.people == 2));
    assert!(!full.reach_sampled());
    let small = run(Some(1000));
    assert!(small.reach_sampled());
    assert!(
        small.reach.len() < 600 && small.reach.len() > 100,
        "{}",
        small.reach.len()
    );
    assert!(
        small.reach.iter().all(|r| r.people == 2),
        "a sampled story keeps all its hearers"
    );
}

#[test]
fn weighted_tellers_tell_stronger_ties_first_and_are_trusted_in_proportion() {
    // A star whose hub's ties are 0.5, 0.25, 0.25 and 0 strong.
    let edges = vec![(0, 1), (0, 2), (0, 3), (0, 4)];
    let g = Graph::from_weighted_edges(5, edges, &[0.5, 0.25, 0.25, 0.0]).0;
    let chosen = |k: u32| {
        let s = scenario(
            "none",
            &format!(
                "[groups.telling]\nbad = {{ kind = \"fixed\", k = {k} }}\noverflow = \"lost\"\n"
            ),
        );
        let world = wom(&s, &g);
        let runs = 20_000u32;
        let mut heard_by = [0u32; 5];
        let mut weights = [0u64; 5];
        for replication in 0..runs {
            let mut state = initial_state(&world, 0);
            state.story[0] = Story::first_hand(-1, 1.0, 0);
            let (agents, shared) = state.split();
            telling(
                &world,
                Clock {
                    replication,
                    tick: 1,
                },
                agents,
                shared,
            );
            for j in 1..5 {
                heard_by[j] += heard(&state, j);
                weights[j] = weights[j].max(u64::from(state.inbox[j].bad_weight.load(Relaxed)));
            }
            assert_eq!(
                state.told_now[0] as u32, k,
                "a tie of strength 0 is never told"
            );
        }
        (
            heard_by.map(|h| f64::from(h) / f64::from(runs)),
            weights,
            runs,
        )
    };
    // One told: chances 1/2, 1/4, 1/4, 0. Two told, drawn one after the
    // other: the strongest 1/2 + 2 x 1/4 x 2/3 = 5/6, each other 7/12.
    for (k, expected) in [
        (1, [0.5, 0.25, 0.25]),
        (2, [5.0 / 6.0, 7.0 / 12.0, 7.0 / 12.0]),
    ] {
        let (share, weights, runs) = chosen(k);
        for (j, p) in expected.iter().enumerate() {
            let se = (p * (1.0 - p) / f64::from(runs)).sqrt();
            assert!(
                (share[j + 1] - p).abs() < 5.0 * se,
                "k {k}, leaf {}: {} vs {p}",
                j + 1,
                share[j + 1]
            );
        }
        assert_eq!(share[4], 0.0);
        // Trust follows the tie: the strongest is trusted twice as much.
        let ratio = weights[1] as f64 / weights[2] as f64;
        assert!((ratio - 2.0).abs() < 0.01, "{ratio}");
    }
}

/// The forecasts' costs by size: each measured point exactly, the ends
/// held beyond the first and last, and every size between two points
/// between their costs (on a log scale: 10^5.5 halfway).
#[test]
fn a_cost_by_size_goes_through_its_measured_points() {
    let points = [(1e5, 14.0), (1e6, 18.0), (1e7, 23.0)];
    for (n, cost) in points {
        assert!((ns_per_agent_tick(n) - cost).abs() < 1e-9, "{n}");
    }
    assert_eq!(ns_per_agent_tick(20_000.0), 14.0);
    assert_eq!(ns_per_agent_tick(0.0), 14.0);
    assert_eq!(ns_per_agent_tick(1e9), 23.0);
    assert!((ns_per_agent_tick(10f64.powf(5.5)) - 16.0).abs() < 1e-9);
    let mut last = 0.0;
    for k in 0..=80 {
        let c = ns_per_agent_tick(10f64.powf(4.0 + k as f64 * 0.05));
        assert!(c >= last, "not rising at 10^{}", 4.0 + k as f64 * 0.05);
        last = c;
    }
    assert_eq!(ns_to_build(1e6), 250.0);
    assert!((ns_to_build(1e7) - 420.0).abs() < 1e-9);
    assert!(ns_to_build(3e6) > 250.0 && ns_to_build(3e6) < 420.0);
}
