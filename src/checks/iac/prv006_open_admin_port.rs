//! PRV006 open-admin-port: a Terraform security group or firewall rule open
//! to the whole internet on SSH (22) or RDP (3389).

use super::{children, terraform_blocks, IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::DocClass;
use crate::parse::located::Seg;
use serde_json::Value;

pub struct OpenAdminPort;

const WORLD: &[&str] = &["0.0.0.0/0", "::/0"];
const ADMIN: &[u64] = &[22, 3389];

fn port(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The admin port a `from_port`..`to_port` range opens.
fn opens(from: Option<u64>, to: Option<u64>, protocol: Option<&str>) -> Option<u64> {
    if protocol == Some("-1") || protocol == Some("all") {
        return Some(22);
    }
    let (f, t) = (from?, to.or(from)?);
    if f == 0 && t == 0 && protocol.is_none() {
        return None;
    }
    ADMIN.iter().copied().find(|p| f <= *p && *p <= t)
}

/// The admin port a TCP port spec (`22`, `"20-25"`) opens.
fn opens_spec(v: &Value) -> Option<u64> {
    let s = v
        .as_str()
        .map(str::to_string)
        .or_else(|| v.as_u64().map(|n| n.to_string()))?;
    let (f, t) = s.split_once('-').unwrap_or((&s, &s));
    opens(f.trim().parse().ok(), t.trim().parse().ok(), Some("tcp"))
}

/// Path of the first world-open address in the list at `key`.
fn world_in(body: &Value, base: &[Seg], key: &str) -> Option<Vec<Seg>> {
    let i = body
        .get(key)?
        .as_array()?
        .iter()
        .position(|c| c.as_str().is_some_and(|c| WORLD.contains(&c)))?;
    let mut p = base.to_vec();
    p.extend([Seg::Key(key.into()), Seg::Index(i)]);
    Some(p)
}

/// An AWS ingress rule (security group block or standalone rule).
fn aws_rule(p: &[Seg], r: &Value) -> Option<(Vec<Seg>, u64)> {
    let at = world_in(r, p, "cidr_blocks")
        .or_else(|| world_in(r, p, "ipv6_cidr_blocks"))
        .or_else(|| {
            ["cidr_ipv4", "cidr_ipv6"].iter().find_map(|k| {
                r.get(*k)?.as_str().filter(|c| WORLD.contains(c))?;
                let mut q = p.to_vec();
                q.push(Seg::Key(k.to_string()));
                Some(q)
            })
        })?;
    let proto = r
        .get("protocol")
        .or_else(|| r.get("ip_protocol"))
        .and_then(Value::as_str);
    Some((
        at,
        opens(port(r.get("from_port")), port(r.get("to_port")), proto)?,
    ))
}

/// A Google firewall: world-open `source_ranges` and an `allow` covering an admin port.
fn gcp_firewall(base: &[Seg], body: &Value) -> Option<(Vec<Seg>, u64)> {
    if body
        .get("direction")
        .and_then(Value::as_str)
        .is_some_and(|d| d != "INGRESS")
    {
        return None;
    }
    let at = world_in(body, base, "source_ranges")?;
    let port = body
        .get("allow")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|a| match a.get("ports").and_then(Value::as_array) {
            None => Some(22),
            Some(ps) => ps.iter().find_map(opens_spec),
        })?;
    Some((at, port))
}

/// A Hetzner firewall rule: inbound TCP from the world on an admin port.
fn hcloud_rule(p: &[Seg], r: &Value) -> Option<(Vec<Seg>, u64)> {
    let inbound = r
        .get("direction")
        .and_then(Value::as_str)
        .is_none_or(|d| d == "in");
    if !inbound || !matches!(r.get("protocol").and_then(Value::as_str), Some("tcp") | None) {
        return None;
    }
    let at = world_in(r, p, "source_ips")?;
    let port = match r.get("port") {
        None => Some(22),
        Some(v) if v.as_str() == Some("any") => Some(22),
        Some(v) => opens_spec(v),
    }?;
    Some((at, port))
}

impl IacCheck for OpenAdminPort {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, _, d) in cx.docs().filter(|(_, _, d)| d.class == DocClass::Terraform) {
            for (rtype, name, base, body) in terraform_blocks(d, "resource") {
                let (hits, label): (Vec<(Vec<Seg>, u64)>, String) = match rtype {
                    "aws_security_group" => (
                        children(body, &base, "ingress")
                            .iter()
                            .filter_map(|(p, r)| aws_rule(p, r))
                            .collect(),
                        format!("`{rtype}.{name}`"),
                    ),
                    "aws_security_group_rule"
                        if body.get("type").and_then(Value::as_str) == Some("ingress") =>
                    {
                        (
                            aws_rule(&base, body).into_iter().collect(),
                            format!("`{rtype}.{name}`"),
                        )
                    }
                    "aws_vpc_security_group_ingress_rule" => (
                        aws_rule(&base, body).into_iter().collect(),
                        format!("`{rtype}.{name}`"),
                    ),
                    "google_compute_firewall" => (
                        gcp_firewall(&base, body).into_iter().collect(),
                        format!("firewall `{name}`"),
                    ),
                    "hcloud_firewall" => (
                        children(body, &base, "rule")
                            .iter()
                            .filter_map(|(p, r)| hcloud_rule(p, r))
                            .collect(),
                        format!("firewall `{name}`"),
                    ),
                    _ => continue,
                };
                for (at, port) in hits {
                    sink.report_in(
                        fi,
                        d.located.span_of(&at),
                        format!("{label} opens port {port} to the internet"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = iac_hits(
            "PRV006",
            &[(
                "infra/network.tf",
                r##"resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = "vpc-0a1b2c3d"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"##,
            )],
            &[],
        );
        assert_eq!(lines(&hits), [9], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == "infra/network.tf"));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "PRV006",
            &[(
                "infra/network.tf",
                r##"resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = "vpc-0a1b2c3d"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }
}
"##,
            )],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn ranges_all_protocols_ipv6_and_other_clouds() {
        let tf = r#"
resource "aws_security_group_rule" "all" {
  type        = "ingress"
  from_port   = 0
  to_port     = 65535
  protocol    = "-1"
  cidr_blocks = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "rdp" {
  type             = "ingress"
  from_port        = 3389
  to_port          = 3389
  protocol         = "tcp"
  ipv6_cidr_blocks = ["::/0"]
}

resource "google_compute_firewall" "ssh" {
  name          = "ssh"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "aws_security_group_rule" "https" {
  type        = "ingress"
  from_port   = 443
  to_port     = 443
  protocol    = "tcp"
  cidr_blocks = ["0.0.0.0/0"]
}
"#;
        let hits = iac_hits("PRV006", &[("infra/fw.tf", tf)], &[]);
        assert_eq!(hits.len(), 3, "{hits:#?}");
        assert!(hits.iter().all(|h| h.line < 29), "{hits:#?}");
    }
}
