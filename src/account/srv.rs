//! Where to connect when the account has no host set: XEP-0368 asks to look
//! up both `_xmpps-client` (TLS from the first byte) and `_xmpp-client`
//! (STARTTLS) SRV records. Direct TLS targets are tried first (one round
//! trip less, and no plain-text phase at all), each kind in RFC 2782 order.

use hickory_resolver::TokioResolver;
use hickory_resolver::proto::rr::RData;

use crate::api::TlsMode;

/// One place to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
}

/// An SRV answer: (priority, weight, host, port).
type Srv = (u16, u16, String, u16);

/// Targets for `domain`, best first; falls back to the domain itself on
/// port 5222 (STARTTLS) when there are no records (RFC 6120 §3.2.2).
pub async fn targets(domain: &str) -> Vec<Target> {
    let resolver = match TokioResolver::builder_tokio().and_then(|b| b.build()) {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::debug!("no DNS resolver: {e}");
            None
        }
    };
    let mut direct = Vec::new();
    let mut starttls = Vec::new();
    if let Some(resolver) = &resolver {
        direct = lookup(resolver, &format!("_xmpps-client._tcp.{domain}.")).await;
        starttls = lookup(resolver, &format!("_xmpp-client._tcp.{domain}.")).await;
    }
    order(direct, starttls, domain)
}

async fn lookup(resolver: &TokioResolver, name: &str) -> Vec<Srv> {
    match resolver.srv_lookup(name).await {
        Ok(lookup) => lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::SRV(srv) => Some((
                    srv.priority,
                    srv.weight,
                    srv.target.to_ascii().trim_end_matches('.').to_owned(),
                    srv.port,
                )),
                _ => None,
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Direct TLS targets, then STARTTLS ones, each by priority (low first) and
/// weight (high first); "." as target means "no service" (RFC 2782).
fn order(mut direct: Vec<Srv>, mut starttls: Vec<Srv>, domain: &str) -> Vec<Target> {
    let key = |s: &Srv| (s.0, std::cmp::Reverse(s.1));
    direct.sort_by_key(key);
    starttls.sort_by_key(key);
    let mut out: Vec<Target> = direct
        .into_iter()
        .map(|s| (s, TlsMode::Direct))
        .chain(starttls.into_iter().map(|s| (s, TlsMode::Starttls)))
        .filter(|((_, _, host, _), _)| !host.is_empty())
        .map(|((_, _, host, port), tls)| Target { host, port, tls })
        .collect();
    if out.is_empty() {
        out.push(Target {
            host: domain.to_owned(),
            port: 5222,
            tls: TlsMode::Starttls,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(host: &str, port: u16, tls: TlsMode) -> Target {
        Target {
            host: host.into(),
            port,
            tls,
        }
    }

    #[test]
    fn direct_tls_first_then_by_priority_and_weight() {
        let got = order(
            vec![
                (20, 0, "backup.example.org".into(), 443),
                (10, 0, "xmpps.example.org".into(), 5223),
            ],
            vec![
                (10, 5, "light.example.org".into(), 5222),
                (10, 50, "heavy.example.org".into(), 5222),
                (5, 0, "".into(), 5222),
            ],
            "example.org",
        );
        assert_eq!(
            got,
            [
                t("xmpps.example.org", 5223, TlsMode::Direct),
                t("backup.example.org", 443, TlsMode::Direct),
                t("heavy.example.org", 5222, TlsMode::Starttls),
                t("light.example.org", 5222, TlsMode::Starttls),
            ]
        );
    }

    #[test]
    fn no_records_means_the_domain_itself() {
        assert_eq!(
            order(vec![], vec![], "example.org"),
            [t("example.org", 5222, TlsMode::Starttls)]
        );
    }
}
