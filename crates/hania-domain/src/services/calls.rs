//! Calls: a finished call's transcript recorded as an ended `voice`
//! conversation, with its post-call job queued in the same transaction.

use super::chat::ChatService;
use super::{Conflict, Resource, ServiceError};
use crate::call::{RecordedCall, Transcript};
use crate::conversation::{Channel, Conversation, NewConversation};
use crate::ids::{MessageId, WorkspaceId};
use crate::job::NewJob;
use crate::message::NewMessage;
use crate::ports::{StoreConflict, StoreError};

impl ChatService {
    /// Records a finished call of a bot of the workspace: an ended `voice`
    /// conversation holding the transcript in order, and its post-call job.
    ///
    /// # Errors
    /// `Validation` naming the field, `NotFound` for another workspace's
    /// bot, `Conflict(CallExists)` when the bot already has a call with
    /// this `external_call_id`.
    pub async fn record_transcript(
        &self,
        ws: WorkspaceId,
        transcript: Transcript,
    ) -> Result<Conversation, ServiceError> {
        transcript.validate()?;
        let now = self.ports.clock.now();
        let conversation = NewConversation {
            id: self.id(),
            workspace_id: ws,
            bot_id: transcript.bot_id,
            channel: Channel::Voice,
            customer_id: None,
            external_call_id: transcript.external_call_id,
            external_linked_id: transcript.external_linked_id,
            source_conversation_id: None,
            started_at: transcript.started_at,
        };
        let messages = transcript
            .turns
            .into_iter()
            .map(|turn| NewMessage {
                id: self.id::<MessageId>(),
                role: turn.role,
                content: turn.content,
                metadata: None,
                created_at: turn.at.unwrap_or(transcript.started_at),
            })
            .collect();
        let call = RecordedCall {
            job: NewJob::post_call(self.id(), ws, conversation.id, now),
            conversation,
            ended_at: transcript.ended_at,
            messages,
        };
        self.ports
            .calls
            .record_call(&call)
            .await
            .map_err(|error| match error {
                StoreError::Conflict(StoreConflict::CallExists) => {
                    ServiceError::Conflict(Conflict::CallExists)
                }
                other => ServiceError::from_store(Resource::Bot)(other),
            })
    }
}
