//! [`ServerSecretStore`]: insert if absent, then read what is stored.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use hania_domain::ports::{ServerSecretStore, StoreError};
use time::OffsetDateTime;

use crate::DieselStore;
use crate::conn::DbError;
use crate::on_conn;
use crate::schema::server_secrets;
use crate::sql_types::SqlTime;

#[async_trait]
impl ServerSecretStore for DieselStore {
    async fn server_secret(
        &self,
        name: &str,
        candidate: &str,
        at: OffsetDateTime,
    ) -> Result<String, StoreError> {
        let mut conn = self.conn().await?;
        on_conn!(&mut conn, |c| {
            diesel::insert_into(server_secrets::table)
                .values((
                    server_secrets::name.eq(name),
                    server_secrets::secret.eq(candidate),
                    server_secrets::created_at.eq(SqlTime(at)),
                ))
                .on_conflict_do_nothing()
                .execute(c)
                .await
                .map_err(DbError::from)
        })?;
        let stored: String = on_conn!(&mut conn, |c| {
            server_secrets::table
                .filter(server_secrets::name.eq(name))
                .select(server_secrets::secret)
                .first(c)
                .await
                .map_err(DbError::from)
        })?;
        Ok(stored)
    }
}
