use super::*;

fn request() -> DiscoveryRequest {
    DiscoveryRequest {
        description: "A friendly helper for Acme Bank's payroll questions, for staff".into(),
        sources: vec![
            "Salary slips are under Profile > Documents.".into(),
            "  ".into(),
        ],
    }
}

#[test]
fn the_prompt_asks_for_json_and_carries_the_description_and_sources() {
    let prompt = request().prompt();
    assert_eq!(prompt.len(), 2);
    assert_eq!(prompt[0].role, Role::System);
    assert!(prompt[0].content.contains("one JSON object"));
    assert_eq!(
        prompt[1].content,
        "Description:\nA friendly helper for Acme Bank's payroll questions, for staff\n\n\
         Source 1:\nSalary slips are under Profile > Documents."
    );
}

#[test]
fn limits_name_the_field() {
    let mut r = request();
    r.description = "  ".into();
    assert_eq!(r.validate().unwrap_err().field, "description");
    let mut r = request();
    r.sources[1] = "a\0b".into();
    assert_eq!(r.validate().unwrap_err().field, "sources[1]");
    let mut r = request();
    r.sources = vec!["x".into(); MAX_SOURCES + 1];
    assert_eq!(r.validate().unwrap_err().field, "sources");
    let mut r = request();
    r.sources = vec!["x".repeat(MAX_SOURCE_CHARS); 4];
    assert!(r.validate().unwrap_err().message.contains("in all"));
    assert!(request().validate().is_ok());
}

#[test]
fn a_full_answer_becomes_a_draft() {
    let answer = r#"Here you go:
```json
{"name": "Payroll Helper", "description": "Answers payroll questions.",
 "system_prompt": "You answer Acme staff's payroll questions.",
 "prompt_builder": {"persona": "a payroll assistant", "instructions": ["Be precise"], "mood": "x"},
 "chat_greeting": "Hi! Ask me about payroll.", "temperature": 0.3}
```"#;
    let draft = BotDraft::from_model_answer(answer, &request()).unwrap();
    assert_eq!(draft.name, "Payroll Helper");
    assert_eq!(
        draft.description.as_deref(),
        Some("Answers payroll questions.")
    );
    assert_eq!(
        draft.system_prompt,
        "You answer Acme staff's payroll questions."
    );
    let builder = draft.prompt_builder.clone().unwrap();
    assert_eq!(builder.persona.as_deref(), Some("a payroll assistant"));
    assert_eq!(builder.instructions, vec!["Be precise".to_owned()]);
    assert_eq!(
        draft.chat_greeting.as_deref(),
        Some("Hi! Ask me about payroll.")
    );
    assert_eq!(draft.temperature, Some(0.3));
    assert!(matches!(draft.to_changes().name, FieldUpdate::Set(ref n) if n == "Payroll Helper"));
}

#[test]
fn missing_parts_fall_back_and_bad_ones_are_dropped() {
    let answer = r#"{"prompt_builder": {"persona": "a payroll assistant", "constraints": "Never guess"},
                     "temperature": 7, "chat_greeting": "  "}"#;
    let draft = BotDraft::from_model_answer(answer, &request()).unwrap();
    assert_eq!(draft.name, "A friendly helper for Acme Bank's");
    assert_eq!(
        draft.system_prompt,
        "You are a payroll assistant.\n\nConstraints:\n- Never guess"
    );
    assert_eq!(draft.temperature, None);
    assert_eq!(draft.chat_greeting, None);
}

#[test]
fn unusable_answers_are_errors() {
    for answer in [
        "I cannot help with that.",
        "{not json}",
        "} then {",
        r#"{"name": "No prompt"}"#,
        r#"{"name": "Empty builder", "prompt_builder": {"persona": " "}}"#,
    ] {
        assert!(
            BotDraft::from_model_answer(answer, &request()).is_err(),
            "{answer}"
        );
    }
    let too_long = format!(r#"{{"name": "{}", "system_prompt": "x"}}"#, "n".repeat(500));
    let error = BotDraft::from_model_answer(&too_long, &request()).unwrap_err();
    assert!(error.0.contains("name"), "{error}");
}
