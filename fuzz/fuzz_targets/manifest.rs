//! A results folder's manifest: whatever it says, replacing the folder
//! changes nothing outside it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grapevine::fuzzing::manifest(data));
