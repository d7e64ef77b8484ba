//! Property tests: for random small scenarios (with staff and morale,
//! workplaces and job mobility, an event window and a party for random
//! guests), after every tick, attitudes stay in [-1, 1], every agent is
//! counted exactly once per status, stories heard equal people told, every
//! workplace tie stays inside its organisation, and awareness and reach
//! never shrink. The classic models keep their shares summing to one.

use std::path::Path;

use grapevine::catalog::ModelKind;
use grapevine::measures::Measure;
use grapevine::model::classic::{
    Classic, Seeding, bass::Bass, cascade::IndependentCascade, sir::Sir, threshold::LinearThreshold,
};
use grapevine::model::state::status;
use grapevine::model::{Clock, Dynamics, Population, WordOfMouth};
use grapevine::scenario::Scenario;
use proptest::prelude::*;

fn fan_out(kind: u8, a: u32, b: u32) -> String {
    match kind {
        0 => format!("{{ kind = \"fixed\", k = {a} }}"),
        1 => format!(
            "{{ kind = \"uniform\", min = {}, max = {} }}",
            a.min(b),
            a.max(b)
        ),
        2 => format!("{{ kind = \"poisson\", mean = {a}.5 }}"),
        _ => format!("{{ kind = \"negative-binomial\", mean = {a}.0, dispersion = 0.5 }}"),
    }
}

#[allow(clippy::too_many_arguments)]
fn scenario(
    n: u32,
    degree: u32,
    customers: f64,
    staff: f64,
    quality: f64,
    recovery: f64,
    good: String,
    bad: String,
    lost: bool,
    bias: f64,
    p: f64,
    q: f64,
    extra: &str,
) -> Scenario {
    let prospects = 1.0 - customers - staff;
    let text = format!(
        r#"
seed = 11
[network]
kind = "erdos-renyi"
n = {n}
mean_degree = {degree}
[[groups]]
name = "customers"
share = {customers}
status = "customer"
attitude = 0.9
attitude_spread = 0.5
[[groups]]
name = "staff"
share = {staff}
status = "none"
staff = true
[[groups]]
name = "prospects"
share = {prospects}
status = "prospect"
attitude = -0.9
attitude_spread = 0.5
[service]
purchase_rate = 0.8
quality_mean = {quality}
recovery_rate = {recovery}
[telling]
good = {good}
bad = {bad}
overflow = "{}"
retell_probability = 0.6
retell_decay = 0.9
max_hops = 5
[hearing]
influence = 0.9
negativity_bias = {bias}
[market]
p = {p}
q = {q}
{extra}
"#,
        if lost { "lost" } else { "strangers" }
    );
    Scenario::parse(&text, Path::new("prop.toml")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn invariants_hold_every_tick(
        n in 20u32..400,
        degree in 1u32..12,
        customers in 0.0f64..0.6,
        staff in 0.0f64..0.3,
        quality in -2.0f64..2.0,
        recovery in 0.0f64..1.0,
        (gk, ga, gb) in (0u8..4, 0u32..6, 0u32..6),
        (bk, ba, bb) in (0u8..4, 0u32..40, 0u32..40),
        lost in any::<bool>(),
        bias in 0.0f64..5.0,
        p in 0.0f64..0.3,
        q in 0.0f64..0.5,
        parallel in any::<bool>(),
        (orgs, colleagues, mobility) in (1u32..8, 0u32..6, 0.0f64..0.5),
        (morale, party) in (0.0f64..3.0, 0.0f64..0.3),
    ) {
        let degree = degree.min(n - 2);
        let extra = format!(
            "[workplaces]\norganisations = {orgs}\ncolleagues = {colleagues}\nmobility = {mobility}\n\
             [[events]]\nname = \"outage\"\nfrom = 2\nto = 4\nset = {{ service.quality_mean = -2, service.morale_effect = {morale} }}\n\
             [[events]]\nname = \"party\"\nat = 3\nexperience = {{ who = \"random\", share = {party} }}\n"
        );
        let s = scenario(n, degree, customers, staff, quality, recovery,
            fan_out(gk, ga, gb), fan_out(bk, ba, bb), lost, bias, p, q, &extra);
        let network = grapevine::network::build(&s.baseline().network, s.seed).unwrap();
        let world = WordOfMouth::baseline(&s, &network.graph);
        prop_assert!(world.work.is_some() && world.guests.len() == 1 && world.staff);
        let mut state = world.initial_state(0);
        let groups = s.baseline().groups.len();
        let list = ModelKind::WordOfMouth.measures();
        let m = list.len();
        let index_of = |x: Measure| list.iter().position(|&y| y == x).unwrap();
        let (aware, good, bad) = (index_of(Measure::Awareness), index_of(Measure::GoodReached), index_of(Measure::BadReached));
        let mut last = world.measure(&state, 0, false);
        for tick in 1..=8 {
            world.step(&mut state, Clock { replication: 0, tick }, parallel);
            prop_assert!(state.attitude.iter().all(|a| a.is_finite() && (-1.0..=1.0).contains(a)));
            let frame = world.measure(&state, tick, parallel);
            for g in 0..groups {
                let size = world.group.iter().filter(|&&x| x as usize == g).count();
                let none = (0..state.len())
                    .filter(|&i| world.group[i] as usize == g && state.status[i] == status::NONE)
                    .count();
                let counted: f64 = [Measure::Prospects, Measure::Customers, Measure::Lapsed]
                    .iter()
                    .map(|&x| frame[(g + 1) * m + index_of(x)])
                    .sum();
                prop_assert_eq!(counted as usize + none, size, "group {} counts each agent once", g);
            }
            // Everyone who heard a story was told one: at least as many
            // people told as hearers, of each kind, and no hearers unless
            // someone was told. (That every telling reaches its hearer is
            // checked phase by phase in the model's unit tests.)
            let of = |x: Measure| frame[index_of(x)];
            let good_told = of(Measure::GoodToldFirstHand) + of(Measure::GoodToldRetold);
            let bad_told = of(Measure::BadToldFirstHand) + of(Measure::BadToldRetold);
            prop_assert!(good_told >= of(Measure::GoodHearers), "good hearers were told");
            prop_assert!(bad_told >= of(Measure::BadHearers), "bad hearers were told");
            prop_assert_eq!(good_told + bad_told > 0.0, of(Measure::GoodHearers) + of(Measure::BadHearers) > 0.0);
            for metric in [aware, good, bad] {
                prop_assert!(frame[metric] >= last[metric], "{} never shrinks", list[metric].name());
            }
            let org = |i: usize| state.org[i].load(std::sync::atomic::Ordering::Relaxed);
            for i in 0..state.len() {
                for slot in &state.colleagues[i * colleagues as usize..(i + 1) * colleagues as usize] {
                    let j = slot.load(std::sync::atomic::Ordering::Relaxed);
                    prop_assert!(j == u32::MAX || org(j as usize) == org(i), "ties stay inside an organisation");
                }
            }
            prop_assert!((-1.0..=1.0).contains(&state.morale));
            last = frame;
        }
    }

    #[test]
    fn classic_shares_always_sum_to_one(
        n in 10u32..300,
        degree in 1u32..10,
        kind in 0u8..4,
        a in 0.0f64..1.0,
        b in 0.0f64..1.0,
        seeds in 0.0f64..0.5,
        parallel in any::<bool>(),
    ) {
        let degree = degree.min(n - 2);
        let text = format!("seed = 3\n[network]\nkind = \"erdos-renyi\"\nn = {n}\nmean_degree = {degree}\n");
        let s = Scenario::parse(&text, Path::new("prop.toml")).unwrap();
        let network = grapevine::network::build(&s.baseline().network, s.seed).unwrap();
        let frames = |seeds| match kind {
            0 => shares(&network.graph, Sir { beta: a, gamma: b }, seeds, parallel),
            1 => shares(&network.graph, IndependentCascade { probability: a }, seeds, parallel),
            2 => shares(&network.graph, LinearThreshold::DRAWN, seeds, parallel),
            _ => shares(&network.graph, Bass::per_tick(a * 0.1, b), 0.0, parallel),
        };
        let mut last_active = 0.0;
        for frame in frames(seeds).into_iter().skip(1) {
            match kind {
                0 => {
                    let total = frame[0] + frame[1] + frame[2];
                    prop_assert!((total - 1.0).abs() < 1e-9, "S + I + R = {}", total);
                }
                _ => {
                    // Active (adopted) only grows and never passes everyone.
                    prop_assert!(frame[0] >= last_active && frame[0] <= 1.0);
                    last_active = frame[0];
                }
            }
        }
    }
}

/// The frames of ten ticks of a classic model's rule on a graph.
fn shares<R: grapevine::model::classic::Rule>(
    graph: &grapevine::network::Graph,
    rule: R,
    seeds: f64,
    parallel: bool,
) -> Vec<Vec<f64>> {
    let model = Classic::new(Population::whole(graph, 3), rule, Seeding::Share(seeds));
    let mut state = model.initial_state(0);
    let mut frames = vec![model.measure(&state, 0, parallel)];
    for tick in 1..=10 {
        model.step(
            &mut state,
            Clock {
                replication: 0,
                tick,
            },
            parallel,
        );
        frames.push(model.measure(&state, tick, parallel));
    }
    frames
}
