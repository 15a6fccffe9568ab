//! A post-call hook's `params_template` rendered for one call: every
//! `{{name}}` in a string (through objects and arrays, at any depth) is
//! replaced by the value of that name as text; an unknown name renders
//! empty. Values go into JSON strings as values, never spliced into JSON
//! text, so a quote in a transcript cannot change the document's shape.
//! Object keys and non-string values are kept as they are.

use std::collections::BTreeMap;

use serde_json::Value;

/// The names a template may use and their values: `call.summary`,
/// `call.transcript`, `call.external_call_id`, `analysis.sentiment`,
/// `bot.name`, ….
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateValues(BTreeMap<String, String>);

impl TemplateValues {
    /// Sets `name` (`None`: renders empty).
    pub fn set(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        self.0
            .insert(name.to_owned(), value.unwrap_or_default().to_owned());
        self
    }

    /// The value of `name`, empty when unknown.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    /// The names set.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// `text` with each `{{ name }}` replaced (spaces inside the braces
/// allowed); a `{{` without a closing `}}` stays as written.
pub fn render_text(text: &str, values: &TemplateValues) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = rest[open + 2..open + 2 + close].trim();
        out.push_str(values.get(name));
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    out
}

/// The template with every string rendered.
pub fn render(template: &Value, values: &TemplateValues) -> Value {
    match template {
        Value::String(text) => Value::String(render_text(text, values)),
        Value::Array(items) => Value::Array(items.iter().map(|v| render(v, values)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, v)| (key.clone(), render(v, values)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn values() -> TemplateValues {
        let mut values = TemplateValues::default();
        values
            .set("call.summary", Some("Wants a refund"))
            .set("call.transcript", Some("user: it broke \"again\"\n}{"))
            .set("analysis.sentiment", Some("negative"))
            .set("bot.name", Some("Support"))
            .set("call.external_call_id", None);
        values
    }

    #[test]
    fn names_render_through_objects_and_arrays() {
        let template = json!({
            "subject": "{{bot.name}}: {{ analysis.sentiment }} call",
            "body": {"text": "{{call.summary}}", "tags": ["{{analysis.sentiment}}", 3, true, null]},
            "id": "{{call.external_call_id}}",
            "unknown": "[{{nope.nothing}}]",
            "{{bot.name}}": "keys stay",
            "open": "a {{ b",
            "count": 7
        });
        assert_eq!(
            render(&template, &values()),
            json!({
                "subject": "Support: negative call",
                "body": {"text": "Wants a refund", "tags": ["negative", 3, true, null]},
                "id": "",
                "unknown": "[]",
                "{{bot.name}}": "keys stay",
                "open": "a {{ b",
                "count": 7
            })
        );
    }

    #[test]
    fn values_are_escaped_not_spliced() {
        let rendered = render(&json!({"t": "{{call.transcript}}"}), &values());
        let text = serde_json::to_string(&rendered).unwrap();
        assert_eq!(text, r#"{"t":"user: it broke \"again\"\n}{"}"#);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["t"], "user: it broke \"again\"\n}{");
    }
}
