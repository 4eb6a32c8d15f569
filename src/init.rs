//! `constable init`: a starting constable.toml whose principles come from the
//! repository's constitution.md. Renders text; the CLI writes it.

use crate::evaluate::{read_text, Problem};
use crate::load::Settings;
use crate::parse::constitution::{resolve, ConstitutionDoc, Origin};
use crate::parse::plan::Plan;
use crate::source::SourceFile;
use std::fmt::Write;
use std::path::PathBuf;

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The text of a starting configuration.
pub fn render(constitution: Option<&(PathBuf, String)>, settings: &Settings) -> Result<String, Problem> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# constable configuration (https://github.com/constable-rs/constable)"
    );
    let _ = writeln!(
        out,
        "# Written by `constable init`. Rules: `constable rules`; docs: `constable explain CODE`.\n"
    );
    let _ = writeln!(out, "extends = [\"builtin:spec-kit\", \"builtin:k3s-gitops\"]\n");
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
    let Some((abs, rel)) = constitution else {
        let _ = writeln!(
            out,
            "# No constitution.md was found, so plans are gated against the built-in"
        );
        let _ = writeln!(
            out,
            "# k3s-gitops principles. Add .specify/memory/constitution.md and re-run"
        );
        let _ = writeln!(out, "# `constable init` to derive principles from it.");
        return Ok(out);
    };
    let text = read_text(abs, rel)?;
    let doc = ConstitutionDoc::parse(Plan::parse(SourceFile::new(rel.as_str(), &text)));
    if doc.is_unfilled() {
        let _ = writeln!(
            out,
            "# {rel} is still the unfilled template (constable reports it as GATE005)."
        );
        let _ = writeln!(
            out,
            "# Fill it in and re-run `constable init` to derive principles from it."
        );
        return Ok(out);
    }
    let principles = resolve(Some(&doc), &settings.rules.constitution);
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
    let _ = writeln!(out, "\n# Principles of {rel}.");
    for p in &principles {
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
    Ok(out)
}
