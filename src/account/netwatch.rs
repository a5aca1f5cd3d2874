//! Noticing network changes without platform APIs or polling the server:
//!
//! - Wake from sleep: the wall clock jumped ahead of the monotonic clock
//!   (which does not run while the machine sleeps).
//! - The address the connection was made from is gone (Wi-Fi switched,
//!   cable pulled): binding a socket to it fails.
//! - A route to the server is back: a UDP "connect" (a route lookup, no
//!   packet is sent) succeeds again.
//!
//! Each check is a couple of non-blocking system calls, made every few seconds.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime};

pub const INTERVAL: Duration = Duration::from_secs(5);
/// More wall-clock time than monotonic time passing means the machine slept.
const SLEEP_SLACK: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetChange {
    /// The machine slept: the connection is probably dead.
    Woke,
    /// The local address of the connection no longer exists.
    AddressGone,
    /// The server is routable again after it was not.
    RouteBack,
}

#[derive(Debug)]
pub struct NetWatch {
    wall: SystemTime,
    mono: Instant,
    routable: Option<bool>,
}

impl Default for NetWatch {
    fn default() -> Self {
        NetWatch {
            wall: SystemTime::now(),
            mono: Instant::now(),
            routable: None,
        }
    }
}

impl NetWatch {
    /// `local`: our side of the live connection (when online); `server`: the
    /// server address to check a route to (when waiting to reconnect).
    pub fn check(
        &mut self,
        local: Option<IpAddr>,
        server: Option<SocketAddr>,
    ) -> Option<NetChange> {
        let (wall, mono) = (SystemTime::now(), Instant::now());
        let wall_passed = wall.duration_since(self.wall).unwrap_or_default();
        let mono_passed = mono.duration_since(self.mono);
        (self.wall, self.mono) = (wall, mono);
        if wall_passed > mono_passed + SLEEP_SLACK {
            return Some(NetChange::Woke);
        }
        if let Some(ip) = local
            && !address_exists(ip)
        {
            return Some(NetChange::AddressGone);
        }
        let server = server?;
        let now = routable(server);
        let before = self.routable.replace(now);
        (before == Some(false) && now).then_some(NetChange::RouteBack)
    }
}

fn address_exists(ip: IpAddr) -> bool {
    match UdpSocket::bind((ip, 0)) {
        Ok(_) => true,
        // Anything but "not available" (e.g. permissions) says nothing.
        Err(e) => e.kind() != std::io::ErrorKind::AddrNotAvailable,
    }
}

fn routable(server: SocketAddr) -> bool {
    let any = match server {
        SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    UdpSocket::bind((any, 0))
        .and_then(|s| s.connect(server))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vanished_local_address_is_noticed() {
        let mut w = NetWatch::default();
        assert_eq!(w.check(Some(IpAddr::V4(Ipv4Addr::LOCALHOST)), None), None);
        // TEST-NET-1 (RFC 5737) is never assigned to a local interface.
        let gone = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(w.check(Some(gone), None), Some(NetChange::AddressGone));
    }

    #[test]
    fn a_route_coming_back_is_noticed_once() {
        let mut w = NetWatch::default();
        let server: SocketAddr = "127.0.0.1:5222".parse().unwrap();
        w.routable = Some(false);
        assert_eq!(w.check(None, Some(server)), Some(NetChange::RouteBack));
        assert_eq!(w.check(None, Some(server)), None);
    }

    #[test]
    fn a_wall_clock_jump_means_the_machine_slept() {
        let mut w = NetWatch::default();
        w.wall -= Duration::from_secs(600);
        assert_eq!(w.check(None, None), Some(NetChange::Woke));
    }
}
