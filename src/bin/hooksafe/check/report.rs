//! The report of a check run: a table for people, JSON for CI.

use std::io::IsTerminal as _;
use std::time::Duration;

use crate::paint;

/// How a check ended.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Pass,
    Fail,
    /// Could not be checked (an option is missing, or the effect is not observable): says why. Fails the run
    /// unless `--allow-skipped`.
    Skip,
    /// Does not apply to this scheme (it signs no timestamp, has no handshake): says why.
    NotApplicable,
    /// Reported, not judged.
    Info,
}

impl Verdict {
    pub(super) const fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "FAIL",
            Self::Skip => "skip",
            Self::NotApplicable => "n/a",
            Self::Info => "info",
        }
    }
}

/// One line of the report.
pub(super) struct Row {
    pub(super) check: &'static str,
    pub(super) expected: String,
    pub(super) got: String,
    pub(super) verdict: Verdict,
}

impl Row {
    pub(super) fn new(
        check: &'static str,
        expected: impl Into<String>,
        got: impl Into<String>,
        verdict: Verdict,
    ) -> Self {
        Self { check, expected: expected.into(), got: got.into(), verdict }
    }
}

pub(super) fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

pub(super) fn print_table(url: &str, scheme: &str, rows: &[Row]) {
    let colour = std::io::stdout().is_terminal();
    println!("hooksafe check {url} ({scheme})\n");
    let width = |f: fn(&Row) -> usize, title: &str| rows.iter().map(f).max().unwrap_or(0).max(title.len());
    let (check, expected) =
        (width(|row| row.check.len(), "check"), width(|row| cell(&row.expected).chars().count(), "expected"));
    println!("{:<4}  {:<check$}  {:<expected$}  got", "", "check", "expected");
    for row in rows {
        let verdict = match row.verdict {
            Verdict::Pass => paint("pass", true, colour),
            Verdict::Fail => paint("FAIL", false, colour),
            other => other.as_str().to_owned(),
        };
        let pad = 4usize.saturating_sub(row.verdict.as_str().len());
        println!(
            "{verdict}{}  {:<check$}  {:<expected$}  {}",
            " ".repeat(pad),
            row.check,
            cell(&row.expected),
            cell(&row.got)
        );
    }
    let failed = rows.iter().filter(|row| row.verdict == Verdict::Fail).count();
    let passed = rows.iter().filter(|row| row.verdict == Verdict::Pass).count();
    let skipped = rows.iter().filter(|row| row.verdict == Verdict::Skip).count();
    let absent = rows.iter().filter(|row| row.verdict == Verdict::NotApplicable).count();
    println!("\n{passed} passed, {failed} failed, {skipped} skipped, {absent} not applicable");
}

/// A table cell: at most 60 characters (`--json` has the whole text).
fn cell(text: &str) -> String {
    match text.char_indices().nth(59) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

pub(super) fn to_json(url: &str, scheme: &str, rows: &[Row], passed: bool) -> String {
    let checks: Vec<_> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "check": row.check,
                "expected": row.expected,
                "got": row.got,
                "verdict": row.verdict.as_str().to_ascii_lowercase(),
            })
        })
        .collect();
    let report = serde_json::json!({ "url": url, "scheme": scheme, "passed": passed, "checks": checks });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}
