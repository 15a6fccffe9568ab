//! What the turn tests share: a service over mocks, prepared turns (chat
//! or agent), scripted provider answers, observers, timers and tool
//! executors with the behaviours the loop must cope with.

use crate::ports::{BotStore, ConversationStore, SeparateTurnReads, WorkspaceStore};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use time::macros::date;
use uuid::Uuid;

use crate::agent::AgentPlan;
use crate::billing::{BillingAccount, BillingStatus, Plan};
use crate::completion::{
    AnswerFormat, Completion, CompletionRequest, CompletionStream, PromptMessage, ProviderError,
    StreamChunk, TokenUsage, ToolCall,
};
use crate::ids::{BotId, ConversationId, HoldId, ToolConfigId, WorkspaceId};
use crate::message::Role;
use crate::money::{ModelPrice, Money};
use crate::ports::{
    HungUp, MockAgentRunStore, MockBotStore, MockBotToolStore, MockCallStore,
    MockConversationStore, MockHookStore, MockJobStore, MockMessageStore, MockModelProvider,
    MockToolExecutor, MockToolStore, MockTraceStore, MockTurnStore, MockWorkspaceStore, Timer,
    ToolExecutor, ToolInvocation, ToolResult, TurnEvent, TurnObserver,
};
use crate::services::test_support::{NOW, random_ids, stopped_clock};
use crate::services::{ChatPorts, ChatService, ChatSettings, ModelTurn};
use crate::tool::{ToolConfig, ToolKind, WebhookTool};
use crate::turn::{RecordedTurn, TurnRecord};

pub const WS: WorkspaceId = WorkspaceId(Uuid::nil());
pub const BOT: BotId = BotId(Uuid::from_u128(3));
pub const HOLD: HoldId = HoldId(Uuid::from_u128(4));

/// The ports a turn test sets expectations on.
pub struct Harness {
    pub bots: MockBotStore,
    pub conversations: MockConversationStore,
    pub runs: MockAgentRunStore,
    pub bot_tools: MockBotToolStore,
    pub turns: MockTurnStore,
    pub provider: MockModelProvider,
    pub billing: MockWorkspaceStore,
    pub executor: Arc<dyn ToolExecutor>,
    pub timer: Arc<dyn Timer>,
    pub messages: MockMessageStore,
    pub traces: MockTraceStore,
    pub hooks: MockHookStore,
    pub tools: MockToolStore,
    pub jobs: MockJobStore,
    pub calls: MockCallStore,
}

impl Default for Harness {
    fn default() -> Self {
        let mut billing = MockWorkspaceStore::new();
        billing
            .expect_get_billing()
            .returning(|_| Ok(account(BillingStatus::Active)));
        Self {
            bots: MockBotStore::new(),
            conversations: MockConversationStore::new(),
            runs: MockAgentRunStore::new(),
            bot_tools: MockBotToolStore::new(),
            turns: MockTurnStore::new(),
            provider: MockModelProvider::new(),
            billing,
            executor: Arc::new(MockToolExecutor::new()),
            timer: Arc::new(NeverTimer),
            messages: MockMessageStore::new(),
            traces: MockTraceStore::new(),
            hooks: MockHookStore::new(),
            tools: MockToolStore::new(),
            jobs: MockJobStore::new(),
            calls: MockCallStore::new(),
        }
    }
}

impl Harness {
    /// Every recorded turn is kept in `records` (and succeeds).
    pub fn keep_records(&mut self) -> Arc<Mutex<Vec<TurnRecord>>> {
        let records = Arc::new(Mutex::new(Vec::new()));
        let kept = records.clone();
        self.turns.expect_record_turn().returning(move |t| {
            kept.lock().unwrap().push(t.clone());
            Ok(recorded())
        });
        records
    }

    /// The service over these mocks; model `m` costs one unit per
    /// completion token.
    pub fn service(self) -> ChatService {
        let mut provider = self.provider;
        provider.expect_name().return_const("mock".to_owned());
        let bots: Arc<dyn BotStore> = Arc::new(self.bots);
        let billing: Arc<dyn WorkspaceStore> = Arc::new(self.billing);
        let conversations: Arc<dyn ConversationStore> = Arc::new(self.conversations);
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
                turns: Arc::new(self.turns),
                provider: Arc::new(provider),
                clock: stopped_clock(),
                ids: random_ids(),
                bot_tools: Arc::new(self.bot_tools),
                runs: Arc::new(self.runs),
                executor: self.executor,
                timer: self.timer,
                messages: Arc::new(self.messages),
                traces: Arc::new(self.traces),
                hooks: Arc::new(self.hooks),
                tools: Arc::new(self.tools),
                jobs: Arc::new(self.jobs),
                calls: Arc::new(self.calls),
            },
            ChatSettings {
                default_model: "m".into(),
                prices: HashMap::from([(
                    "m".to_owned(),
                    ModelPrice {
                        prompt_per_million: Money(0),
                        completion_per_million: Money(1_000_000),
                    },
                )]),
                default_price: ModelPrice::default(),
                context_budget_tokens: 1_000,
                history_limit: 10,
                completion_hold_tokens: 100,
            },
        )
    }
}

pub fn account(status: BillingStatus) -> BillingAccount {
    BillingAccount {
        workspace_id: WS,
        status,
        plan: Plan {
            name: "p".into(),
            monthly_turn_allowance: None,
        },
        balance: Money(1_000_000),
        period_start: date!(2026 - 11 - 01),
        period_turns_used: 0,
        updated_at: NOW,
    }
}

pub fn recorded() -> RecordedTurn {
    RecordedTurn {
        messages: vec![],
        trace_steps: vec![],
        ledger_entry: None,
    }
}

/// A prepared chat turn (no agent plan).
pub fn chat_turn() -> ModelTurn {
    ModelTurn {
        workspace: WS,
        bot: BOT,
        conversation_id: ConversationId::from_uuid(Uuid::from_u128(5)),
        request: CompletionRequest {
            model: "m".into(),
            messages: vec![PromptMessage::text(Role::User, "hello there")],
            temperature: None,
            max_tokens: None,
            tools: vec![],
            format: AnswerFormat::Text,
        },
        agent: None,
        hold: Some(HOLD),
    }
}

/// A prepared agent turn with the tools `names` attached.
pub fn agent_turn(names: &[&str], max_iterations: u32, timeout_seconds: u32) -> ModelTurn {
    let tools = names.iter().map(|name| tool(name)).collect();
    ModelTurn {
        agent: Some(AgentPlan::new(
            tools,
            Some(max_iterations),
            Some(timeout_seconds),
        )),
        ..chat_turn()
    }
}

pub fn tool(name: &str) -> ToolConfig {
    ToolConfig {
        id: ToolConfigId::from_uuid(Uuid::new_v4()),
        workspace_id: WS,
        name: name.to_owned(),
        description: format!("The {name} tool"),
        kind: ToolKind::Webhook(WebhookTool {
            url: "https://tools.example.com/hook".into(),
            secret_header: None,
            timeout_ms: 1_000,
            signing_secret: None,
        }),
        parameters: serde_json::json!({"type": "object"}),
        created_at: NOW,
        updated_at: NOW,
    }
}

pub fn call(id: &str, name: &str, arguments: &str) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        arguments: arguments.into(),
    }
}

/// A whole answer of `completion_tokens` tokens asking for `calls`.
pub fn answer(text: &str, calls: Vec<ToolCall>, completion_tokens: u32) -> Completion {
    Completion {
        model: "m".into(),
        content: text.into(),
        tool_calls: calls,
        usage: TokenUsage {
            prompt_tokens: 10,
            completion_tokens,
        },
        finish_reason: Some("stop".into()),
    }
}

/// A provider stream of `chunks`, then (if `hang`) silence forever.
pub fn stream_of(chunks: Vec<StreamChunk>, hang: bool) -> CompletionStream {
    let items = futures::stream::iter(chunks.into_iter().map(Ok::<_, ProviderError>));
    if hang {
        Box::pin(futures::StreamExt::chain(items, futures::stream::pending()))
    } else {
        Box::pin(items)
    }
}

/// Hears every event; hangs up after `accept` events (never if `None`).
#[derive(Default)]
pub struct Recorder {
    pub events: Mutex<Vec<TurnEvent>>,
    pub accept: Option<usize>,
}

impl Recorder {
    pub fn hanging_up_after(accept: usize) -> Self {
        Self {
            accept: Some(accept),
            ..Self::default()
        }
    }

    pub fn events(&self) -> Vec<TurnEvent> {
        self.events.lock().unwrap().clone()
    }

    fn gone(&self) -> bool {
        self.accept
            .is_some_and(|n| self.events.lock().unwrap().len() >= n)
    }
}

#[async_trait]
impl TurnObserver for Recorder {
    async fn emit(&self, event: TurnEvent) -> Result<(), HungUp> {
        if self.gone() {
            return Err(HungUp);
        }
        self.events.lock().unwrap().push(event);
        Ok(())
    }

    async fn hung_up(&self) {
        if self.accept.is_none() {
            return futures::future::pending().await;
        }
        // Polled between steps: gone once the accepted events were heard.
        futures::future::poll_fn(|cx| {
            if self.gone() {
                std::task::Poll::Ready(())
            } else {
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            }
        })
        .await;
    }
}

/// A deadline that never comes.
pub struct NeverTimer;

#[async_trait]
impl Timer for NeverTimer {
    async fn sleep(&self, _: Duration) {
        futures::future::pending::<()>().await;
    }
}

/// A deadline that has already passed: work that does not finish at once
/// is cut off.
pub struct PastTimer;

#[async_trait]
impl Timer for PastTimer {
    async fn sleep(&self, _: Duration) {}
}

/// Tool calls that never end.
pub struct StuckTools;

#[async_trait]
impl ToolExecutor for StuckTools {
    async fn execute(&self, _: &ToolInvocation) -> ToolResult {
        futures::future::pending().await
    }
}

/// Tool calls that end only once `n` of them run at the same time (so
/// calls run one after another never end).
pub struct TogetherTools(pub tokio::sync::Barrier);

#[async_trait]
impl ToolExecutor for TogetherTools {
    async fn execute(&self, invocation: &ToolInvocation) -> ToolResult {
        self.0.wait().await;
        ToolResult {
            ok: true,
            content: format!("[\"{}\"]", invocation.call.id),
            error: None,
            duration_ms: 7,
            transient: false,
        }
    }
}

/// A stored conversation of the test bot with that id.
pub fn conversation(id: crate::ids::ConversationId) -> crate::conversation::Conversation {
    crate::conversation::Conversation {
        id,
        workspace_id: WS,
        bot_id: BOT,
        channel: crate::conversation::Channel::Api,
        customer_id: None,
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
