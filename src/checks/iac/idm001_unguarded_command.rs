//! IDM001 unguarded-command: an Ansible `shell`/`command`/`raw` task with
//! none of `creates`, `removes` or `changed_when`.

use super::{ansible_tasks, task_module, IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::located::Seg;

pub struct UnguardedCommand;

const MODULES: &[&str] = &["shell", "command", "raw"];

impl IacCheck for UnguardedCommand {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, _, d) in cx.docs() {
            for (path, task) in ansible_tasks(d) {
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
    fn short_names_and_tasks_inside_blocks_are_checked() {
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
        assert_eq!(lines(&hits), [5, 8], "{hits:#?}");
    }
}
