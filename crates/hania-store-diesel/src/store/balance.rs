//! The one statement that changes a balance, used by credits and by turn
//! charges.

/// Adds `$delta` micros to the workspace's balance in one atomic
/// `UPDATE … SET balance = balance + delta … RETURNING balance` (never
/// read-modify-write), setting any `$extra` assignments in the same
/// statement; evaluates to `Result<i64, DbError>`, the new balance (a
/// missing account is `NotFound`). The tokens after `;` follow each query
/// (`.await` on the async driver, nothing on SQLite's synchronous one).
macro_rules! change_balance_in {
    ($c:expr, $ws:expr, $delta:expr, $at:expr $(, $extra:expr)*; $($aw:tt)*) => {
        $crate::store::balance::balance_change!(
            billing_accounts::table.find(sql_id($ws)), $delta, $at $(, $extra)*
        )
            .get_result::<i64>($c) $($aw)*
            .optional()
            .map_err(DbError::from)
            .and_then(|balance| balance.ok_or(DbError(StoreError::NotFound)))
    };
}

/// The statement of [`change_balance_in!`] over the billing rows
/// `$target` (the one account, maybe filtered further), not run: `UPDATE
/// … SET balance = balance + $delta, updated_at = $at[, $extra…]
/// RETURNING balance`, kept prepared ([`crate::cached`]).
macro_rules! balance_change {
    ($target:expr, $delta:expr, $at:expr $(, $extra:expr)*) => {
        $crate::cached::Cached(
            diesel::update($target)
                .set((
                    $($extra,)*
                    billing_accounts::balance_micros.eq(billing_accounts::balance_micros + $delta),
                    billing_accounts::updated_at.eq(SqlTime($at)),
                ))
                .returning(billing_accounts::balance_micros),
        )
    };
}

pub(crate) use {balance_change, change_balance_in};
