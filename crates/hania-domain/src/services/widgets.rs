use std::sync::Arc;

use crate::api_key::{
    ApiKey, DEFAULT_VISITOR_RATE_LIMIT_PER_HOUR, DEFAULT_WIDGET_RATE_LIMIT_PER_HOUR, KeyFamily,
    KeyKind, KeySecret, WidgetKeySettings,
};
use crate::ids::{ApiKeyId, BotId, WorkspaceId};
use crate::ports::{ApiKeyStore, Clock, IdGenerator};
use crate::services::{Conflict, Resource, ServiceError};
use crate::validation::{ValidationError, check_text};

/// The start of every identity secret.
pub const IDENTITY_SECRET_PREFIX: &str = "hania_is_";

/// Most domains one widget key may list.
const MAX_DOMAINS: usize = 50;

/// Widget key settings to create with, or to change (`None` leaves a
/// field unchanged; on create: no domains, 1000 requests/hour, 60 per
/// visitor, active).
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)] // Each field is the widget key field of the same name.
pub struct WidgetKeyChanges {
    pub name: Option<String>,
    pub allowed_domains: Option<Vec<String>>,
    pub rate_limit_per_hour: Option<u32>,
    pub visitor_rate_limit_per_hour: Option<u32>,
    pub is_active: Option<bool>,
}

/// Longest allowed domain, port included.
pub const MAX_DOMAIN_CHARS: usize = 253;

/// Checks an allowed domain: a host name (optionally `*.` for subdomains)
/// with an optional port (1 to 65535, no leading zero), no scheme, path
/// or spaces, at most [`MAX_DOMAIN_CHARS`] in all; returned lowercased.
pub fn normalize_domain(domain: &str) -> Result<String, ValidationError> {
    let lower = domain.to_ascii_lowercase();
    let (host, port) = match lower.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (lower.as_str(), None),
    };
    let bare = host.strip_prefix("*.").unwrap_or(host);
    let host_ok = !bare.is_empty()
        && lower.len() <= MAX_DOMAIN_CHARS
        && bare.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    let port_ok = port.is_none_or(|p| {
        !p.starts_with('0') && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok()
    });
    if host_ok && port_ok {
        Ok(lower)
    } else {
        Err(ValidationError::new(
            "allowed_domains",
            format!(
                "'{domain}' is not a host name such as shop.example.com, *.example.com or localhost:3000"
            ),
        ))
    }
}

fn apply(
    settings: &mut WidgetKeySettings,
    key: &mut ApiKey,
    changes: WidgetKeyChanges,
) -> Result<(), ValidationError> {
    if let Some(name) = changes.name {
        check_text("name", &name, 200)?;
        key.name = name;
    }
    if let Some(domains) = changes.allowed_domains {
        if domains.len() > MAX_DOMAINS {
            return Err(ValidationError::new(
                "allowed_domains",
                format!("at most {MAX_DOMAINS} domains"),
            ));
        }
        settings.allowed_domains = domains
            .iter()
            .map(|d| normalize_domain(d))
            .collect::<Result<_, _>>()?;
    }
    if let Some(limit) = changes.rate_limit_per_hour {
        key.rate_limit_per_hour = Some(crate::api_key::validate_rate_limit(limit)?);
    }
    if let Some(limit) = changes.visitor_rate_limit_per_hour {
        settings.visitor_rate_limit_per_hour = crate::api_key::validate_rate_limit(limit)
            .map_err(|e| ValidationError::new("visitor_rate_limit_per_hour", e.message))?;
    }
    if let Some(active) = changes.is_active {
        settings.is_active = active;
    }
    Ok(())
}

/// Manages widget keys (`hania_pk_…`), each bound to one bot.
pub struct WidgetKeyService {
    keys: Arc<dyn ApiKeyStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

const KIND: Resource = Resource::WidgetKey;

impl WidgetKeyService {
    /// Builds the service over its ports.
    pub fn new(
        keys: Arc<dyn ApiKeyStore>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self { keys, clock, ids }
    }

    /// Creates a widget key for a bot of the workspace; returns it with its
    /// public key text.
    pub async fn create(
        &self,
        workspace: WorkspaceId,
        bot: BotId,
        changes: WidgetKeyChanges,
    ) -> Result<(ApiKey, KeySecret), ServiceError> {
        let secret = KeySecret::from_random(KeyFamily::Widget, self.ids.key_secret_bytes());
        let mut settings = WidgetKeySettings {
            bot_id: bot,
            allowed_domains: Vec::new(),
            is_active: true,
            visitor_rate_limit_per_hour: DEFAULT_VISITOR_RATE_LIMIT_PER_HOUR,
            key_text: Some(secret.expose().to_owned()),
            identity_secret: Some(self.new_identity_secret()),
        };
        let mut key = ApiKey {
            id: ApiKeyId::from_uuid(self.ids.new_id()),
            workspace_id: workspace,
            name: "widget".into(),
            kind: KeyKind::Account,
            display_prefix: secret.display_prefix(),
            hash: secret.hash(),
            abilities: Default::default(),
            rate_limit_per_hour: Some(DEFAULT_WIDGET_RATE_LIMIT_PER_HOUR),
            expires_at: None,
            revoked_at: None,
            created_at: self.clock.now(),
        };
        apply(&mut settings, &mut key, changes)?;
        key.kind = KeyKind::Widget(settings);
        self.keys
            .create_key(&key)
            .await
            .map_err(ServiceError::from_store(Resource::Bot))?;
        Ok((key, secret))
    }

    /// The workspace's widget keys.
    pub async fn list(&self, workspace: WorkspaceId) -> Result<Vec<ApiKey>, ServiceError> {
        self.keys
            .list_keys(workspace, KeyFamily::Widget)
            .await
            .map_err(ServiceError::from_store(KIND))
    }

    /// One widget key (account keys are not found here).
    pub async fn get(&self, workspace: WorkspaceId, id: ApiKeyId) -> Result<ApiKey, ServiceError> {
        let key = self
            .keys
            .get_key(workspace, id)
            .await
            .map_err(ServiceError::from_store(KIND))?;
        match key.kind {
            KeyKind::Widget(_) => Ok(key),
            KeyKind::Account => Err(ServiceError::NotFound(KIND)),
        }
    }

    /// Changes name, domains, limit or activity.
    pub async fn update(
        &self,
        workspace: WorkspaceId,
        id: ApiKeyId,
        changes: WidgetKeyChanges,
    ) -> Result<ApiKey, ServiceError> {
        let mut key = self.get(workspace, id).await?;
        let KeyKind::Widget(mut settings) = key.kind.clone() else {
            return Err(ServiceError::NotFound(KIND));
        };
        apply(&mut settings, &mut key, changes)?;
        key.kind = KeyKind::Widget(settings);
        self.keys
            .update_key(&key)
            .await
            .map_err(ServiceError::from_store(KIND))?;
        Ok(key)
    }

    /// A new identity secret: `hania_is_` and 40 random hex digits.
    fn new_identity_secret(&self) -> String {
        format!(
            "{IDENTITY_SECRET_PREFIX}{}",
            crate::hex::encode(&self.ids.key_secret_bytes())
        )
    }

    /// Replaces a widget key's identity secret (the old one stops
    /// verifying users at once) and returns the new one, to show once.
    pub async fn rotate_identity_secret(
        &self,
        workspace: WorkspaceId,
        id: ApiKeyId,
    ) -> Result<String, ServiceError> {
        let mut key = self.get(workspace, id).await?;
        let secret = self.new_identity_secret();
        if let KeyKind::Widget(settings) = &mut key.kind {
            settings.identity_secret = Some(secret.clone());
        }
        self.keys
            .update_key(&key)
            .await
            .map_err(ServiceError::from_store(KIND))?;
        Ok(secret)
    }

    /// What an embed code needs: a widget key of the workspace (of `bot`
    /// when given) and its text.
    ///
    /// # Errors
    /// `NotFound` for another bot's or an unknown key; `Conflict` for a
    /// key made before key texts were kept.
    pub async fn embed_key(
        &self,
        workspace: WorkspaceId,
        id: ApiKeyId,
        bot: Option<BotId>,
    ) -> Result<(ApiKey, String), ServiceError> {
        let key = self.get(workspace, id).await?;
        let KeyKind::Widget(settings) = &key.kind else {
            return Err(ServiceError::NotFound(KIND));
        };
        if bot.is_some_and(|bot| bot != settings.bot_id) {
            return Err(ServiceError::NotFound(KIND));
        }
        let text = settings
            .key_text
            .clone()
            .ok_or(ServiceError::Conflict(Conflict::KeyTextUnknown))?;
        Ok((key, text))
    }

    /// Revokes a widget key at once.
    pub async fn revoke(&self, workspace: WorkspaceId, id: ApiKeyId) -> Result<(), ServiceError> {
        self.get(workspace, id).await?;
        self.keys
            .revoke_key(workspace, id, self.clock.now())
            .await
            .map_err(ServiceError::from_store(KIND))
    }
}

#[cfg(test)]
#[path = "widgets_tests.rs"]
mod service_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_host_names_with_optional_port() {
        assert_eq!(
            normalize_domain("Shop.Example.com").unwrap(),
            "shop.example.com"
        );
        assert_eq!(
            normalize_domain("localhost:3000").unwrap(),
            "localhost:3000"
        );
        assert_eq!(normalize_domain("*.example.com").unwrap(), "*.example.com");
        for bad in [
            "https://x.com",
            "x.com/path",
            "",
            "a..b",
            "-a.com",
            "x.com:0",
            "x.com:99999",
            "x.com:080",
            "x.com:+80",
            " x.com",
            "*.",
        ] {
            assert!(normalize_domain(bad).is_err(), "{bad}");
        }
    }
}
