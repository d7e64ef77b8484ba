//! A shard's `shard.json`, as `merge` reads it: never a panic, never work out of proportion.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grapevine::fuzzing::shard(data));
