//! Where the total of a conversation list (`X-Total-Count`) comes from:
//! the counts the triggers keep (migrations `000010` and `000011`) when the
//! filter is one they key, otherwise a count of the matching rows.

use hania_domain::conversation::ConversationFilter;

/// Where a filter's total comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TotalSource {
    /// `conversation_counts`: the filter sets at most `bot_id` and `channel`.
    Kept,
    /// `conversation_analysis_counts`: the filter sets at least one analysis
    /// value, none of them empty (the table keeps an absent value as `''`),
    /// and otherwise at most `bot_id` and `channel`.
    KeptByAnalysis,
    /// A `COUNT(*)` of the matching rows: any other filter.
    Counted,
}

/// Which source gives `filter`'s exact total.
pub(crate) fn total_source(filter: &ConversationFilter) -> TotalSource {
    // Destructured so that a new filter field has to be placed here.
    let ConversationFilter {
        bot_id: _,
        channel: _,
        external_call_id,
        external_linked_id,
        source_conversation_id,
        since,
        until,
        sentiment,
        topic,
        outcome,
    } = filter;
    let only_kept_keys = external_call_id.is_none()
        && external_linked_id.is_none()
        && source_conversation_id.is_none()
        && since.is_none()
        && until.is_none();
    let analysis = [sentiment, topic, outcome];
    if !only_kept_keys {
        TotalSource::Counted
    } else if analysis.iter().all(|v| v.is_none()) {
        TotalSource::Kept
    } else if analysis
        .iter()
        .all(|v| v.as_ref().is_none_or(|v| !v.is_empty()))
    {
        TotalSource::KeptByAnalysis
    } else {
        TotalSource::Counted
    }
}

/// The kept totals (`conversation_counts`, one row per bot and channel)
/// a filter of only `bot_id` and `channel` adds up to.
macro_rules! kept_count_query {
    ($workspace:expr, $filter:expr) => {{
        let f: &ConversationFilter = $filter;
        let mut q = conversation_counts::table
            .filter(conversation_counts::workspace_id.eq(sql_id($workspace)))
            .select(conversation_counts::conversations)
            .into_boxed();
        if let Some(bot) = f.bot_id {
            q = q.filter(conversation_counts::bot_id.eq(sql_id(bot)));
        }
        if let Some(channel) = f.channel {
            q = q.filter(conversation_counts::channel.eq(channel.as_str()));
        }
        q
    }};
}

/// The kept totals (`conversation_analysis_counts`, one row per bot,
/// channel and combination of analysis values) a filter of analysis
/// values, and at most `bot_id` and `channel` besides, adds up to.
macro_rules! analysis_count_query {
    ($workspace:expr, $filter:expr) => {{
        let f: &ConversationFilter = $filter;
        let mut q = conversation_analysis_counts::table
            .filter(conversation_analysis_counts::workspace_id.eq(sql_id($workspace)))
            .select(conversation_analysis_counts::conversations)
            .into_boxed();
        if let Some(bot) = f.bot_id {
            q = q.filter(conversation_analysis_counts::bot_id.eq(sql_id(bot)));
        }
        if let Some(channel) = f.channel {
            q = q.filter(conversation_analysis_counts::channel.eq(channel.as_str()));
        }
        if let Some(v) = &f.sentiment {
            q = q.filter(conversation_analysis_counts::sentiment.eq(v));
        }
        if let Some(v) = &f.topic {
            q = q.filter(conversation_analysis_counts::topic.eq(v));
        }
        if let Some(v) = &f.outcome {
            q = q.filter(conversation_analysis_counts::outcome.eq(v));
        }
        q
    }};
}

pub(crate) use {analysis_count_query, kept_count_query};

#[cfg(test)]
mod tests {
    use hania_domain::conversation::Channel;
    use hania_domain::ids::BotId;
    use time::OffsetDateTime;

    use super::*;

    fn with(f: impl FnOnce(&mut ConversationFilter)) -> ConversationFilter {
        let mut filter = ConversationFilter::default();
        f(&mut filter);
        filter
    }

    #[test]
    fn bot_and_channel_alone_are_kept() {
        assert_eq!(
            total_source(&ConversationFilter::default()),
            TotalSource::Kept
        );
        let filter = with(|f| {
            f.bot_id = Some(BotId::from_uuid(uuid::Uuid::from_u128(1)));
            f.channel = Some(Channel::Voice);
        });
        assert_eq!(total_source(&filter), TotalSource::Kept);
    }

    #[test]
    fn analysis_values_with_bot_and_channel_are_kept_by_analysis() {
        let filter = with(|f| {
            f.bot_id = Some(BotId::from_uuid(uuid::Uuid::from_u128(1)));
            f.channel = Some(Channel::Voice);
            f.topic = Some("billing".into());
            f.outcome = Some("resolved".into());
        });
        assert_eq!(total_source(&filter), TotalSource::KeptByAnalysis);
        let filter = with(|f| f.sentiment = Some("negative".into()));
        assert_eq!(total_source(&filter), TotalSource::KeptByAnalysis);
    }

    #[test]
    fn an_empty_analysis_value_is_counted() {
        // The kept table cannot tell an empty value from an absent one.
        let filter = with(|f| {
            f.sentiment = Some("negative".into());
            f.topic = Some(String::new());
        });
        assert_eq!(total_source(&filter), TotalSource::Counted);
    }

    #[test]
    fn any_other_filter_is_counted() {
        let others: [fn(&mut ConversationFilter); 5] = [
            |f| f.external_call_id = Some("call".into()),
            |f| f.external_linked_id = Some("linked".into()),
            |f| {
                f.source_conversation_id = Some(hania_domain::ids::ConversationId::from_uuid(
                    uuid::Uuid::from_u128(2),
                ))
            },
            |f| f.since = Some(OffsetDateTime::UNIX_EPOCH),
            |f| f.until = Some(OffsetDateTime::UNIX_EPOCH),
        ];
        for other in others {
            assert_eq!(total_source(&with(other)), TotalSource::Counted);
            let analysed = with(|f| {
                other(f);
                f.sentiment = Some("negative".into());
            });
            assert_eq!(total_source(&analysed), TotalSource::Counted);
        }
    }
}
