//! A small strict protobuf (proto2) codec for the handful of OMEMO messages.
//!
//! Decoding borrows from the input (no allocation proportional to attacker-chosen lengths),
//! rejects truncated data, over-long varints, values that do not fit `uint32`, wire types that
//! do not match a known field, duplicate known fields and groups; unknown fields with ordinary wire
//! types are skipped, as protobuf requires. Encoding writes fields in field-number order, as the
//! reference implementations do.

use crate::{Error, Result};

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const FIXED32: u8 = 5;

/// One decoded field value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Uint(u32),
    Bytes(&'a [u8]),
}

fn read_varint(input: &[u8], pos: &mut usize) -> Result<u64> {
    let mut value: u64 = 0;
    for i in 0..10 {
        let byte = *input
            .get(*pos)
            .ok_or(Error::Malformed("truncated varint"))?;
        *pos += 1;
        let bits = u64::from(byte & 0x7f);
        if i == 9 && bits > 1 {
            return Err(Error::Malformed("varint overflow"));
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(Error::Malformed("varint too long"))
}

/// Decodes a message whose known fields are `fields` (field number, expected wire type: `true`
/// for length-delimited, `false` for varint). Returns the value of each known field, in the order
/// of `fields`.
pub(crate) fn decode<'a, const N: usize>(
    input: &'a [u8],
    fields: [(u32, bool); N],
) -> Result<[Option<Value<'a>>; N]> {
    let mut out: [Option<Value<'a>>; N] = [None; N];
    let mut pos = 0usize;
    while pos < input.len() {
        let key = read_varint(input, &mut pos)?;
        let number = u32::try_from(key >> 3).map_err(|_| Error::Malformed("field number"))?;
        let wire = (key & 7) as u8;
        if number == 0 {
            return Err(Error::Malformed("field number 0"));
        }
        let value = match wire {
            VARINT => {
                let v = read_varint(input, &mut pos)?;
                Some(Value::Uint(
                    u32::try_from(v).map_err(|_| Error::Malformed("uint32 out of range"))?,
                ))
            }
            LEN => {
                let len = read_varint(input, &mut pos)?;
                let len = usize::try_from(len).map_err(|_| Error::Malformed("length"))?;
                let end = pos.checked_add(len).ok_or(Error::Malformed("length"))?;
                let bytes = input
                    .get(pos..end)
                    .ok_or(Error::Malformed("truncated bytes"))?;
                pos = end;
                Some(Value::Bytes(bytes))
            }
            FIXED64 | FIXED32 => {
                let size = if wire == FIXED64 { 8 } else { 4 };
                pos = pos.checked_add(size).ok_or(Error::Malformed("length"))?;
                if pos > input.len() {
                    return Err(Error::Malformed("truncated fixed field"));
                }
                None
            }
            _ => return Err(Error::Malformed("unsupported wire type")),
        };
        if let Some(index) = fields.iter().position(|(n, _)| *n == number) {
            let (_, want_bytes) = fields[index];
            let value = value.ok_or(Error::Malformed("wrong wire type"))?;
            if matches!(value, Value::Bytes(_)) != want_bytes {
                return Err(Error::Malformed("wrong wire type"));
            }
            if out[index].is_some() {
                return Err(Error::Malformed("duplicate field"));
            }
            out[index] = Some(value);
        }
    }
    Ok(out)
}

/// A required uint32 field.
pub(crate) fn uint(value: Option<Value<'_>>, what: &'static str) -> Result<u32> {
    match value {
        Some(Value::Uint(v)) => Ok(v),
        _ => Err(Error::Malformed(what)),
    }
}

/// A required bytes field.
pub(crate) fn bytes<'a>(value: Option<Value<'a>>, what: &'static str) -> Result<&'a [u8]> {
    match value {
        Some(Value::Bytes(v)) => Ok(v),
        _ => Err(Error::Malformed(what)),
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub(crate) fn put_uint(out: &mut Vec<u8>, number: u32, value: u32) {
    write_varint(out, u64::from(number) << 3 | u64::from(VARINT));
    write_varint(out, u64::from(value));
}

pub(crate) fn put_bytes(out: &mut Vec<u8>, number: u32, value: &[u8]) {
    write_varint(out, u64::from(number) << 3 | u64::from(LEN));
    write_varint(out, value.len() as u64);
    out.extend_from_slice(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_unknown_fields() {
        let mut buf = Vec::new();
        put_uint(&mut buf, 1, 300);
        put_bytes(&mut buf, 2, b"abc");
        put_uint(&mut buf, 7, 5); // unknown, skipped
        let [a, b] = decode(&buf, [(1, false), (2, true)]).unwrap();
        assert_eq!(uint(a, "a").unwrap(), 300);
        assert_eq!(bytes(b, "b").unwrap(), b"abc");
    }

    #[test]
    fn rejects_malformed() {
        let fields = [(1, false), (2, true)];
        // Truncated varint, truncated length, length beyond input, huge length.
        for bad in [
            &[0x08, 0x80][..],
            &[0x12][..],
            &[0x12, 0x05, 1, 2][..],
            &[
                0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ][..],
            // varint of 11 bytes
            &[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ][..],
            // uint32 overflow
            &[0x08, 0xff, 0xff, 0xff, 0xff, 0x1f][..],
            // wrong wire type for field 1 (bytes) and 2 (varint)
            &[0x0a, 0x00][..],
            &[0x10, 0x00][..],
            // duplicate field
            &[0x08, 0x01, 0x08, 0x02][..],
            // group wire type, field number 0
            &[0x0b][..],
            &[0x00, 0x00][..],
            // truncated fixed64
            &[0x19, 1, 2, 3][..],
        ] {
            assert!(decode(bad, fields).is_err(), "{bad:?}");
        }
        assert!(uint(None, "x").is_err());
    }
}
