//! One model call of a turn, whole or streamed, gathered into a
//! [`StreamOutcome`] as it goes, so that a call cancelled halfway (a
//! deadline, a hang-up) still tells what it produced.

use futures::StreamExt;

use super::chat::ChatService;
use super::chat_stream::StreamOutcome;
use super::chat_types::Delivery;
use crate::completion::{CompletionRequest, StreamChunk};
use crate::ports::{TurnEvent, TurnObserver};

impl ChatService {
    /// Calls the model, writing what arrives into `out`: streamed text is
    /// emitted to `observer` delta by delta (a hang-up stops reading and
    /// drops the stream, which cancels the upstream request).
    pub(super) async fn call_model(
        &self,
        request: &CompletionRequest,
        observer: &dyn TurnObserver,
        delivery: Delivery,
        out: &mut StreamOutcome,
    ) {
        if delivery == Delivery::Whole {
            match self.provider().complete(request).await {
                Ok(completion) => {
                    out.text = completion.content;
                    out.tool_calls = completion.tool_calls;
                    out.model = Some(completion.model);
                    out.usage = Some(completion.usage);
                    out.finish_reason = completion.finish_reason;
                }
                Err(error) => out.error = Some(error),
            }
            return;
        }
        let mut stream = match self.provider().stream(request).await {
            Ok(stream) => stream,
            Err(error) => {
                out.error = Some(error);
                return;
            }
        };
        while let Some(item) = stream.next().await {
            match item {
                Ok(StreamChunk::Delta(text)) => {
                    out.text.push_str(&text);
                    out.deltas = out.deltas.saturating_add(1);
                    if observer.emit(TurnEvent::Delta(text)).await.is_err() {
                        out.interrupted = true;
                        return;
                    }
                }
                Ok(StreamChunk::ToolCall(call)) => out.tool_calls.push(call),
                Ok(StreamChunk::Finished {
                    model,
                    usage,
                    finish_reason,
                }) => {
                    (out.model, out.usage, out.finish_reason) = (Some(model), usage, finish_reason);
                }
                Err(error) => {
                    out.error = Some(error);
                    return;
                }
            }
        }
    }
}
