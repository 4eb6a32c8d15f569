//! A rule pack's regex, checked when the pack loads and compiled the first
//! time a rule uses it. Foundation code: it knows patterns, not rules or files.
//!
//! Compiling every pack regex at load was most of the settings load, and most
//! of those regexes belong to rules that never run in a given check (IaC
//! patterns when one plan is checked from an editor). [`LazyRegex::new`]
//! parses the pattern with the parser `regex` itself uses, so a syntax error
//! has the same text as `Regex::new`'s; a pattern whose compiled form might
//! pass `regex`'s size limit is compiled at once, so that error too comes at
//! load. Everything else is compiled on first use, once, shared by clones
//! and threads.

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// `regex`'s default size limit for a compiled program (`RegexBuilder::size_limit`).
const SIZE_LIMIT: usize = 10 * (1 << 20);

/// Patterns whose [`weight`] stays under this are compiled lazily; heavier
/// ones are compiled at load to learn whether they fit the size limit.
///
/// A unit of weight is one byte-range transition of the Thompson NFA before
/// `regex` shares any suffix. Measured on this crate's regex version, one
/// unit costs at most about 30 bytes of the limit (repetitions of `.`; the
/// `weight_bounds_the_compiled_size` test checks a spread of shapes against
/// 48 bytes). The threshold leaves a further factor of four: a pattern that
/// stays lazy cannot come near the limit, and ordinary patterns (`\w` is
/// about 3,400 units) stay far below it.
pub const EAGER_WEIGHT: u64 = (SIZE_LIMIT / 48 / 4) as u64;

/// A regex that is validated now and compiled on first use.
///
/// Dereferences to [`regex::Regex`], so `re.is_match(..)`, `re.find(..)`,
/// `re.captures(..)` and the rest read as they do on a `Regex`.
#[derive(Clone)]
pub struct LazyRegex(Arc<Inner>);

struct Inner {
    pattern: Box<str>,
    compiled: OnceLock<Regex>,
}

impl LazyRegex {
    /// Check `pattern` as `Regex::new` would, with the same error, without
    /// compiling it unless it may be too big to compile.
    pub fn new(pattern: &str) -> Result<LazyRegex, regex::Error> {
        let hir = parse(pattern)?;
        let lazy = LazyRegex(Arc::new(Inner {
            pattern: pattern.into(),
            compiled: OnceLock::new(),
        }));
        if weight(&hir) >= EAGER_WEIGHT {
            let re = Regex::new(pattern)?;
            let _ = lazy.0.compiled.set(re);
        }
        Ok(lazy)
    }

    /// A pattern known to be valid, not even parsed until first use: one
    /// constable builds from escaped text, or one of the packs shipped in
    /// the binary (`load::tests::builtin_pack_regexes_compile` checks each).
    pub fn trusted(pattern: impl Into<Box<str>>) -> LazyRegex {
        LazyRegex(Arc::new(Inner {
            pattern: pattern.into(),
            compiled: OnceLock::new(),
        }))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0.pattern
    }

    /// True once the pattern has been compiled (at load for heavy patterns,
    /// otherwise at first use).
    pub fn is_compiled(&self) -> bool {
        self.0.compiled.get().is_some()
    }

    /// The compiled regex, compiling it on the first call.
    pub fn regex(&self) -> &Regex {
        self.0.compiled.get_or_init(|| {
            Regex::new(&self.0.pattern).unwrap_or_else(|_| {
                // `new` parsed the pattern and compiled it if it could be
                // near the size limit, so this is not reached; if the weight
                // ever underestimates, match as asked rather than fail a check.
                regex::RegexBuilder::new(&self.0.pattern)
                    .size_limit(usize::MAX)
                    .build()
                    .expect("the pattern was checked when it was made")
            })
        })
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.regex()
    }
}

impl fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.as_str()).finish()
    }
}

impl fmt::Display for LazyRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parse as `Regex::new` does (`regex` 1.x: Unicode on, UTF-8 only, nesting
/// up to 250, no octal), with its error: `regex::Error::Syntax` holding the
/// parser's message.
fn parse(pattern: &str) -> Result<Hir, regex::Error> {
    regex_syntax::ParserBuilder::new()
        .unicode(true)
        .utf8(true)
        .nest_limit(250)
        .octal(false)
        .build()
        .parse(pattern)
        .map_err(|e| regex::Error::Syntax(e.to_string()))
}

/// An upper estimate of the size of the pattern's compiled NFA, in
/// transitions: literals by the byte, classes by their UTF-8 byte ranges,
/// counted repetitions by their copies, and a few units for each node and
/// the program's fixed part. Saturates instead of overflowing.
pub fn weight(hir: &Hir) -> u64 {
    node_weight(hir).saturating_add(32)
}

fn node_weight(hir: &Hir) -> u64 {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 2,
        HirKind::Literal(lit) => lit.0.len() as u64 + 2,
        HirKind::Class(Class::Bytes(c)) => c.ranges().len() as u64 + 4,
        HirKind::Class(Class::Unicode(c)) => {
            let mut n: u64 = 4;
            for r in c.ranges() {
                for seq in regex_syntax::utf8::Utf8Sequences::new(r.start(), r.end()) {
                    n = n.saturating_add(seq.len() as u64);
                }
            }
            n
        }
        HirKind::Repetition(rep) => {
            // `{n,m}` compiles to m copies (n required, the rest optional);
            // `{n,}` to n copies and a loop over one more.
            let copies = u64::from(rep.max.unwrap_or(rep.min).max(rep.min.saturating_add(1))).max(1);
            node_weight(&rep.sub)
                .saturating_add(2)
                .saturating_mul(copies)
                .saturating_add(4)
        }
        HirKind::Capture(cap) => node_weight(&cap.sub).saturating_add(4),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().fold(2u64, |acc, h| {
            acc.saturating_add(node_weight(h)).saturating_add(1)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weight_of(p: &str) -> u64 {
        weight(&parse(p).expect("valid pattern"))
    }

    /// Syntax errors read exactly as `Regex::new`'s: the config-error
    /// snapshots quote them.
    #[test]
    fn syntax_errors_match_regex_new() {
        let bad = [
            "(",
            "a)",
            "[z-a]",
            r"\p{NoSuchClass}",
            "a{2,1}",
            "*",
            "(?<n>a)(?<n>b)",
            r"\xZZ",
            "(?z)",
            r"\1",
            "(?-u:\\xFF)",
            "a{99999999999}",
            &"(".repeat(300),
            &format!("{}a{}", "(?:".repeat(260), ")".repeat(260)),
        ];
        for p in bad {
            let eager = Regex::new(p).expect_err(p);
            let lazy = LazyRegex::new(p).expect_err(p);
            assert_eq!(lazy, eager, "pattern {p:?}");
            assert_eq!(lazy.to_string(), eager.to_string(), "pattern {p:?}");
        }
    }

    /// A pattern too big to compile is refused at load, with `Regex::new`'s error.
    #[test]
    fn too_big_is_an_error_at_load() {
        for p in [
            r"\w{500}",
            r"(?i)\w{300}",
            r"[\p{L}\p{N}]{300}x",
            "(?:[a-z]?){100000}",
            r"(\w{50}){10}",
        ] {
            let eager = Regex::new(p).expect_err(p);
            assert!(matches!(eager, regex::Error::CompiledTooBig(_)), "{p}: {eager}");
            assert_eq!(LazyRegex::new(p).expect_err(p), eager, "pattern {p:?}");
        }
    }

    /// Ordinary patterns are not compiled until used; heavy ones that fit
    /// are compiled at load and still work.
    #[test]
    fn compiles_on_first_use_only_when_light() {
        let re = LazyRegex::new(r"(?i)\b(latest|main)\b").unwrap();
        assert!(!re.is_compiled());
        assert!(re.is_match("image: nginx:LATEST"));
        assert!(re.is_compiled());

        let heavy = LazyRegex::new(r"\w{100}").unwrap();
        assert!(heavy.is_compiled(), "weight {}", weight_of(r"\w{100}"));
        assert!(heavy.is_match(&"é".repeat(100)));
        assert!(!heavy.is_match(&"é".repeat(99)));
    }

    /// Clones share one compiled regex.
    #[test]
    fn clones_share_the_compiled_regex() {
        let a = LazyRegex::new("x+").unwrap();
        let b = a.clone();
        assert!(b.is_match("xx"));
        assert!(a.is_compiled());
        assert!(std::ptr::eq(a.regex(), b.regex()));
    }

    /// Compiled from many threads at once, every thread sees one regex.
    #[test]
    fn first_use_from_many_threads() {
        let re = LazyRegex::new(r"[0-9]{3}-[a-z]+").unwrap();
        let seen: Vec<usize> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        assert!(re.is_match("call 555-help"));
                        re.regex() as *const Regex as usize
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(seen.windows(2).all(|w| w[0] == w[1]));
    }

    /// A lazily compiled regex finds what an eager one finds.
    #[test]
    fn lazy_matches_as_eager() {
        let patterns = [
            r"(?i)\bimage:\s*\S+:latest\b",
            r"(?m)^\s*-\s+name:\s*(?P<name>\S+)$",
            r"[\p{L}\p{N}_]+@[a-z]+\.(com|org)",
            r"(?i)^constitution check$",
            r"TODO|FIXME|XXX",
            "",
        ];
        let haystacks = [
            "image: nginx:Latest\n  - name: web\nemail élan_9@example.org",
            "TODO first\nFIXME: second XXX",
            "Constitution Check",
            "",
        ];
        for p in patterns {
            let eager = Regex::new(p).unwrap();
            let lazy = LazyRegex::new(p).unwrap();
            assert_eq!(lazy.as_str(), eager.as_str());
            for h in haystacks {
                assert_eq!(lazy.is_match(h), eager.is_match(h), "{p:?} on {h:?}");
                let l: Vec<_> = lazy.find_iter(h).map(|m| m.range()).collect();
                let e: Vec<_> = eager.find_iter(h).map(|m| m.range()).collect();
                assert_eq!(l, e, "{p:?} on {h:?}");
                let lc: Vec<Vec<Option<std::ops::Range<usize>>>> = lazy
                    .captures_iter(h)
                    .map(|c| c.iter().map(|g| g.map(|m| m.range())).collect())
                    .collect();
                let ec: Vec<Vec<Option<std::ops::Range<usize>>>> = eager
                    .captures_iter(h)
                    .map(|c| c.iter().map(|g| g.map(|m| m.range())).collect())
                    .collect();
                assert_eq!(lc, ec, "{p:?} on {h:?}");
            }
        }
    }

    /// The weight bounds the compiled size: every pattern here that stays
    /// lazy compiles within its weight times 48 bytes, forward and reverse,
    /// which is what keeps `EAGER_WEIGHT` safe. Measured with the limit
    /// lowered to that bound, so the test fails if the estimate is ever low.
    #[test]
    fn weight_bounds_the_compiled_size() {
        let shapes = [
            "a",
            "abcdefghij",
            r"\w",
            r"(?i)\w",
            r"\W",
            r"\d{1,5}",
            r"[^\p{L}\p{N}_]",
            r"(?i)[^\p{L}\p{N}_]",
            r"\p{Greek}+",
            r".",
            r"(?s).",
            r"(?i)straße|ǅ|ſ",
            r"(?i)(?:^|[^\p{L}\p{N}_])(justified deviation|deviation|pass|fail|n/a|✅|❌)(?:$|[^\p{L}\p{N}_])",
            r"\b\w+\b",
            r"(a|b|c|d|e|f)*",
            r"[a-z]{10,20}",
            r"(?:x{3}){4}",
            r"\w{30}",
            r"(?i)\w{20}",
            r"[\u{0}-\u{10FFFF}]{40}",
            r"(\p{L}|\p{N}){8}",
            r"(?m)^\s*-\s+name:\s*(?P<name>\S+)$",
            r"[^a]{25}",
            "a{0,60}b{1,}c*",
            "(?:(?:(?:a|bc){2}){2}){2}",
            "a{1000}",
            "(?:ab|cd){500}",
            r"(?s:.){1000}",
            r"[^a]{300}",
            r"(?:.?){500}",
            "(?:a?){2000}",
            "(?:a|b?){1000}",
            r"(?:x\b){1000}",
            "(?:(?:a*)*)*",
            "(a|)(b|)(c|)(d|)",
            "(?:(a)|(b)|(c)){300}",
            "(?:(?:a{2,}){3,}){4,}",
            r"(?i)(?:k){1000}",
            r"(?:\s){1000}",
            r"(?:[^\n]){1000}",
            "",
            "^$",
            "[a-z]",
        ];
        for p in shapes {
            let w = weight_of(p);
            let bound = (w * 48) as usize;
            let built = regex::RegexBuilder::new(p).size_limit(bound).build();
            assert!(
                built.is_ok(),
                "{p:?}: weight {w} ({bound} bytes) is below its compiled size: {built:?}"
            );
        }
    }
}
