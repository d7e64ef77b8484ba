//! Edge-list bytes through the reader and the graph builder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grapevine::fuzzing::edge_list(data));
