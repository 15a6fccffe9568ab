//! SQL types that are native on PostgreSQL (`uuid`, `timestamptz`, `jsonb`)
//! and TEXT on SQLite, so one schema serves both backends.
//!
//! Values are the newtypes [`SqlUuid`], [`SqlTime`] (always UTC) and
//! [`SqlJson`] around the same Rust types on both backends. On SQLite
//! UUIDs are stored hyphenated and lowercase, so text equality and ordering
//! work; timestamps go through diesel's `TimestamptzSqlite` encoding.

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Jsonb, SqlType, Text, Timestamptz};
use diesel::sqlite::{Sqlite, SqliteValue};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
use uuid::Uuid;

/// SQLite's timestamp text: UTC, fixed width, microseconds (PostgreSQL's
/// precision), so text order is time order and comparisons in SQL work.
const SQLITE_TIME: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]");

/// A UUID: `uuid` on PostgreSQL, hyphenated TEXT on SQLite.
#[derive(Debug, Clone, Copy, Default, SqlType, diesel::query_builder::QueryId)]
#[diesel(postgres_type(oid = 2950, array_oid = 2951))]
#[diesel(sqlite_type(name = "Text"))]
pub struct DbUuid;

/// A UTC instant: `timestamptz` on PostgreSQL, TEXT on SQLite.
#[derive(Debug, Clone, Copy, Default, SqlType, diesel::query_builder::QueryId)]
#[diesel(postgres_type(oid = 1184, array_oid = 1185))]
#[diesel(sqlite_type(name = "Text"))]
pub struct DbTimestamp;

/// A JSON document: `jsonb` on PostgreSQL, TEXT on SQLite.
#[derive(Debug, Clone, Copy, Default, SqlType, diesel::query_builder::QueryId)]
#[diesel(postgres_type(oid = 3802, array_oid = 3807))]
#[diesel(sqlite_type(name = "Text"))]
pub struct DbJson;

macro_rules! value_type {
    ($(#[$doc:meta])* $name:ident($inner:ty) as $sql:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, AsExpression, FromSqlRow)]
        #[diesel(sql_type = $sql)]
        pub struct $name(pub $inner);

        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                Self(value)
            }
        }
    };
}

value_type!(
    /// A [`Uuid`] bound to or read from a [`DbUuid`] column.
    SqlUuid(Uuid) as DbUuid
);
value_type!(
    /// An [`OffsetDateTime`] bound to or read from a [`DbTimestamp`] column.
    SqlTime(OffsetDateTime) as DbTimestamp
);
value_type!(
    /// A JSON value bound to or read from a [`DbJson`] column.
    SqlJson(serde_json::Value) as DbJson
);

impl ToSql<DbUuid, Pg> for SqlUuid {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <Uuid as ToSql<diesel::sql_types::Uuid, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<DbUuid, Pg> for SqlUuid {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <Uuid as FromSql<diesel::sql_types::Uuid, Pg>>::from_sql(value).map(Self)
    }
}

impl ToSql<DbUuid, Sqlite> for SqlUuid {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.hyphenated().to_string());
        Ok(IsNull::No)
    }
}

impl FromSql<DbUuid, Sqlite> for SqlUuid {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
        Ok(Self(Uuid::parse_str(&text)?))
    }
}

impl ToSql<DbTimestamp, Pg> for SqlTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <OffsetDateTime as ToSql<Timestamptz, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<DbTimestamp, Pg> for SqlTime {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let at = <OffsetDateTime as FromSql<Timestamptz, Pg>>::from_sql(value)?;
        Ok(Self(at.to_offset(UtcOffset::UTC)))
    }
}

impl ToSql<DbTimestamp, Sqlite> for SqlTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.to_offset(UtcOffset::UTC).format(SQLITE_TIME)?);
        Ok(IsNull::No)
    }
}

impl FromSql<DbTimestamp, Sqlite> for SqlTime {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
        Ok(Self(
            PrimitiveDateTime::parse(&text, SQLITE_TIME)?.assume_utc(),
        ))
    }
}

impl ToSql<DbJson, Pg> for SqlJson {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <serde_json::Value as ToSql<Jsonb, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<DbJson, Pg> for SqlJson {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <serde_json::Value as FromSql<Jsonb, Pg>>::from_sql(value).map(Self)
    }
}

impl ToSql<DbJson, Sqlite> for SqlJson {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(serde_json::to_string(&self.0)?);
        Ok(IsNull::No)
    }
}

impl FromSql<DbJson, Sqlite> for SqlJson {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
        Ok(Self(serde_json::from_str(&text)?))
    }
}

macro_rules! id_into_sql_uuid {
    ($($id:ty),+) => {
        $(impl From<$id> for SqlUuid {
            fn from(id: $id) -> Self {
                SqlUuid(id.as_uuid())
            }
        })+
    };
}

id_into_sql_uuid!(
    hania_domain::ids::WorkspaceId,
    hania_domain::ids::ApiKeyId,
    hania_domain::ids::BotId,
    hania_domain::ids::ToolConfigId,
    hania_domain::ids::HookId,
    hania_domain::ids::ConversationId,
    hania_domain::ids::MessageId,
    hania_domain::ids::TraceStepId,
    hania_domain::ids::LedgerEntryId,
    hania_domain::ids::HoldId,
    hania_domain::ids::JobId
);

/// A domain id as a bindable value: `bots::id.eq(sql_id(bot_id))`.
pub fn sql_id(id: impl Into<SqlUuid>) -> SqlUuid {
    id.into()
}
