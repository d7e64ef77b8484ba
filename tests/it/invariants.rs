//! Property tests: for random small scenarios, after every tick, attitudes
//! stay in [-1, 1], every agent is counted exactly once per status, stories
//! heard never exceed stories told, and awareness and reach never shrink.

use std::path::Path;

use grapevine::metrics::{METRICS, index_of, measure};
use grapevine::model::state::status;
use grapevine::model::{Clock, World, initial_state, step};
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
    ) {
        let degree = degree.min(n - 2);
        let s = scenario(n, degree, customers, staff, quality, recovery,
            fan_out(gk, ga, gb), fan_out(bk, ba, bb), lost, bias, p, q);
        let network = grapevine::network::build(&s.baseline().network, s.seed).unwrap();
        let world = World::new(&s, &network.graph);
        let mut state = initial_state(&world, 0);
        let groups = s.baseline().groups.len();
        let m = METRICS.len();
        let (aware, good, bad) = (index_of("awareness").unwrap(), index_of("good_reached").unwrap(), index_of("bad_reached").unwrap());
        let mut last = measure(&world, &state, 0, false);
        for tick in 1..=8 {
            step(&world, &mut state, Clock { replication: 0, tick }, parallel);
            prop_assert!(state.attitude.iter().all(|a| a.is_finite() && (-1.0..=1.0).contains(a)));
            let frame = measure(&world, &state, tick, parallel);
            for g in 0..groups {
                let size = world.group.iter().filter(|&&x| x as usize == g).count();
                let none = (0..state.len())
                    .filter(|&i| world.group[i] as usize == g && state.status[i] == status::NONE)
                    .count();
                let counted: f64 = ["prospects", "customers", "lapsed"]
                    .iter()
                    .map(|name| frame[(g + 1) * m + index_of(name).unwrap()])
                    .sum();
                prop_assert_eq!(counted as usize + none, size, "group {} counts each agent once", g);
            }
            let told: u64 = state.told.iter().map(|&t| u64::from(t)).sum();
            let heard: u64 = state.heard.iter().map(|&h| u64::from(h)).sum();
            // Heard never exceeds told; in fact every telling reaches someone.
            prop_assert_eq!(heard, told, "stories heard must equal people told");
            for metric in [aware, good, bad] {
                prop_assert!(frame[metric] >= last[metric], "{} never shrinks", METRICS[metric].name);
            }
            last = frame;
        }
    }
}
