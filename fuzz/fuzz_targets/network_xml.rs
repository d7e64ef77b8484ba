//! GraphML and GEXF bytes through the XML reader and the graph builder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grapevine::fuzzing::network_xml(data));
