//! IDM001 unguarded-command: an Ansible `shell`/`command`/`raw` task with
//! none of `creates`, `removes` or `changed_when`, and no `when:` over state
//! the play registered or gathered. Handlers, and tasks under a block's
//! `rescue:` (a rollback that runs only when the block failed), are not
//! checked.

use super::{ansible_tasks, task_module, IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::DocClass;
use crate::parse::located::Seg;
use serde_json::Value;

pub struct UnguardedCommand;

const MODULES: &[&str] = &["shell", "command", "raw"];

/// The identifiers of a Jinja expression that are not attributes
/// (`x.rc != 0` gives `x` and `rc` is skipped).
fn identifiers(expr: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = expr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' || c == b'"' {
            // Skip string literals.
            let close = expr[i + 1..].find(c as char).map_or(bytes.len(), |j| i + 2 + j);
            i = close;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let attr = expr[..start].trim_end().ends_with('.');
            if !attr {
                out.push(&expr[start..i]);
            }
            continue;
        }
        i += 1;
    }
    out
}

/// The expressions of a task's `when:` (a string, a bool, or a list).
fn conditions(task: &serde_json::Map<String, Value>) -> Vec<&str> {
    match task.get("when") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// True when `when:` reads a variable registered earlier, or a gathered
/// fact (`ansible_facts`, `ansible_*`).
fn guarded_by_state(task: &serde_json::Map<String, Value>, registered: &[&str]) -> bool {
    conditions(task).iter().any(|c| {
        identifiers(c)
            .iter()
            .any(|id| id.starts_with("ansible_") || registered.contains(id))
    })
}

impl IacCheck for UnguardedCommand {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, _, d) in cx.docs() {
            if d.class == DocClass::AnsibleHandlers {
                continue;
            }
            // Variables registered so far, by play (index 0 outside playbooks).
            let mut registered: Vec<(usize, &str)> = Vec::new();
            for (path, task) in ansible_tasks(d) {
                let play = match (d.class, path.first()) {
                    (DocClass::AnsiblePlaybook, Some(Seg::Index(i))) => *i,
                    _ => 0,
                };
                let in_play: Vec<&str> = registered
                    .iter()
                    .filter(|(p, _)| *p == play)
                    .map(|(_, n)| *n)
                    .collect();
                if let Some(name) = task.get("register").and_then(Value::as_str) {
                    registered.push((play, name));
                }
                if d.class == DocClass::AnsiblePlaybook && path.get(1) == Some(&Seg::Key("handlers".into())) {
                    continue;
                }
                // A rescue task runs only after a failure, never on a re-run
                // of a play that succeeded.
                if path.iter().any(|s| *s == Seg::Key("rescue".into())) {
                    continue;
                }
                let Some((key, value)) = task_module(task, MODULES) else {
                    continue;
                };
                let guarded_args =
                    |v: &serde_json::Value| v.get("creates").is_some() || v.get("removes").is_some();
                let free_form = value
                    .as_str()
                    .is_some_and(|s| s.contains("creates=") || s.contains("removes="));
                if task.contains_key("changed_when")
                    || guarded_args(value)
                    || task.get("args").is_some_and(guarded_args)
                    || free_form
                    || guarded_by_state(task, &in_play)
                {
                    continue;
                }
                let mut p = path.clone();
                p.push(Seg::Key(key.to_string()));
                let name = task.get("name").and_then(|n| n.as_str()).unwrap_or(key);
                sink.report_in(
                    fi,
                    d.located.span_of(&p),
                    format!("task `{name}` runs `{key}` with no `creates`, `removes` or `changed_when`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn rescue_tasks_are_rollbacks_not_reported() {
        let hits = iac_hits(
            "IDM001",
            &[(
                "roles/relay/tasks/main.yml",
                r##"- name: Start the relay
  block:
    - name: Run the relay container
      ansible.builtin.command: docker run -d --name relay relay:1.2
  rescue:
    - name: Remove the half-started relay
      ansible.builtin.command: docker rm -f relay
  always:
    - name: Print the relay log
      ansible.builtin.command: docker logs relay
"##,
            )],
            &[],
        );
        // The block's and the always task are reported; the rescue is not.
        assert_eq!(lines(&hits), [4, 10], "{hits:#?}");
    }

    #[test]
    fn reports_the_rule_example() {
        let hits = iac_hits(
            "IDM001",
            &[(
                "roles/k3s/tasks/main.yml",
                r##"- name: Install k3s
  ansible.builtin.shell: curl -sfL https://get.k3s.io | sh -
"##,
            )],
            &[],
        );
        assert_eq!(lines(&hits), [2], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == "roles/k3s/tasks/main.yml"));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "IDM001",
            &[(
                "roles/k3s/tasks/main.yml",
                r##"- name: Install k3s
  ansible.builtin.shell: curl -sfL https://get.k3s.io | sh -
  args:
    creates: /usr/local/bin/k3s
"##,
            )],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn changed_when_and_removes_are_guards() {
        let tasks = r#"
- name: Read the token
  ansible.builtin.command: cat /var/lib/rancher/k3s/server/token
  changed_when: false
- name: Remove the old binary
  command: rm /usr/local/bin/k3s-old
  args:
    removes: /usr/local/bin/k3s-old
"#;
        assert!(iac_hits("IDM001", &[("roles/k3s/tasks/main.yml", tasks)], &[]).is_empty());
    }

    #[test]
    fn short_names_and_tasks_inside_blocks_are_checked_but_not_rescues() {
        let tasks = r#"
- name: Join the cluster
  block:
    - name: Run the join script
      raw: /opt/join.sh
  rescue:
    - name: Reset
      command: k3s-killall.sh
"#;
        let hits = iac_hits("IDM001", &[("roles/k3s/tasks/main.yml", tasks)], &[]);
        // The rescue runs only when the join failed: not reported.
        assert_eq!(lines(&hits), [5], "{hits:#?}");
    }

    #[test]
    fn handlers_are_not_checked() {
        let handlers = "- name: Restart k3s\n  ansible.builtin.command: systemctl restart k3s\n";
        assert!(iac_hits("IDM001", &[("roles/k3s/handlers/main.yml", handlers)], &[]).is_empty());
        let play = r#"
- hosts: all
  tasks:
    - name: Start
      command: /opt/start.sh
  handlers:
    - name: Reload
      command: /opt/reload.sh
"#;
        let hits = iac_hits("IDM001", &[("site.yml", play)], &[]);
        assert_eq!(lines(&hits), [5], "{hits:#?}");
    }

    #[test]
    fn when_over_registered_or_gathered_state_is_a_guard() {
        let tasks = r#"
- name: Look for the binary
  ansible.builtin.stat:
    path: /usr/local/bin/k3s
  register: k3s_bin
- name: Install when missing
  ansible.builtin.shell: /opt/install.sh
  when: not k3s_bin.stat.exists
- name: Only on Debian
  command: /opt/debian.sh
  when: ansible_facts['os_family'] == 'Debian'
- name: Mentions a name it never registered
  command: /opt/other.sh
  when: other.rc != 0
- name: The registered name only as an attribute or a string
  command: /opt/third.sh
  when: [ "item.k3s_bin", "'k3s_bin' in groups" ]
"#;
        let hits = iac_hits("IDM001", &[("roles/k3s/tasks/main.yml", tasks)], &[]);
        assert_eq!(lines(&hits), [13, 16], "{hits:#?}");
    }

    #[test]
    fn a_registration_in_another_play_or_later_does_not_count() {
        let play = r#"
- hosts: a
  tasks:
    - name: Probe
      command: /opt/probe.sh
      changed_when: false
      register: probe
- hosts: b
  tasks:
    - name: Act
      command: /opt/act.sh
      when: probe.rc == 0
    - name: Act again
      command: /opt/act.sh
      when: late is changed
    - name: Register late
      command: /opt/late.sh
      changed_when: false
      register: late
"#;
        let hits = iac_hits("IDM001", &[("site.yml", play)], &[]);
        assert_eq!(lines(&hits), [11, 14], "{hits:#?}");
    }
}
