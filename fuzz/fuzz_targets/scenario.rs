//! Scenario text (with `#set PATH=VALUE` lines as `--set` overrides) through
//! the reader, the checks, the forecasts, and a short run when it is small.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grapevine::fuzzing::scenario(data));
