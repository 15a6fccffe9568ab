use crate::ports::{BotStore, ConversationStore, SeparateTurnReads, WorkspaceStore};
use std::collections::HashMap;
use std::sync::Arc;

use mockall::Sequence;
use time::macros::date;
use uuid::Uuid;

use super::*;
use crate::billing::BillingRefusal;
use crate::billing::{BillingAccount, BillingStatus, Plan};
use crate::bot_changes::BotChanges;
use crate::completion::Completion;
use crate::completion::{ProviderError, TokenUsage};
use crate::conversation::{Channel, Conversation};
use crate::field_update::FieldUpdate;
use crate::ids::{BotId, ConversationId};
use crate::message::Message;
use crate::money::ModelPrice;
use crate::money::Money;
use crate::ports::{
    MockBotStore, MockBotToolStore, MockConversationStore, MockModelProvider, MockToolExecutor,
    MockTurnStore, MockWorkspaceStore,
};
use crate::services::test_support::{NOW, random_ids, stopped_clock};
use crate::trace::action_types;
use crate::turn::{RecordedTurn, TurnConversation, TurnRecord};

const WS: WorkspaceId = WorkspaceId(Uuid::from_u128(1));
const BOT: BotId = BotId(Uuid::from_u128(2));

#[derive(Default)]
struct Mocks {
    bots: MockBotStore,
    conversations: MockConversationStore,
    billing: MockWorkspaceStore,
    turns: MockTurnStore,
    provider: MockModelProvider,
    bot_tools: MockBotToolStore,
}

fn bot(greeting: Option<&str>) -> Bot {
    let changes = BotChanges {
        name: FieldUpdate::Set("Support".into()),
        system_prompt: FieldUpdate::Set("Be helpful.".into()),
        chat_greeting: greeting.map_or(FieldUpdate::Unchanged, |g| FieldUpdate::Set(g.into())),
        model: FieldUpdate::Set("gpt-test".into()),
        ..BotChanges::default()
    };
    Bot::create(BOT, WS, changes, "support".into(), NOW).unwrap()
}

fn conversation(id: u128, bot_id: BotId) -> Conversation {
    Conversation {
        id: ConversationId::from_uuid(Uuid::from_u128(id)),
        workspace_id: WS,
        bot_id,
        channel: Channel::Api,
        customer_id: Some("user_8412".into()),
        external_call_id: None,
        external_linked_id: None,
        source_conversation_id: None,
        message_count: 0,
        trace_step_count: 0,
        started_at: NOW,
        ended_at: None,
        last_message_at: None,
        last_message_preview: None,
        post_call_analysis: None,
    }
}

fn billing(status: BillingStatus, balance: i64, used: u32) -> BillingAccount {
    BillingAccount {
        workspace_id: WS,
        status,
        plan: Plan {
            name: "pro".into(),
            monthly_turn_allowance: Some(10),
        },
        balance: Money(balance),
        period_start: date!(2026 - 11 - 01),
        period_turns_used: used,
        updated_at: NOW,
    }
}

fn request() -> ChatRequest {
    ChatRequest {
        bot: BotRef::Id(BOT),
        message: "Where is my October invoice?".into(),
        external_user_id: Some("user_8412".into()),
        conversation_id: None,
        new_conversation: false,
        agent_mode: false,
        channel: Channel::Api,
    }
}

fn service(mocks: Mocks) -> ChatService {
    let mut provider = mocks.provider;
    provider.expect_name().return_const("mock".to_owned());
    let price = ModelPrice {
        prompt_per_million: Money(1_000_000),
        completion_per_million: Money(2_000_000),
    };
    let bots: Arc<dyn BotStore> = Arc::new(mocks.bots);
    let billing: Arc<dyn WorkspaceStore> = Arc::new(mocks.billing);
    let conversations: Arc<dyn ConversationStore> = Arc::new(mocks.conversations);
    ChatService::new(
        ChatPorts {
            reads: Arc::new(SeparateTurnReads::new(
                bots.clone(),
                billing.clone(),
                conversations.clone(),
            )),
            bots,
            conversations,
            billing,
            turns: Arc::new(mocks.turns),
            provider: Arc::new(provider),
            clock: stopped_clock(),
            ids: random_ids(),
            bot_tools: Arc::new(mocks.bot_tools),
            runs: Arc::new(crate::ports::MockAgentRunStore::new()),
            executor: Arc::new(MockToolExecutor::new()),
            timer: Arc::new(crate::services::turn_test_support::NeverTimer),
            messages: Arc::new(crate::ports::MockMessageStore::new()),
            traces: Arc::new(crate::ports::MockTraceStore::new()),
            hooks: Arc::new(crate::ports::MockHookStore::new()),
            tools: Arc::new(crate::ports::MockToolStore::new()),
            jobs: Arc::new(crate::ports::MockJobStore::new()),
            calls: Arc::new(crate::ports::MockCallStore::new()),
        },
        ChatSettings {
            default_model: "default-model".into(),
            prices: HashMap::from([("gpt-test".to_owned(), price)]),
            default_price: ModelPrice::default(),
            context_budget_tokens: 4_000,
            history_limit: 20,
            completion_hold_tokens: 100,
        },
    )
}

fn stored(m: &NewMessage, position: u32) -> Message {
    Message {
        id: m.id,
        conversation_id: ConversationId::from_uuid(Uuid::from_u128(9)),
        position,
        role: m.role,
        content: m.content.clone(),
        metadata: None,
        created_at: m.created_at,
    }
}

fn recorded() -> RecordedTurn {
    RecordedTurn {
        messages: vec![],
        trace_steps: vec![],
        ledger_entry: None,
    }
}

/// The conversation a recorded turn creates (shared by mock closures).
#[derive(Clone, Default)]
struct Created(Arc<std::sync::Mutex<Option<ConversationId>>>);

impl Created {
    /// Notes the conversation `turn` creates, checking it is the one the
    /// turn records in, and returns it.
    fn note(&self, turn: &TurnRecord) -> NewConversation {
        let new = turn
            .new_conversation
            .clone()
            .expect("created with the turn");
        assert_eq!(new.id, turn.conversation_id);
        *self.0.lock().unwrap() = Some(new.id);
        new
    }

    fn id(&self) -> Option<ConversationId> {
        *self.0.lock().unwrap()
    }
}

#[tokio::test]
async fn a_new_conversation_with_a_greeting_answers_without_the_model_or_a_charge() {
    let mut m = Mocks::default();
    m.bots
        .expect_get_bot()
        .returning(|_, _| Ok(bot(Some("Hi! How can I help?"))));
    m.conversations
        .expect_find_open_conversation()
        .returning(|_, _, _, _| Ok(None));
    // Created in the transaction that stores the greeting.
    m.conversations.expect_create_conversation().never();
    // Read alongside the bot, but a greeting is neither refused nor metered:
    // even a suspended workspace gets it.
    m.billing
        .expect_get_billing()
        .returning(|_| Ok(billing(BillingStatus::Suspended, 0, 0)));
    m.provider.expect_complete().never();
    let created = Created::default();
    let seen = created.clone();
    m.turns
        .expect_record_turn()
        .times(1)
        .returning(move |turn| {
            let n = seen.note(turn);
            assert_eq!(
                (n.customer_id.as_deref(), n.channel),
                (Some("user_8412"), Channel::Api)
            );
            let roles: Vec<Role> = turn.messages.iter().map(|m| m.role).collect();
            assert_eq!(roles, vec![Role::User, Role::Assistant]);
            assert_eq!(turn.messages[1].content, "Hi! How can I help?");
            assert_eq!(turn.trace_steps[0].action_type, action_types::GREETING);
            assert!(turn.charge.is_none());
            Ok(recorded())
        });
    let reply = service(m).send(WS, request()).await.unwrap();
    assert_eq!(
        (reply.response.as_str(), reply.model),
        ("Hi! How can I help?", None)
    );
    assert_eq!(Some(reply.conversation_id), created.id());
}

#[tokio::test]
async fn a_model_turn_stores_the_message_first_then_the_answer_trace_and_charge() {
    let mut m = Mocks::default();
    let mut seq = Sequence::new();
    m.bots
        .expect_get_bot()
        .returning(|_, _| Ok(bot(Some("Hi!"))));
    let existing = conversation(9, BOT);
    m.conversations
        .expect_find_open_conversation()
        .returning(move |_, _, _, _| Ok(Some(existing.clone())));
    m.conversations.expect_create_conversation().never();
    m.billing
        .expect_get_billing()
        .returning(|_| Ok(billing(BillingStatus::Active, 100, 0)));
    m.turns
        .expect_open_turn()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|open| {
            // The message is stored in the conversation found, before the
            // model is called.
            assert_eq!(
                open.conversation,
                TurnConversation::Existing(ConversationId::from_uuid(Uuid::from_u128(9)))
            );
            let user = &open.user_message;
            assert_eq!(
                (user.role, user.content.as_str(), open.history_limit),
                (Role::User, "Where is my October invoice?", 20)
            );
            let earlier = NewMessage {
                id: MessageId::from_uuid(Uuid::new_v4()),
                role: Role::Assistant,
                content: "Hello".into(),
                metadata: None,
                created_at: NOW,
            };
            Ok(vec![stored(&earlier, 2), stored(user, 3)])
        });
    m.provider
        .expect_complete()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|request| {
            assert_eq!(request.model, "gpt-test");
            let roles: Vec<Role> = request.messages.iter().map(|m| m.role).collect();
            assert_eq!(roles, vec![Role::System, Role::Assistant, Role::User]);
            Ok(Completion {
                model: "gpt-test".into(),
                content: "It was emailed on Oct 3.".into(),
                tool_calls: vec![],
                usage: TokenUsage {
                    prompt_tokens: 1_000,
                    completion_tokens: 500,
                },
                finish_reason: Some("stop".into()),
            })
        });
    m.turns
        .expect_record_turn()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|turn| {
            assert_eq!(turn.messages.len(), 1);
            assert_eq!(turn.messages[0].role, Role::Assistant);
            let charge = turn.charge.as_ref().unwrap();
            // 1000 prompt tokens at 1.0/M + 500 completion tokens at 2.0/M.
            assert_eq!(charge.cost, Money(2_000));
            assert_eq!(charge.message_id, Some(turn.messages[0].id));
            let step = &turn.trace_steps[0];
            assert_eq!(
                (
                    step.prompt_tokens,
                    step.completion_tokens,
                    step.total_tokens
                ),
                (Some(1_000), Some(500), Some(1_500))
            );
            assert_eq!(step.action_name, "mock");
            Ok(recorded())
        });
    let reply = service(m).send(WS, request()).await.unwrap();
    assert_eq!(reply.response, "It was emailed on Oct 3.");
    assert_eq!(
        reply.conversation_id,
        ConversationId::from_uuid(Uuid::from_u128(9))
    );
}

#[tokio::test]
async fn new_conversation_skips_resolution_by_external_user() {
    let mut m = Mocks::default();
    m.bots
        .expect_get_bot()
        .returning(|_, _| Ok(bot(Some("Welcome back"))));
    m.conversations.expect_find_open_conversation().never();
    m.conversations.expect_create_conversation().never();
    m.billing
        .expect_get_billing()
        .returning(|_| Ok(billing(BillingStatus::Active, 100, 0)));
    let created = Created::default();
    let seen = created.clone();
    m.turns
        .expect_record_turn()
        .times(1)
        .returning(move |turn| {
            seen.note(turn);
            Ok(recorded())
        });
    let fresh = ChatRequest {
        new_conversation: true,
        ..request()
    };
    let reply = service(m).send(WS, fresh).await.unwrap();
    assert_eq!(Some(reply.conversation_id), created.id());
}

#[path = "chat_web_tests.rs"]
mod web;

#[path = "chat_failure_tests.rs"]
mod failures;

#[path = "chat_pricing_tests.rs"]
mod pricing;
