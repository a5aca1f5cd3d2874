#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // libfuzzer-sys aborts on every panic, even one caught: Plausch
        // catches a panicking image decoder (a bug in it: see
        // `avatar_image::decode`) and refuses the image, so only a panic
        // that escapes is a finding here (libfuzzer-sys aborts on those).
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| plausch::fuzzing::image(data)
);
