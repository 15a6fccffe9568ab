//! What makes a turn an agent turn: the tools it may call, its bounds
//! (`max_iterations`, `timeout_seconds`) and the form of its final answer
//! (`output_config`).

use crate::completion::{AnswerFormat, ToolSpec};
use crate::tool::ToolConfig;
use crate::validation::ValidationError;

/// Model calls per agent turn when the bot sets no `max_iterations`.
pub const DEFAULT_MAX_ITERATIONS: u32 = 5;
/// The most `max_iterations` may be.
pub const MAX_ITERATIONS: u32 = 25;
/// Seconds an agent turn may take when the bot sets no `timeout_seconds`.
pub const DEFAULT_TIMEOUT_SECONDS: u32 = 60;
/// The most `timeout_seconds` may be.
pub const MAX_TIMEOUT_SECONDS: u32 = 600;
/// The schema name used when an `output_config` gives none.
pub const DEFAULT_SCHEMA_NAME: &str = "answer";

/// How one agent turn runs.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentPlan {
    /// The tools attached to the bot: the only ones the model is offered.
    pub tools: Vec<ToolConfig>,
    /// The most model calls (the last one is made without tools).
    pub max_iterations: u32,
    /// The most seconds the whole turn may take.
    pub timeout_seconds: u32,
}

impl AgentPlan {
    /// A plan with the bot's bounds, or the defaults (clamped to the
    /// maxima, should a stored value exceed them).
    pub fn new(tools: Vec<ToolConfig>, max_iterations: Option<u32>, timeout: Option<u32>) -> Self {
        Self {
            tools,
            max_iterations: max_iterations
                .unwrap_or(DEFAULT_MAX_ITERATIONS)
                .clamp(1, MAX_ITERATIONS),
            timeout_seconds: timeout
                .unwrap_or(DEFAULT_TIMEOUT_SECONDS)
                .clamp(1, MAX_TIMEOUT_SECONDS),
        }
    }

    /// The functions offered to the model.
    pub fn specs(&self) -> Vec<ToolSpec> {
        self.tools
            .iter()
            .map(|t| ToolSpec {
                name: t.name.clone(),
                description: t.description.clone(),
                parameters: t.parameters.clone(),
            })
            .collect()
    }

    /// The attached tool of that name.
    pub fn tool(&self, name: &str) -> Option<&ToolConfig> {
        self.tools.iter().find(|t| t.name == name)
    }
}

/// Reads an `output_config`: absent or `{"type": "text"}` is free text;
/// `{"type": "json_schema", "name"?, "schema": {…}}` asks for JSON
/// matching the schema. Other keys are kept but ignored.
///
/// # Errors
/// Names `output_config.type`, `output_config.schema` or
/// `output_config.name`.
pub fn answer_format(config: Option<&serde_json::Value>) -> Result<AnswerFormat, ValidationError> {
    let Some(config) = config else {
        return Ok(AnswerFormat::Text);
    };
    match config.get("type").map(|t| t.as_str()) {
        None | Some(Some("text")) => Ok(AnswerFormat::Text),
        Some(Some("json_schema")) => {
            let schema = config
                .get("schema")
                .filter(|s| s.is_object())
                .ok_or_else(|| {
                    ValidationError::new("output_config.schema", "must be a JSON Schema object")
                })?;
            let name = match config.get("name") {
                None | Some(serde_json::Value::Null) => DEFAULT_SCHEMA_NAME.to_owned(),
                Some(name) => name
                    .as_str()
                    .filter(|n| valid_schema_name(n))
                    .ok_or_else(|| {
                        ValidationError::new(
                            "output_config.name",
                            "must be 1 to 64 letters, digits, '_' or '-'",
                        )
                    })?
                    .to_owned(),
            };
            Ok(AnswerFormat::JsonSchema {
                name,
                schema: schema.clone(),
            })
        }
        Some(_) => Err(ValidationError::new(
            "output_config.type",
            "must be one of: text, json_schema",
        )),
    }
}

fn valid_schema_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bounds_default_and_clamp() {
        let plan = AgentPlan::new(vec![], None, None);
        assert_eq!((plan.max_iterations, plan.timeout_seconds), (5, 60));
        let plan = AgentPlan::new(vec![], Some(100), Some(3_600));
        assert_eq!((plan.max_iterations, plan.timeout_seconds), (25, 600));
    }

    #[test]
    fn output_configs_become_answer_formats() {
        assert_eq!(answer_format(None).unwrap(), AnswerFormat::Text);
        assert_eq!(
            answer_format(Some(&json!({"type": "text"}))).unwrap(),
            AnswerFormat::Text
        );
        assert_eq!(
            answer_format(Some(&json!({"format": "markdown"}))).unwrap(),
            AnswerFormat::Text
        );
        let schema = json!({"type": "object"});
        assert_eq!(
            answer_format(Some(&json!({"type": "json_schema", "schema": schema}))).unwrap(),
            AnswerFormat::JsonSchema {
                name: "answer".into(),
                schema: schema.clone()
            }
        );
        let field = |v| answer_format(Some(&v)).unwrap_err().field;
        assert_eq!(field(json!({"type": "xml"})), "output_config.type");
        assert_eq!(
            field(json!({"type": "json_schema"})),
            "output_config.schema"
        );
        assert_eq!(
            field(json!({"type": "json_schema", "schema": schema, "name": "a b"})),
            "output_config.name"
        );
    }
}
