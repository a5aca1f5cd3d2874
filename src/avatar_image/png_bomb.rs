//! Test data, shared by the unit tests of `avatar_image` and
//! `tests/avatars.rs` (included there by path): a PNG that declares
//! `width`×`height` pixels but holds only a few bytes of (valid,
//! zlib-stored) pixel data — a decompression bomb's header.

/// 8-bit or 16-bit RGBA, as `bit_depth` says.
pub fn png_bomb(width: u32, height: u32, bit_depth: u8) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[bit_depth, 6, 0, 0, 0]); // RGBA
    chunk(&mut png, b"IHDR", &ihdr);
    // zlib: one stored block of 64 zero bytes, adler32 = (64 << 16) | 1.
    let mut idat = vec![0x78, 0x01, 0x01, 64, 0, !64, 0xFF];
    idat.extend_from_slice(&[0; 64]);
    idat.extend_from_slice(&((64u32 << 16) | 1).to_be_bytes());
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
