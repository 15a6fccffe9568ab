//! A finished call recorded from the operator's own voice stack: its
//! transcript, checked, and what storing it writes at once.

use time::OffsetDateTime;

use crate::conversation::NewConversation;
use crate::ids::BotId;
use crate::job::NewJob;
use crate::message::{NewMessage, Role};
use crate::validation::{ValidationError, check_text};

/// Most turns one transcript may hold.
pub const MAX_TRANSCRIPT_TURNS: usize = 2_000;
/// Longest text of one turn, in characters.
pub const MAX_TURN_CHARS: usize = 32_000;

/// Whether `number` is an E.164 telephone number: `+`, then 7 to 15
/// digits, the first not 0.
pub fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

/// One utterance of a call.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptTurn {
    /// `User` (the caller) or `Assistant` (the bot).
    pub role: Role,
    /// What was said.
    pub content: String,
    /// When it was said (default: the call's start).
    pub at: Option<OffsetDateTime>,
}

/// A finished call.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// The bot that took the call.
    pub bot_id: BotId,
    /// The call's id in the voice stack; unique per bot.
    pub external_call_id: Option<String>,
    /// Any other id to find the call by.
    pub external_linked_id: Option<String>,
    /// When the call started.
    pub started_at: OffsetDateTime,
    /// When it ended.
    pub ended_at: OffsetDateTime,
    /// What was said, in order.
    pub turns: Vec<TranscriptTurn>,
}

impl Transcript {
    /// Checks the transcript; errors name the field (`turns[3].content`).
    pub fn validate(&self) -> Result<(), ValidationError> {
        for (field, id) in [
            ("external_call_id", &self.external_call_id),
            ("external_linked_id", &self.external_linked_id),
        ] {
            if let Some(id) = id {
                crate::validation::check_required_text(field, id, 256)?;
            }
        }
        if self.ended_at < self.started_at {
            return Err(ValidationError::new(
                "ended_at",
                "must not be before started_at",
            ));
        }
        if self.turns.len() > MAX_TRANSCRIPT_TURNS {
            return Err(ValidationError::new(
                "turns",
                format!("at most {MAX_TRANSCRIPT_TURNS} turns"),
            ));
        }
        for (i, turn) in self.turns.iter().enumerate() {
            if !matches!(turn.role, Role::User | Role::Assistant) {
                return Err(ValidationError::new(
                    format!("turns[{i}].role"),
                    "must be one of: user, assistant",
                ));
            }
            let field = format!("turns[{i}].content");
            if turn.content.trim().is_empty() {
                return Err(ValidationError::new(field, "must not be empty"));
            }
            check_text(&field, &turn.content, MAX_TURN_CHARS)?;
        }
        Ok(())
    }
}

/// What storing a call writes in one transaction: the `voice`
/// conversation (ended), its messages in order, and its post-call job.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCall {
    /// The conversation, channel `voice`.
    pub conversation: NewConversation,
    /// When the call ended.
    pub ended_at: OffsetDateTime,
    /// The transcript's messages, in order.
    pub messages: Vec<NewMessage>,
    /// The post-call job.
    pub job: NewJob,
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;

    fn transcript(turns: Vec<TranscriptTurn>) -> Transcript {
        Transcript {
            bot_id: BotId::from_uuid(Uuid::nil()),
            external_call_id: Some("CA-1".into()),
            external_linked_id: None,
            started_at: datetime!(2026-12-02 09:00 UTC),
            ended_at: datetime!(2026-12-02 09:03 UTC),
            turns,
        }
    }

    fn turn(role: Role, content: &str) -> TranscriptTurn {
        TranscriptTurn {
            role,
            content: content.into(),
            at: None,
        }
    }

    #[test]
    fn transcripts_name_the_field_that_is_wrong() {
        let field = |t: Transcript| t.validate().unwrap_err().field;
        assert!(
            transcript(vec![turn(Role::User, "hi"), turn(Role::Assistant, "hello")])
                .validate()
                .is_ok()
        );
        assert_eq!(
            field(transcript(vec![
                turn(Role::User, "hi"),
                turn(Role::System, "x")
            ])),
            "turns[1].role"
        );
        assert_eq!(
            field(transcript(vec![turn(Role::User, "  ")])),
            "turns[0].content"
        );
        assert_eq!(
            field(transcript(vec![turn(Role::User, "a\0b")])),
            "turns[0].content"
        );
        let mut backwards = transcript(vec![]);
        backwards.ended_at = datetime!(2026-12-02 08:00 UTC);
        assert_eq!(field(backwards), "ended_at");
        let many = vec![turn(Role::User, "hi"); MAX_TRANSCRIPT_TURNS + 1];
        assert_eq!(field(transcript(many)), "turns");
        let mut blank_id = transcript(vec![]);
        blank_id.external_call_id = Some(" ".into());
        assert_eq!(field(blank_id), "external_call_id");
    }

    #[test]
    fn e164_numbers() {
        for ok in ["+4712345678", "+14155550100", "+1234567"] {
            assert!(is_e164(ok), "{ok}");
        }
        for bad in [
            "4712345678",
            "+0123456789",
            "+12345",
            "+1234567890123456",
            "+47 1234",
            "",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }
}
