//! `constable init`: a starting constable.toml whose principles come from the
//! repository's constitution.md (read and parsed by the pipeline). Renders
//! text; the CLI writes it.

use crate::load::{Settings, DEFAULT_EXTENDS};
use crate::parse::constitution::{resolve_explained, ConstitutionDoc, Origin};
use std::fmt::Write;

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The text of a starting configuration, for the constitution.md at `rel`.
pub fn render(constitution: Option<&(String, ConstitutionDoc)>, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# constable configuration (https://github.com/constable-rs/constable)"
    );
    let _ = writeln!(
        out,
        "# Written by `constable init`. Rules: `constable rules`; docs: `constable explain CODE`.\n"
    );
    let packs: Vec<String> = DEFAULT_EXTENDS.iter().map(|p| format!("\"{p}\"")).collect();
    let _ = writeln!(out, "extends = [{}]\n", packs.join(", "));
    let _ = writeln!(
        out,
        "# select = [\"TPL\", \"GATE\", \"CPX\"]   # codes, prefixes, names or principle ids"
    );
    let _ = writeln!(out, "# ignore = []\n");
    let _ = writeln!(out, "# [severity]\n# TPL007 = \"error\"\n");
    let _ = writeln!(
        out,
        "# [per-file-ignores]\n# \"specs/001-*/plan.md\" = [\"GATE003\"]\n"
    );
    let Some((rel, doc)) = constitution else {
        let _ = writeln!(
            out,
            "# No constitution.md was found, so plans are gated against the built-in"
        );
        let _ = writeln!(
            out,
            "# k3s-gitops principles. Add .specify/memory/constitution.md and re-run"
        );
        let _ = writeln!(out, "# `constable init` to derive principles from it.");
        return out;
    };
    if doc.is_unfilled() {
        let _ = writeln!(
            out,
            "# {rel} is still the unfilled template (constable reports it as GATE005)."
        );
        let _ = writeln!(
            out,
            "# Fill it in and re-run `constable init` to derive principles from it."
        );
        return out;
    }
    let resolution = resolve_explained(Some(doc), &settings.rules.constitution);
    let principles = &resolution.principles;
    let title = doc
        .doc
        .sections
        .first()
        .map(|s| s.title.clone())
        .unwrap_or_else(|| "Constitution".into());
    let _ = writeln!(out, "[constitution]\nname = {}", toml_str(&title));
    if let Some((v, _)) = &doc.version {
        let _ = writeln!(out, "version = {}", toml_str(v.trim().trim_matches('`')));
    }
    let _ = writeln!(
        out,
        "\n# How the principles of {rel} map to rule-pack principles,"
    );
    let _ = writeln!(
        out,
        "# inferred from their headings and text. Edit a value to override it"
    );
    let _ = writeln!(
        out,
        "# (a principle id, or \"none\"): a pack's rules run only when a principle\n# maps to its principle."
    );
    let _ = writeln!(out, "[principles]");
    let keys: Vec<String> = resolution
        .mapping
        .iter()
        .map(|m| toml_str(m.numeral.as_deref().unwrap_or(&m.title)))
        .collect();
    let width = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
    let ids: Vec<String> = resolution
        .mapping
        .iter()
        .zip(principles)
        .map(|(m, p)| toml_str(m.id.as_deref().unwrap_or(&p.id)))
        .collect();
    let id_width = ids.iter().map(|k| k.chars().count()).max().unwrap_or(0);
    for ((m, key), id) in resolution.mapping.iter().zip(&keys).zip(&ids) {
        let why = match m.id {
            Some(_) => m.reason.clone(),
            None => format!("{}; defined below", m.reason),
        };
        let _ = writeln!(
            out,
            "{key:<width$} = {id:<id_width$}   # {}: {}",
            m.shown(),
            why.replace('\n', " ")
        );
    }
    let _ = writeln!(out, "\n# Principles of {rel}.");
    for p in principles {
        let Origin::Document { .. } = p.origin else {
            continue;
        };
        let shown = match &p.numeral {
            Some(n) => format!("{n}. {}", p.title),
            None => p.title.clone(),
        };
        if settings.rules.principle(&p.id).is_some() {
            let _ = writeln!(
                out,
                "# {shown}: the built-in principle `{}` (aliases and evidence from builtin:k3s-gitops)",
                p.id
            );
            continue;
        }
        let _ = writeln!(
            out,
            "\n[[principle]]\nid = {}\ntitle = {}",
            toml_str(&p.id),
            toml_str(&p.title)
        );
        let _ = writeln!(out, "aliases = []");
        let _ = writeln!(
            out,
            "gate = \"\"   # the question the plan's Constitution Check must answer"
        );
        let _ = writeln!(out, "# evidence = ['regex a passing gate must match']");
        let _ = writeln!(out, "severity = \"error\"");
    }
    out
}
