//! [`ApiKeyStore`].

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use hania_domain::api_key::{ApiKey, KeyFamily, KeyHash, KeyKind};
use hania_domain::ids::{ApiKeyId, WorkspaceId};
use hania_domain::ports::{ApiKeyStore, StoreError};
use time::OffsetDateTime;

use super::bot::bot_exists;
use super::workspace::one_row;
use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::rows::key::KeyRow;
use crate::schema::api_keys;
use crate::sql_types::{SqlTime, sql_id};

#[async_trait]
impl ApiKeyStore for DieselStore {
    async fn create_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        if let KeyKind::Widget(widget) = &key.kind
            && !bot_exists(self, key.workspace_id, widget.bot_id).await?
        {
            return Err(StoreError::NotFound);
        }
        let row = KeyRow::from(key);
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            diesel::insert_into(api_keys::table)
                .values(&row)
                .execute(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(())
    }

    async fn find_key_by_hash(&self, hash: &KeyHash) -> Result<Option<ApiKey>, StoreError> {
        let hex = hash.to_hex();
        let mut conn = self.conn().await?;
        let row: Option<KeyRow> = on_conn!(&mut conn, |c| {
            api_keys::table
                .filter(api_keys::key_hash.eq(&hex))
                .select(KeyRow::as_select())
                .first(c)
                .await
                .optional()
                .map_err(DbError::from)
        })?;
        row.map(ApiKey::try_from).transpose()
    }

    async fn get_key(&self, workspace: WorkspaceId, id: ApiKeyId) -> Result<ApiKey, StoreError> {
        let mut conn = self.conn().await?;
        let row: KeyRow = on_conn!(&mut conn, |c| {
            api_keys::table
                .filter(api_keys::id.eq(sql_id(id)))
                .filter(api_keys::workspace_id.eq(sql_id(workspace)))
                .select(KeyRow::as_select())
                .first(c)
                .await
                .map_err(DbError::from)
        })?;
        row.try_into()
    }

    async fn list_keys(
        &self,
        workspace: WorkspaceId,
        family: KeyFamily,
    ) -> Result<Vec<ApiKey>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<KeyRow> = on_conn!(&mut conn, |c| {
            api_keys::table
                .filter(api_keys::workspace_id.eq(sql_id(workspace)))
                .filter(api_keys::family.eq(family.as_str()))
                .order((api_keys::created_at.asc(), api_keys::id.asc()))
                .select(KeyRow::as_select())
                .load(c)
                .await
                .map_err(DbError::from)
        })?;
        rows.into_iter().map(ApiKey::try_from).collect()
    }

    async fn update_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let row = KeyRow::from(key);
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(
                api_keys::table
                    .filter(api_keys::id.eq(&row.id))
                    .filter(api_keys::workspace_id.eq(&row.workspace_id)),
            )
            .set((
                api_keys::name.eq(&row.name),
                api_keys::rate_limit_per_hour.eq(row.rate_limit_per_hour),
                api_keys::expires_at.eq(&row.expires_at),
                api_keys::allowed_domains.eq(&row.allowed_domains),
                api_keys::is_active.eq(row.is_active),
                api_keys::visitor_rate_limit_per_hour.eq(row.visitor_rate_limit_per_hour),
                api_keys::identity_secret.eq(&row.identity_secret),
            ))
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        one_row(changed)
    }

    async fn revoke_key(
        &self,
        workspace: WorkspaceId,
        id: ApiKeyId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let changed = on_conn!(&mut conn, |c| {
            diesel::update(
                api_keys::table
                    .filter(api_keys::id.eq(sql_id(id)))
                    .filter(api_keys::workspace_id.eq(sql_id(workspace)))
                    .filter(api_keys::revoked_at.is_null()),
            )
            .set(api_keys::revoked_at.eq(SqlTime(at)))
            .execute(c)
            .await
            .map_err(DbError::from)
        })?;
        if changed == 0 {
            // Already revoked (keep the first time) or not there at all.
            self.get_key(workspace, id).await?;
        }
        Ok(())
    }
}
