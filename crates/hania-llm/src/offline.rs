//! The built-in offline provider: the server works end to end with no
//! model configured, and says so in every reply and model name.

use async_trait::async_trait;
use futures::stream;
use hania_domain::completion::{
    Completion, CompletionRequest, CompletionStream, ProviderError, StreamChunk,
};
use hania_domain::message::Role;
use hania_domain::ports::ModelProvider;
use hania_domain::services::chat_prompt::estimate_usage;

/// The model name every offline reply carries.
pub const OFFLINE_MODEL: &str = "hania-offline";

/// Answers without any model: a fixed notice that echoes the message.
#[derive(Debug, Default, Clone, Copy)]
pub struct OfflineProvider;

impl OfflineProvider {
    fn answer(request: &CompletionRequest) -> Completion {
        let last = request
            .messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map_or("", |m| m.content.as_str());
        let notice = format!(
            "[offline] No model provider is configured, so this is not a real answer. \
             Set HANIA_LLM_BASE_URL (and HANIA_LLM_API_KEY) to connect one. You said: {last}"
        );
        // Asked for JSON, it still answers JSON: the notice as the
        // `system_prompt` of a draft (see `hania_domain::discovery`).
        let content = if request.format.is_json() {
            serde_json::json!({ "system_prompt": notice }).to_string()
        } else {
            notice
        };
        Completion {
            model: OFFLINE_MODEL.to_owned(),
            usage: estimate_usage(request, &content),
            content,
            tool_calls: Vec::new(),
            finish_reason: Some("stop".to_owned()),
        }
    }
}

#[async_trait]
impl ModelProvider for OfflineProvider {
    fn name(&self) -> String {
        "offline".to_owned()
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion, ProviderError> {
        Ok(Self::answer(request))
    }

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, ProviderError> {
        let answer = Self::answer(request);
        let mut chunks: Vec<Result<StreamChunk, ProviderError>> = answer
            .content
            .split_inclusive(' ')
            .map(|word| Ok(StreamChunk::Delta(word.to_owned())))
            .collect();
        chunks.push(Ok(StreamChunk::Finished {
            model: answer.model,
            usage: Some(answer.usage),
            finish_reason: answer.finish_reason,
        }));
        Ok(Box::pin(stream::iter(chunks)))
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use hania_domain::completion::{AnswerFormat, PromptMessage};

    use super::*;

    fn request() -> CompletionRequest {
        CompletionRequest {
            model: "gpt-4o-mini".into(),
            messages: vec![
                PromptMessage::text(Role::System, "Be brief."),
                PromptMessage::text(Role::User, "Hello there"),
            ],
            temperature: None,
            max_tokens: None,
            tools: vec![],
            format: AnswerFormat::Text,
        }
    }

    #[tokio::test]
    async fn offline_json_answers_are_json_that_say_so() {
        let mut asked = request();
        asked.format = AnswerFormat::JsonObject;
        let whole = OfflineProvider.complete(&asked).await.unwrap();
        let value: serde_json::Value = serde_json::from_str(&whole.content).unwrap();
        let prompt = value["system_prompt"].as_str().unwrap();
        assert!(prompt.starts_with("[offline]") && prompt.ends_with("You said: Hello there"));
    }

    #[tokio::test]
    async fn offline_answers_say_so_and_stream_the_same_text() {
        let whole = OfflineProvider.complete(&request()).await.unwrap();
        assert_eq!(whole.model, OFFLINE_MODEL);
        assert!(
            whole.content.starts_with("[offline]")
                && whole.content.ends_with("You said: Hello there")
        );
        assert!(whole.usage.prompt_tokens > 0 && whole.usage.completion_tokens > 0);
        let mut streamed = String::new();
        let mut stream = OfflineProvider.stream(&request()).await.unwrap();
        let mut finished = None;
        while let Some(chunk) = stream.next().await {
            match chunk.unwrap() {
                StreamChunk::Delta(text) => streamed.push_str(&text),
                StreamChunk::Finished { model, usage, .. } => finished = Some((model, usage)),
                StreamChunk::ToolCall(_) => unreachable!(),
            }
        }
        assert_eq!(streamed, whole.content);
        assert_eq!(
            finished,
            Some((OFFLINE_MODEL.to_owned(), Some(whole.usage)))
        );
    }
}
