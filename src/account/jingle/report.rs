//! What a direct transfer's tasks tell the actor (through the transfers'
//! channel, which carries it beside the HTTP transfers' reports).

use std::path::PathBuf;

use tokio::net::TcpStream;

use crate::files::socks5::Socks5Error;
use crate::files::transfer::{Downloaded, TransferError};

/// What a transfer task tells the actor about a session.
#[derive(Debug)]
pub(in crate::account) enum Report {
    /// The file to offer was hashed.
    Hashed {
        sid: String,
        result: Result<[u8; 32], TransferError>,
    },
    /// The next block to send in-band, or the end of the file.
    Block { sid: String, data: Vec<u8> },
    ReadDone {
        sid: String,
        result: Result<u64, TransferError>,
    },
    /// A SOCKS5 task's news (`s5b.rs`).
    S5b { sid: String, report: S5bReport },
    /// A received file was written and checked (with its preview).
    Received {
        sid: String,
        result: Result<(Downloaded, Option<PathBuf>), TransferError>,
    },
}

/// What the SOCKS5 tasks report.
#[derive(Debug)]
pub(in crate::account) enum S5bReport {
    /// The peer connected to our listener (or did not, in time).
    Incoming(Result<TcpStream, Socks5Error>),
    /// We connected to their candidate `cid`, or to none.
    Outgoing(Option<(String, TcpStream)>),
    /// We connected to our own proxy candidate (to activate it).
    Proxy(Result<TcpStream, Socks5Error>),
    /// The file went out over the connection.
    Sent(Result<u64, TransferError>),
}
