//! The label sets of the series, and the rules that keep their values
//! bounded.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use prometheus_client::encoding::EncodeLabelSet;

/// Most distinct model names labelled; later ones count as `other`.
pub const MAX_MODEL_LABELS: usize = 32;

/// How something ended, as a bounded label value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It succeeded.
    Ok,
    /// Refused before any work: bad input, unknown bot, inactive bot.
    Rejected,
    /// Refused by billing.
    Billing,
    /// The model provider failed.
    UpstreamError,
    /// A deadline passed.
    Timeout,
    /// The client went away first.
    Interrupted,
    /// The database was unreachable.
    Unavailable,
    /// Anything else.
    Error,
}

impl Outcome {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Rejected => "rejected",
            Outcome::Billing => "billing",
            Outcome::UpstreamError => "upstream_error",
            Outcome::Timeout => "timeout",
            Outcome::Interrupted => "interrupted",
            Outcome::Unavailable => "unavailable",
            Outcome::Error => "error",
        }
    }
}

/// An HTTP method as a label: the standard ones, else `other`.
pub(crate) fn method(method: &str) -> &'static str {
    const KNOWN: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    KNOWN
        .iter()
        .find(|known| known.eq_ignore_ascii_case(method))
        .copied()
        .unwrap_or("other")
}

/// The model names seen so far, at most [`MAX_MODEL_LABELS`].
#[derive(Default)]
pub(crate) struct ModelNames(Mutex<HashSet<String>>);

impl ModelNames {
    /// `model` as a label: itself while fewer than the cap were seen (and
    /// it is short and printable), else `other`.
    pub(crate) fn label(&self, model: &str) -> String {
        let printable = model.len() <= 100 && model.chars().all(|c| c.is_ascii_graphic());
        if !printable {
            return "other".into();
        }
        let mut seen = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.contains(model) {
            return model.to_owned();
        }
        if seen.len() < MAX_MODEL_LABELS {
            seen.insert(model.to_owned());
            return model.to_owned();
        }
        "other".into()
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct HttpLabels {
    pub route: String,
    pub method: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct RouteLabels {
    pub route: String,
    pub method: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct ChatLabels {
    pub dialect: &'static str,
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct ModelLabels {
    pub model: String,
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct NameLabels {
    pub model: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct KindLabels {
    pub model: String,
    pub kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct DeliveryLabels {
    pub model: String,
    pub delivery: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct ScopeLabels {
    pub scope: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct StateLabels {
    pub state: &'static str,
}
