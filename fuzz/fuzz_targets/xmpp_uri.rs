#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| plausch::fuzzing::xmpp_uri(data));
