//! Studio request bodies through the API's checks, before anything runs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grapevine::fuzzing::studio_request(data));
