//! Renderers: they format findings and decide nothing.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::Report;

/// One checked input, or the reason it could not be checked.
pub enum Outcome {
    Checked(Report),
    Failed { path: String, error: String },
}

#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(outcomes: &[Outcome]) -> Summary {
        let mut s = Summary {
            files: outcomes.len(),
            ..Summary::default()
        };
        for o in outcomes {
            if let Outcome::Checked(r) = o {
                s.errors += r.count(crate::Severity::Error);
                s.warnings += r.count(crate::Severity::Warning);
                s.infos += r.count(crate::Severity::Info);
            }
        }
        s
    }
}
