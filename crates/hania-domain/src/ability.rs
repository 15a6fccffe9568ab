//! Abilities: what an API key may do. A key holds grants; a grant is one
//! ability (`bots:read`), every ability of one resource (`bots:*`), or all
//! of them (`*`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

/// One permission checked by a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ability {
    /// Send chat messages to bots.
    ChatSend,
    /// Read bots and their hooks.
    BotsRead,
    /// Create, change and delete bots and their hooks.
    BotsWrite,
    /// Read conversations, messages and traces.
    ConversationsRead,
    /// Delete conversations.
    ConversationsWrite,
    /// Read tool configurations.
    ToolsRead,
    /// Create, change and delete tool configurations.
    ToolsWrite,
    /// Create and revoke API keys.
    KeysWrite,
    /// Read the workspace's billing account.
    BillingRead,
    /// Start and record voice calls.
    CallsWrite,
    /// Read widget keys and embed codes.
    WidgetsRead,
    /// Create, change and delete widget keys.
    WidgetsWrite,
}

impl Ability {
    /// Every ability, in a stable order.
    pub const ALL: [Ability; 12] = [
        Ability::ChatSend,
        Ability::BotsRead,
        Ability::BotsWrite,
        Ability::ConversationsRead,
        Ability::ConversationsWrite,
        Ability::ToolsRead,
        Ability::ToolsWrite,
        Ability::KeysWrite,
        Ability::BillingRead,
        Ability::CallsWrite,
        Ability::WidgetsRead,
        Ability::WidgetsWrite,
    ];

    /// The wire name, e.g. `bots:read`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Ability::ChatSend => "chat:send",
            Ability::BotsRead => "bots:read",
            Ability::BotsWrite => "bots:write",
            Ability::ConversationsRead => "conversations:read",
            Ability::ConversationsWrite => "conversations:write",
            Ability::ToolsRead => "tools:read",
            Ability::ToolsWrite => "tools:write",
            Ability::KeysWrite => "keys:write",
            Ability::BillingRead => "billing:read",
            Ability::CallsWrite => "calls:write",
            Ability::WidgetsRead => "widgets:read",
            Ability::WidgetsWrite => "widgets:write",
        }
    }

    /// The resource part of the name, e.g. `bots`.
    pub fn resource(self) -> &'static str {
        let name = self.as_str();
        name.split_once(':').map_or(name, |(resource, _)| resource)
    }
}

impl fmt::Display for Ability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of a key's ability list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AbilityGrant {
    /// `*`: every ability.
    All,
    /// `resource:*`: every ability of one resource.
    Resource(String),
    /// One exact ability.
    One(Ability),
}

impl AbilityGrant {
    /// Whether this grant covers `ability`.
    pub fn covers(&self, ability: Ability) -> bool {
        match self {
            AbilityGrant::All => true,
            AbilityGrant::Resource(resource) => ability.resource() == resource,
            AbilityGrant::One(one) => *one == ability,
        }
    }
}

impl fmt::Display for AbilityGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbilityGrant::All => f.write_str("*"),
            AbilityGrant::Resource(resource) => write!(f, "{resource}:*"),
            AbilityGrant::One(ability) => ability.fmt(f),
        }
    }
}

impl FromStr for AbilityGrant {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "*" {
            return Ok(AbilityGrant::All);
        }
        if let Some(resource) = s.strip_suffix(":*")
            && Ability::ALL.iter().any(|a| a.resource() == resource)
        {
            return Ok(AbilityGrant::Resource(resource.to_owned()));
        }
        Ability::ALL
            .iter()
            .find(|a| a.as_str() == s)
            .map(|a| AbilityGrant::One(*a))
            .ok_or_else(|| ValidationError::new("abilities", format!("unknown ability '{s}'")))
    }
}

/// The set of grants a key holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AbilitySet(Vec<AbilityGrant>);

impl AbilitySet {
    /// Every ability (`*`).
    pub fn all() -> Self {
        Self(vec![AbilityGrant::All])
    }

    /// Builds a set from grants, dropping duplicates while keeping order.
    pub fn new(grants: impl IntoIterator<Item = AbilityGrant>) -> Self {
        let mut out: Vec<AbilityGrant> = Vec::new();
        for grant in grants {
            if !out.contains(&grant) {
                out.push(grant);
            }
        }
        Self(out)
    }

    /// Parses wire names such as `["bots:*", "chat:send"]`.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, ValidationError> {
        names
            .iter()
            .map(|n| n.as_ref().parse())
            .collect::<Result<Vec<_>, _>>()
            .map(Self::new)
    }

    /// Whether any grant covers `ability`.
    pub fn allows(&self, ability: Ability) -> bool {
        self.0.iter().any(|grant| grant.covers(ability))
    }

    /// Whether every ability `other` grants is also granted here, so a key
    /// holding this set may hand `other` on without escalating.
    pub fn includes(&self, other: &AbilitySet) -> bool {
        other.0.iter().all(|grant| match grant {
            AbilityGrant::All => Ability::ALL.iter().all(|a| self.allows(*a)),
            AbilityGrant::Resource(resource) => Ability::ALL
                .iter()
                .filter(|a| a.resource() == resource)
                .all(|a| self.allows(*a)),
            AbilityGrant::One(ability) => self.allows(*ability),
        })
    }

    /// The grants, as held.
    pub fn grants(&self) -> &[AbilityGrant] {
        &self.0
    }

    /// The wire names of the grants.
    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }
}

impl Serialize for AbilitySet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_strings().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AbilitySet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(deserializer)?;
        AbilitySet::parse(&names).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_what_they_name() {
        let set = AbilitySet::parse(&["bots:*", "chat:send"]).unwrap();
        assert!(set.allows(Ability::BotsRead));
        assert!(set.allows(Ability::BotsWrite));
        assert!(set.allows(Ability::ChatSend));
        assert!(!set.allows(Ability::ConversationsRead));
        assert!(Ability::ALL.iter().all(|a| AbilitySet::all().allows(*a)));
        assert!(!AbilitySet::default().allows(Ability::ChatSend));
    }

    #[test]
    fn a_set_includes_only_what_it_can_grant() {
        let holder = AbilitySet::parse(&["bots:*", "keys:write"]).unwrap();
        assert!(holder.includes(&AbilitySet::parse(&["bots:read"]).unwrap()));
        assert!(holder.includes(&AbilitySet::parse(&["bots:*"]).unwrap()));
        assert!(!holder.includes(&AbilitySet::parse(&["chat:send"]).unwrap()));
        assert!(!holder.includes(&AbilitySet::all()));
        assert!(AbilitySet::all().includes(&holder));
    }

    #[test]
    fn unknown_names_are_rejected_and_known_ones_round_trip() {
        assert!(AbilitySet::parse(&["bots:fly"]).is_err());
        assert!(AbilitySet::parse(&["robots:*"]).is_err());
        for ability in Ability::ALL {
            let grant: AbilityGrant = ability.as_str().parse().unwrap();
            assert_eq!(grant.to_string(), ability.as_str());
        }
        let set = AbilitySet::parse(&["*", "*", "tools:*"]).unwrap();
        assert_eq!(set.to_strings(), vec!["*", "tools:*"]);
    }
}
