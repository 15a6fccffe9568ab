//! `hania admin …`: operator commands run against the store directly.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use hania_domain::ability::AbilitySet;
use hania_domain::api_key::KeyFamily;
use hania_domain::billing::{BillingStatus, Plan};
use hania_domain::ids::{ApiKeyId, LedgerEntryId, WorkspaceId};
use hania_domain::job::{Job, JobState};
use hania_domain::ledger::{LedgerKind, NewCredit};
use hania_domain::money::Money;
use hania_domain::ports::{Clock, IdGenerator, Storage};
use hania_domain::services::{KeyService, NewAccountKey, WorkspaceService};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::system::{RandomIds, SystemClock};

/// Operator commands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a workspace (prints its id).
    CreateWorkspace {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Starting balance in currency units, e.g. 25 or 12.5.
        #[arg(long, default_value = "0")]
        balance: String,
    },
    /// List workspaces, oldest first, with their balance and status (to
    /// find a workspace id again).
    ListWorkspaces {
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// List a workspace's account and widget keys (never their secrets).
    ListKeys {
        /// Workspace id.
        #[arg(long)]
        workspace: WorkspaceId,
    },
    /// Create an account key (prints the secret once).
    CreateKey {
        /// Workspace id.
        #[arg(long)]
        workspace: WorkspaceId,
        /// Label.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Comma-separated abilities, e.g. `bots:*,chat:send` or `*`.
        #[arg(long, default_value = "*")]
        abilities: String,
        /// Expiry, RFC 3339.
        #[arg(long)]
        expires_at: Option<String>,
        /// Requests per hour (default: the workspace's).
        #[arg(long)]
        rate_limit: Option<u32>,
    },
    /// Revoke a key at once.
    RevokeKey {
        /// Workspace id.
        #[arg(long)]
        workspace: WorkspaceId,
        /// Key id.
        #[arg(long)]
        key: ApiKeyId,
    },
    /// Show a workspace's billing account.
    ShowBilling {
        /// Workspace id.
        #[arg(long)]
        workspace: WorkspaceId,
    },
    /// Add prepaid credit.
    TopUp {
        /// Workspace id.
        #[arg(long)]
        workspace: WorkspaceId,
        /// Amount in currency units, e.g. 10 or 2.75.
        #[arg(long)]
        amount: String,
    },
    /// Suspend metered service (402 SERVICE_SUSPENDED).
    Suspend {
        /// Workspace id.
        #[arg(long)]
        workspace: WorkspaceId,
    },
    /// Resume metered service.
    Resume {
        /// Workspace id.
        #[arg(long)]
        workspace: WorkspaceId,
    },
    /// Set the plan and its monthly allowance of model turns.
    SetPlan {
        /// Workspace id.
        #[arg(long)]
        workspace: WorkspaceId,
        /// Plan name.
        #[arg(long)]
        name: String,
        /// Model turns per month; omit for unlimited.
        #[arg(long)]
        allowance: Option<u32>,
    },
    /// List background jobs (post-call processing), newest first, with
    /// their state, attempts and last error.
    Jobs {
        /// Only jobs in this state: queued, running, done or failed.
        #[arg(long)]
        state: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// Parses a decimal amount of currency units into micros ("12.5" → 12 500 000).
pub fn parse_amount(text: &str) -> Result<Money> {
    let (negative, digits) = match text.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let valid = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() <= 6
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !valid {
        bail!("amount must be a decimal number with at most 6 decimals, e.g. 12.5");
    }
    let whole: i64 = whole.parse().context("amount too large")?;
    let fraction: i64 = format!("{fraction:0<6}").parse().unwrap_or(0);
    let micros = whole
        .checked_mul(1_000_000)
        .and_then(|w| w.checked_add(fraction))
        .context("amount too large")?;
    Ok(Money::from_micros(if negative { -micros } else { micros }))
}

/// Runs an admin command and returns what to print.
pub async fn run(store: Arc<dyn Storage>, command: AdminCommand) -> Result<String> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let ids: Arc<dyn IdGenerator> = Arc::new(RandomIds);
    match command {
        AdminCommand::CreateWorkspace { name, balance } => {
            let service = WorkspaceService::new(store.clone(), store, clock, ids);
            let workspace = service.create(&name, parse_amount(&balance)?).await?;
            Ok(format!("workspace {}", workspace.id))
        }
        AdminCommand::CreateKey {
            workspace,
            name,
            abilities,
            expires_at,
            rate_limit,
        } => {
            store
                .get_workspace(workspace)
                .await
                .context("unknown workspace")?;
            let names: Vec<&str> = abilities
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let request = NewAccountKey {
                name,
                abilities: AbilitySet::parse(&names)?,
                expires_at: expires_at
                    .map(|t| {
                        OffsetDateTime::parse(&t, &Rfc3339).context("expires_at must be RFC 3339")
                    })
                    .transpose()?,
                rate_limit_per_hour: rate_limit,
            };
            let (key, secret) = KeyService::new(store, clock, ids)
                .issue_account_key(workspace, request)
                .await?;
            Ok(format!("key {} (shown once): {}", key.id, secret.expose()))
        }
        AdminCommand::RevokeKey { workspace, key } => {
            KeyService::new(store, clock, ids)
                .revoke(workspace, key)
                .await?;
            Ok(format!("key {key} revoked"))
        }
        AdminCommand::ShowBilling { workspace } => {
            let b = store.get_billing(workspace).await?;
            let allowance = b
                .plan
                .monthly_turn_allowance
                .map_or("unlimited".to_owned(), |a| a.to_string());
            Ok(format!(
                "status {}\nplan {} ({allowance} turns/month)\nturns used this period {}\nbalance {}",
                b.status.as_str(),
                b.plan.name,
                b.turns_used_at(clock.now()),
                b.balance
            ))
        }
        AdminCommand::TopUp { workspace, amount } => {
            let credit = NewCredit {
                id: LedgerEntryId::from_uuid(ids.new_id()),
                workspace_id: workspace,
                kind: LedgerKind::TopUp,
                amount: parse_amount(&amount)?,
                description: "Top-up (admin)".into(),
                created_at: clock.now(),
            };
            let entry = store.add_credit(&credit).await?;
            Ok(format!("balance {}", entry.balance_after))
        }
        AdminCommand::Suspend { workspace } => {
            store
                .set_billing_status(workspace, BillingStatus::Suspended, clock.now())
                .await?;
            Ok("suspended".into())
        }
        AdminCommand::Resume { workspace } => {
            store
                .set_billing_status(workspace, BillingStatus::Active, clock.now())
                .await?;
            Ok("active".into())
        }
        AdminCommand::SetPlan {
            workspace,
            name,
            allowance,
        } => {
            store
                .set_plan(
                    workspace,
                    &Plan {
                        name,
                        monthly_turn_allowance: allowance,
                    },
                    clock.now(),
                )
                .await?;
            Ok("plan updated".into())
        }
        AdminCommand::ListWorkspaces { limit } => {
            let mut lines = vec!["id\tname\tstatus\tbalance\tcreated_at".to_owned()];
            for workspace in store.list_workspaces(limit).await? {
                let billing = store.get_billing(workspace.id).await?;
                lines.push(format!(
                    "{}\t{}\t{}\t{}\t{}",
                    workspace.id,
                    workspace.name,
                    billing.status.as_str(),
                    billing.balance,
                    rfc3339(workspace.created_at)
                ));
            }
            Ok(if lines.len() == 1 {
                "no workspaces".into()
            } else {
                lines.join("\n")
            })
        }
        AdminCommand::ListKeys { workspace } => {
            store.get_workspace(workspace).await?;
            let mut lines = vec![
                "id\tfamily\tprefix\tname\tabilities\trate_limit\tstate\tcreated_at".to_owned(),
            ];
            let now = clock.now();
            for family in [KeyFamily::Account, KeyFamily::Widget] {
                for key in store.list_keys(workspace, family).await? {
                    let state = match (key.revoked_at, key.expires_at) {
                        (Some(_), _) => "revoked",
                        (None, Some(at)) if at <= now => "expired",
                        _ => "active",
                    };
                    lines.push(format!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{state}\t{}",
                        key.id,
                        match family {
                            KeyFamily::Account => "account",
                            KeyFamily::Widget => "widget",
                        },
                        key.display_prefix,
                        key.name,
                        key.abilities.to_strings().join(","),
                        key.rate_limit_per_hour
                            .map_or("workspace".to_owned(), |n| n.to_string()),
                        rfc3339(key.created_at)
                    ));
                }
            }
            Ok(if lines.len() == 1 {
                "no keys".into()
            } else {
                lines.join("\n")
            })
        }
        AdminCommand::Jobs { state, limit } => {
            let state = state
                .map(|s| {
                    JobState::parse(s.trim()).map_err(|e| anyhow::anyhow!("--state: {}", e.message))
                })
                .transpose()?;
            let jobs = store.list_jobs(state, limit).await?;
            Ok(jobs_table(&jobs))
        }
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// One line per job: id, kind, state, attempts, next run, conversation,
/// last error.
fn jobs_table(jobs: &[Job]) -> String {
    if jobs.is_empty() {
        return "no jobs".into();
    }
    let time = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    let mut lines =
        vec!["id\tkind\tstate\tattempts\trun_after\tconversation\tlast_error".to_owned()];
    lines.extend(jobs.iter().map(|j| {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            j.id,
            j.kind,
            j.state,
            j.attempts,
            time(j.run_after),
            j.conversation_id,
            j.last_error.as_deref().unwrap_or("-")
        )
    }));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_micros() {
        assert_eq!(parse_amount("12.5").unwrap(), Money(12_500_000));
        assert_eq!(parse_amount("0.000001").unwrap(), Money(1));
        assert_eq!(parse_amount("-3").unwrap(), Money(-3_000_000));
        for bad in ["", "1.2345678", "abc", "1e3", ".5"] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }
}
