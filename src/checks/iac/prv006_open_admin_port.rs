//! PRV006 open-admin-port: a Terraform security group or firewall rule open
//! to the whole internet on SSH (22) or RDP (3389).

use super::{IacCheck, IacContext};
use crate::finding::Sink;
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

/// The admin port a `from_port`..`to_port` range (or a port list) opens.
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

impl IacCheck for OpenAdminPort {
    fn code(&self) -> &'static str {
        "PRV006"
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        let key = |s: &str| Seg::Key(s.to_string());
        for (fi, _, d) in cx
            .docs()
            .filter(|(_, _, d)| d.class == crate::parse::iac::DocClass::Terraform)
        {
            let Some(resources) = d.located.value.get("resource").and_then(Value::as_object) else {
                continue;
            };
            for (rtype, by_name) in resources {
                for (name, bodies) in by_name.as_object().into_iter().flatten() {
                    for (bi, body) in bodies.as_array().into_iter().flatten().enumerate() {
                        let base = vec![key("resource"), key(rtype), key(name), Seg::Index(bi)];
                        // Rules to examine: (path, rule object).
                        let mut rules: Vec<(Vec<Seg>, &Value)> = Vec::new();
                        match rtype.as_str() {
                            "aws_security_group" => {
                                for (ii, ing) in body
                                    .get("ingress")
                                    .and_then(Value::as_array)
                                    .into_iter()
                                    .flatten()
                                    .enumerate()
                                {
                                    let mut p = base.clone();
                                    p.extend([key("ingress"), Seg::Index(ii)]);
                                    rules.push((p, ing));
                                }
                            }
                            "aws_security_group_rule"
                                if body.get("type").and_then(Value::as_str) == Some("ingress") =>
                            {
                                rules.push((base.clone(), body))
                            }
                            "aws_vpc_security_group_ingress_rule" => rules.push((base.clone(), body)),
                            "hcloud_firewall" => {
                                for (ri, rule) in body
                                    .get("rule")
                                    .and_then(Value::as_array)
                                    .into_iter()
                                    .flatten()
                                    .enumerate()
                                {
                                    let inbound = rule
                                        .get("direction")
                                        .and_then(Value::as_str)
                                        .is_none_or(|d| d == "in");
                                    let proto = rule.get("protocol").and_then(Value::as_str);
                                    if !inbound || !matches!(proto, Some("tcp") | None) {
                                        continue;
                                    }
                                    let Some(wi) =
                                        rule.get("source_ips").and_then(Value::as_array).and_then(|a| {
                                            a.iter()
                                                .position(|r| r.as_str().is_some_and(|r| WORLD.contains(&r)))
                                        })
                                    else {
                                        continue;
                                    };
                                    let ports = rule.get("port").and_then(|p| {
                                        p.as_str()
                                            .map(str::to_string)
                                            .or_else(|| p.as_u64().map(|n| n.to_string()))
                                    });
                                    let open = match ports {
                                        None => Some(22),
                                        Some(s) if s == "any" => Some(22),
                                        Some(s) => {
                                            let (f, t) = s.split_once('-').unwrap_or((&s, &s));
                                            opens(f.trim().parse().ok(), t.trim().parse().ok(), Some("tcp"))
                                        }
                                    };
                                    if let Some(port) = open {
                                        let mut p = base.clone();
                                        p.extend([
                                            key("rule"),
                                            Seg::Index(ri),
                                            key("source_ips"),
                                            Seg::Index(wi),
                                        ]);
                                        sink.report_in(
                                            fi,
                                            d.located.span_of(&p),
                                            format!("firewall `{name}` opens port {port} to the internet"),
                                        );
                                    }
                                }
                                continue;
                            }
                            "google_compute_firewall" => {
                                let world =
                                    body.get("source_ranges").and_then(Value::as_array).and_then(|a| {
                                        a.iter()
                                            .position(|r| r.as_str().is_some_and(|r| WORLD.contains(&r)))
                                    });
                                let ingress = body
                                    .get("direction")
                                    .and_then(Value::as_str)
                                    .is_none_or(|d| d == "INGRESS");
                                let Some(wi) = world.filter(|_| ingress) else {
                                    continue;
                                };
                                let open = body
                                    .get("allow")
                                    .and_then(Value::as_array)
                                    .into_iter()
                                    .flatten()
                                    .find_map(|a| {
                                        let ports = a.get("ports").and_then(Value::as_array);
                                        match ports {
                                            None => Some(22),
                                            Some(ps) => ps.iter().find_map(|p| {
                                                let s = p
                                                    .as_str()
                                                    .map(str::to_string)
                                                    .or_else(|| p.as_u64().map(|n| n.to_string()))?;
                                                let (f, t) = s.split_once('-').unwrap_or((&s, &s));
                                                opens(
                                                    f.trim().parse().ok(),
                                                    t.trim().parse().ok(),
                                                    Some("tcp"),
                                                )
                                            }),
                                        }
                                    });
                                if let Some(port) = open {
                                    let mut p = base.clone();
                                    p.extend([key("source_ranges"), Seg::Index(wi)]);
                                    sink.report_in(
                                        fi,
                                        d.located.span_of(&p),
                                        format!("firewall `{name}` opens port {port} to the internet"),
                                    );
                                }
                                continue;
                            }
                            _ => {}
                        }
                        for (p, r) in rules {
                            let cidr = ["cidr_blocks", "ipv6_cidr_blocks"]
                                .iter()
                                .find_map(|k| {
                                    let list = r.get(*k)?.as_array()?;
                                    let i = list
                                        .iter()
                                        .position(|c| c.as_str().is_some_and(|c| WORLD.contains(&c)))?;
                                    let mut q = p.clone();
                                    q.extend([key(k), Seg::Index(i)]);
                                    Some(q)
                                })
                                .or_else(|| {
                                    ["cidr_ipv4", "cidr_ipv6"].iter().find_map(|k| {
                                        r.get(*k)?.as_str().filter(|c| WORLD.contains(c))?;
                                        let mut q = p.clone();
                                        q.push(key(k));
                                        Some(q)
                                    })
                                });
                            let Some(at) = cidr else { continue };
                            let proto = r
                                .get("protocol")
                                .or_else(|| r.get("ip_protocol"))
                                .and_then(Value::as_str);
                            if let Some(port) = opens(port(r.get("from_port")), port(r.get("to_port")), proto)
                            {
                                sink.report_in(
                                    fi,
                                    d.located.span_of(&at),
                                    format!("`{rtype}.{name}` opens port {port} to the internet"),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
