//! A sweep's design file (`--design`): read and applied, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grapevine::fuzzing::design(data));
