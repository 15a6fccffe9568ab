use std::sync::Arc;

use time::OffsetDateTime;

use crate::ability::{Ability, AbilitySet};
use crate::api_key::{ApiKey, KeyFamily, KeyKind, KeySecret, validate_rate_limit};
use crate::ids::{ApiKeyId, WorkspaceId};
use crate::ports::{ApiKeyStore, Clock, IdGenerator, StoreError};
use crate::validation::{ValidationError, check_text};

/// Why a request's key was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Missing, malformed, unknown, expired, revoked or wrong-family key.
    /// Deliberately one case, so a caller never learns which.
    #[error("Invalid or missing API key")]
    Unauthorized,
    /// The key is valid but lacks the ability.
    #[error("Missing ability: {0}")]
    Forbidden(Ability),
    /// A key tried to create a key with abilities it does not hold.
    #[error("A key can only grant abilities it holds itself")]
    Escalation,
    /// Invalid input when issuing a key.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an account key is created with.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccountKey {
    /// Human label.
    pub name: String,
    /// Granted abilities.
    pub abilities: AbilitySet,
    /// Optional expiry.
    pub expires_at: Option<OffsetDateTime>,
    /// Optional own hourly limit.
    pub rate_limit_per_hour: Option<u32>,
}

/// Issues, authenticates and authorizes API keys.
pub struct KeyService {
    keys: Arc<dyn ApiKeyStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl KeyService {
    /// Builds the service over its ports.
    pub fn new(
        keys: Arc<dyn ApiKeyStore>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self { keys, clock, ids }
    }

    /// Resolves the key text a request presented. Anything but a usable key
    /// of `family` is [`AuthError::Unauthorized`]; the stored hash is
    /// compared in constant time.
    pub async fn authenticate(
        &self,
        presented: &str,
        family: KeyFamily,
    ) -> Result<ApiKey, AuthError> {
        let secret = KeySecret::parse(presented.trim()).ok_or(AuthError::Unauthorized)?;
        if secret.family() != family {
            return Err(AuthError::Unauthorized);
        }
        let hash = secret.hash();
        let key = self
            .keys
            .find_key_by_hash(&hash)
            .await?
            .ok_or(AuthError::Unauthorized)?;
        if !key.hash.matches(&hash)
            || key.kind.family() != family
            || !key.is_usable_at(self.clock.now())
        {
            return Err(AuthError::Unauthorized);
        }
        Ok(key)
    }

    /// Checks that `key` holds `ability`.
    pub fn authorize(key: &ApiKey, ability: Ability) -> Result<(), AuthError> {
        if key.abilities.allows(ability) {
            Ok(())
        } else {
            Err(AuthError::Forbidden(ability))
        }
    }

    /// Creates an account key and returns it with its secret, which is
    /// shown once and never stored.
    pub async fn issue_account_key(
        &self,
        workspace: WorkspaceId,
        request: NewAccountKey,
    ) -> Result<(ApiKey, KeySecret), AuthError> {
        let secret = KeySecret::from_random(KeyFamily::Account, self.ids.key_secret_bytes());
        self.store_account_key(workspace, request, secret).await
    }

    /// Creates an account key from a secret chosen by the operator
    /// (`HANIA_BOOTSTRAP_KEY`).
    pub async fn import_account_key(
        &self,
        workspace: WorkspaceId,
        request: NewAccountKey,
        secret: KeySecret,
    ) -> Result<(ApiKey, KeySecret), AuthError> {
        if secret.family() != KeyFamily::Account {
            return Err(ValidationError::new("key", "must be a hania_sk_ key").into());
        }
        self.store_account_key(workspace, request, secret).await
    }

    async fn store_account_key(
        &self,
        workspace: WorkspaceId,
        request: NewAccountKey,
        secret: KeySecret,
    ) -> Result<(ApiKey, KeySecret), AuthError> {
        check_text("name", &request.name, 200)?;
        let now = self.clock.now();
        if request.expires_at.is_some_and(|at| at <= now) {
            return Err(ValidationError::new("expires_at", "must be in the future").into());
        }
        request
            .rate_limit_per_hour
            .map(validate_rate_limit)
            .transpose()?;
        let key = ApiKey {
            id: ApiKeyId::from_uuid(self.ids.new_id()),
            workspace_id: workspace,
            name: request.name,
            kind: KeyKind::Account,
            display_prefix: secret.display_prefix(),
            hash: secret.hash(),
            abilities: request.abilities,
            rate_limit_per_hour: request.rate_limit_per_hour,
            expires_at: request.expires_at,
            revoked_at: None,
            created_at: now,
        };
        self.keys.create_key(&key).await?;
        Ok((key, secret))
    }

    /// Creates an account key on behalf of `granter`, which may only hand
    /// on abilities it holds itself.
    pub async fn issue_account_key_as(
        &self,
        granter: &ApiKey,
        request: NewAccountKey,
    ) -> Result<(ApiKey, KeySecret), AuthError> {
        if !granter.abilities.includes(&request.abilities) {
            return Err(AuthError::Escalation);
        }
        self.issue_account_key(granter.workspace_id, request).await
    }

    /// The workspace's account keys, oldest first.
    pub async fn list_account_keys(
        &self,
        workspace: WorkspaceId,
    ) -> Result<Vec<ApiKey>, AuthError> {
        Ok(self.keys.list_keys(workspace, KeyFamily::Account).await?)
    }

    /// Revokes an account key of the workspace at once; widget keys are
    /// not found here (they are revoked through the widget key service).
    pub async fn revoke_account_key(
        &self,
        workspace: WorkspaceId,
        id: ApiKeyId,
    ) -> Result<(), AuthError> {
        let key = self.keys.get_key(workspace, id).await?;
        if key.kind.family() != KeyFamily::Account {
            return Err(StoreError::NotFound.into());
        }
        self.revoke(workspace, id).await
    }

    /// Revokes a key of the workspace at once.
    pub async fn revoke(&self, workspace: WorkspaceId, id: ApiKeyId) -> Result<(), AuthError> {
        Ok(self
            .keys
            .revoke_key(workspace, id, self.clock.now())
            .await?)
    }
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
