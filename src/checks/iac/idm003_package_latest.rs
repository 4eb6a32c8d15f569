//! IDM003 package-state-latest: an Ansible package task with `state: latest`.

use super::{ansible_tasks, task_module, IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::located::Seg;

pub struct PackageLatest;

const MODULES: &[&str] = &[
    "apt", "yum", "dnf", "package", "pip", "apk", "zypper", "pacman", "homebrew", "snap",
];

impl IacCheck for PackageLatest {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, _, d) in cx.docs() {
            for (path, task) in ansible_tasks(d) {
                let found = task_module(task, MODULES).or_else(|| {
                    task.iter()
                        .find(|(k, _)| {
                            let short = k.rsplit('.').next().unwrap_or(k);
                            k.starts_with("community.general.") && MODULES.contains(&short)
                        })
                        .map(|(k, v)| (k.as_str(), v))
                });
                let Some((key, value)) = found else { continue };
                let mut p = path.clone();
                p.push(Seg::Key(key.to_string()));
                let latest = match value {
                    serde_json::Value::Object(o) => o.get("state").and_then(|s| s.as_str()) == Some("latest"),
                    serde_json::Value::String(s) => s.split_whitespace().any(|w| w == "state=latest"),
                    _ => false,
                };
                if latest {
                    if value.is_object() {
                        p.push(Seg::Key("state".into()));
                    }
                    sink.report_in(
                        fi,
                        d.located.span_of(&p),
                        format!("`{key}` installs with `state: latest`: every run may upgrade"),
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
            "IDM003",
            &[(
                "roles/k3s/tasks/main.yml",
                r##"- name: Install containerd
  ansible.builtin.apt:
    name: containerd
    state: latest
"##,
            )],
            &[],
        );
        assert_eq!(lines(&hits), [4], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == "roles/k3s/tasks/main.yml"));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "IDM003",
            &[(
                "roles/k3s/tasks/main.yml",
                r##"- name: Install containerd
  ansible.builtin.apt:
    name: containerd=1.7.24-1
    state: present
"##,
            )],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn every_package_module_in_short_and_fqcn_form() {
        let tasks = r#"
- name: Tools
  package:
    name: [jq, curl]
    state: latest
- name: Python client
  ansible.builtin.pip:
    name: kubernetes
    state: latest
- name: Pinned
  ansible.builtin.dnf:
    name: podman-5.2.2
    state: present
"#;
        let hits = iac_hits("IDM003", &[("roles/base/tasks/main.yml", tasks)], &[]);
        assert_eq!(lines(&hits), [5, 9], "{hits:#?}");
    }
}
