//! Dashboards, alert rules and provisioning files as a tree whose scalars know where they sit
//! in the file, from JSON or YAML alike, so one walk plans the edits for both and an edit
//! replaces only the bytes of the value it changes.

use std::ops::Range;

use jsonc_parser::ast::Value as JsonAst;
use jsonc_parser::common::Ranged;
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};
use serde_json::Value;
use thiserror::Error;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// How a scalar is written, which decides how a new value is written in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A JSON literal (string, number, boolean or null).
    Json,
    /// A plain YAML scalar.
    Plain,
    /// A 'single-quoted' YAML scalar.
    SingleQuoted,
    /// A "double-quoted" YAML scalar.
    DoubleQuoted,
    /// A YAML block scalar (| or >): never edited.
    Block,
}

/// A scalar value and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The value as JSON (strings for YAML's quoted scalars; plain ones resolved as YAML 1.2's
    /// core schema does).
    pub value: Value,
    /// The bytes of the written token, quotes included.
    pub span: Range<usize>,
    /// How it is written.
    pub style: Style,
}

/// A parsed file: mappings keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    Scalar(Scalar),
}

/// A file that is not valid JSON or YAML.
#[derive(Debug, Error, PartialEq)]
pub enum SyntaxError {
    #[error("is not valid JSON: {0}")]
    Json(String),
    #[error("is not valid YAML: {0}")]
    Yaml(String),
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(Scalar {
                value: Value::String(s),
                ..
            }) => Some(s),
            _ => None,
        }
    }

    /// The string at `key`.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    /// The items of a sequence (none for anything else).
    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entries of a mapping (none for anything else).
    pub fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The scalar, when this is one.
    pub fn scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The node as plain JSON, for Stratus's query parsers.
    pub fn to_json(&self) -> Value {
        match self {
            Node::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Node::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Node::Scalar(s) => s.value.clone(),
        }
    }
}

/// Parses JSON (comments and trailing commas allowed, as Grafana's provisioning reader does).
pub fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    let parsed = parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
        .map_err(|e| SyntaxError::Json(e.to_string()))?;
    let value = parsed
        .value
        .ok_or_else(|| SyntaxError::Json("the file is empty".into()))?;
    Ok(from_json_ast(text, &value))
}

fn from_json_ast(text: &str, value: &JsonAst) -> Node {
    match value {
        JsonAst::Object(o) => Node::Map(
            o.properties
                .iter()
                .map(|p| (p.name.as_str().to_string(), from_json_ast(text, &p.value)))
                .collect(),
        ),
        JsonAst::Array(a) => Node::Seq(a.elements.iter().map(|e| from_json_ast(text, e)).collect()),
        other => {
            let range = other.range();
            let span = range.start..range.end;
            Node::Scalar(Scalar {
                // The literal's own text, read by serde_json (JSON5-only forms become null).
                value: serde_json::from_str(&text[span.clone()]).unwrap_or(Value::Null),
                span,
                style: Style::Json,
            })
        }
    }
}

/// Builds the tree from the YAML parser's events.
#[derive(Default)]
struct YamlBuilder {
    /// Open collections; a mapping's pending key waits beside it.
    stack: Vec<(Node, Option<String>)>,
    /// The document, once its root is closed.
    done: Option<Node>,
    /// What made the document unreadable (a mapping key that is a collection).
    error: Option<String>,
}

impl YamlBuilder {
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.done = self.done.take().or(Some(node)),
            Some((Node::Seq(items), _)) => items.push(node),
            Some((Node::Map(entries), key)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    *key = Some(match &node {
                        Node::Scalar(s) => match &s.value {
                            Value::String(text) => text.clone(),
                            other => other.to_string(),
                        },
                        _ => {
                            self.error = Some("a mapping key that is not a scalar".into());
                            String::new()
                        }
                    })
                }
            },
            Some((Node::Scalar(_), _)) => {}
        }
    }
}

/// A plain scalar's value under YAML 1.2's core schema.
fn plain_value(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => text
            .parse::<i64>()
            .map(Value::from)
            .ok()
            .or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
            })
            .unwrap_or_else(|| Value::String(text.to_string())),
    }
}

/// Where a YAML scalar token that starts at byte `start` ends.
/// Where a block scalar ends: after its last line that is indented as deep as its content
/// (blank lines inside it belong to it). `start` is its `|` or `>`, or its first content line.
fn block_end(text: &str, start: usize) -> usize {
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    let line_indent = indent(&text[line_start..]);
    // At the indicator, the content is deeper than the opening line; at the content, as deep
    // as its first line.
    let deep_enough = if text[start..].starts_with(['|', '>']) {
        line_indent + 1
    } else {
        line_indent
    };
    let mut end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let mut at = end;
    while at < text.len() {
        let next = text[at + 1..].find('\n').map_or(text.len(), |n| at + 1 + n);
        let line = &text[at + 1..next];
        if !line.trim().is_empty() {
            if indent(line) < deep_enough {
                break;
            }
            end = next;
        }
        at = next;
    }
    end
}

fn token_end(text: &str, start: usize, style: Style, value: &str) -> usize {
    let rest = &text[start..];
    match style {
        Style::DoubleQuoted => {
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => return start + i + 1,
                    _ => escaped = false,
                }
            }
            text.len()
        }
        Style::SingleQuoted => {
            let bytes = rest.as_bytes();
            let mut i = 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return start + i + 1;
                }
                i += 1;
            }
            text.len()
        }
        // A one-line plain scalar is its value as written; longer ones are not edited.
        _ if rest.starts_with(value) => start + value.len(),
        _ => start,
    }
}

struct Receiver<'a> {
    text: &'a str,
    /// Byte offset of each char, for the parser's char-counted markers.
    offsets: Vec<usize>,
    builder: YamlBuilder,
}

impl MarkedEventReceiver for Receiver<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let byte = |m: &Marker| {
            self.offsets
                .get(m.index())
                .copied()
                .unwrap_or(self.text.len())
        };
        match event {
            Event::MappingStart(..) => self.builder.stack.push((Node::Map(vec![]), None)),
            Event::SequenceStart(..) => self.builder.stack.push((Node::Seq(vec![]), None)),
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((node, _)) = self.builder.stack.pop() {
                    self.builder.push(node);
                }
            }
            Event::Scalar(value, style, _, _) => {
                let style = match style {
                    TScalarStyle::Plain => Style::Plain,
                    TScalarStyle::SingleQuoted => Style::SingleQuoted,
                    TScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    _ => Style::Block,
                };
                let start = byte(&mark);
                let end = if style == Style::Block {
                    block_end(self.text, start)
                } else {
                    token_end(self.text, start, style, &value)
                };
                let json = if style == Style::Plain {
                    plain_value(&value)
                } else {
                    Value::String(value)
                };
                self.builder.push(Node::Scalar(Scalar {
                    value: json,
                    span: start..end,
                    style,
                }));
            }
            Event::Alias(_) => self.builder.push(Node::Scalar(Scalar {
                value: Value::Null,
                span: 0..0,
                style: Style::Block,
            })),
            _ => {}
        }
    }
}

/// Parses the first document of a YAML file.
pub fn parse_yaml(text: &str) -> Result<Node, SyntaxError> {
    let mut offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    offsets.push(text.len());
    let mut receiver = Receiver {
        text,
        offsets,
        builder: YamlBuilder::default(),
    };
    Parser::new_from_str(text)
        .load(&mut receiver, false)
        .map_err(|e| SyntaxError::Yaml(e.to_string()))?;
    if let Some(e) = receiver.builder.error {
        return Err(SyntaxError::Yaml(e));
    }
    receiver
        .builder
        .done
        .ok_or_else(|| SyntaxError::Yaml("the file is empty".into()))
}

/// A new string written the way `old` was written, for the bytes of `old`'s token.
pub fn rewrite(old: &Scalar, new: &str) -> String {
    let json_quoted = || serde_json::to_string(new).unwrap_or_default();
    match old.style {
        Style::Json | Style::DoubleQuoted => json_quoted(),
        Style::SingleQuoted => format!("'{}'", new.replace('\'', "''")),
        Style::Plain
            if plain_value(new) == Value::String(new.to_string()) && is_plain_safe(new) =>
        {
            new.to_string()
        }
        Style::Plain | Style::Block => json_quoted(),
    }
}

/// Whether a string can be written as a plain YAML scalar without changing meaning.
fn is_plain_safe(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./ ()".contains(c))
        && !s.starts_with(['-', ' ', '.'])
        && !s.ends_with(' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_scalars_know_their_bytes() {
        let text = r#"{ "a": {"type": "cloudwatch"}, "n": 1.5, "e": "é" }"#;
        let tree = parse_json(text).unwrap();
        let t = tree
            .get("a")
            .unwrap()
            .get("type")
            .unwrap()
            .scalar()
            .unwrap();
        assert_eq!(&text[t.span.clone()], "\"cloudwatch\"");
        assert_eq!(
            tree.to_json(),
            json!({"a": {"type": "cloudwatch"}, "n": 1.5, "e": "é"})
        );
        assert!(parse_json("{").is_err());
    }

    #[test]
    fn yaml_scalars_know_their_bytes_in_every_style() {
        let text = "apiVersion: 1\ndatasources:\n  - name: CW é # comment\n    type: 'cloud''watch'\n    uid: \"a\\\"b\"\n    jsonData: {authType: keys, on: true}\n";
        let tree = parse_yaml(text).unwrap();
        let ds = &tree.get("datasources").unwrap().items()[0];
        let span = |k: &str| ds.get(k).unwrap().scalar().unwrap().span.clone();
        assert_eq!(&text[span("name")], "CW é");
        assert_eq!(&text[span("type")], "'cloud''watch'");
        assert_eq!(&text[span("uid")], "\"a\\\"b\"");
        assert_eq!(
            tree.to_json(),
            json!({"apiVersion": 1, "datasources": [{"name": "CW é", "type": "cloud'watch", "uid": "a\"b", "jsonData": {"authType": "keys", "on": true}}]})
        );
        assert!(parse_yaml("a: [").is_err());
    }

    #[test]
    fn a_new_value_is_written_in_the_old_style() {
        let s = |style| Scalar {
            value: Value::Null,
            span: 0..0,
            style,
        };
        assert_eq!(rewrite(&s(Style::Json), "x\"y"), r#""x\"y""#);
        assert_eq!(
            rewrite(&s(Style::Plain), "stratus-cloudwatch-datasource"),
            "stratus-cloudwatch-datasource"
        );
        assert_eq!(rewrite(&s(Style::Plain), "true"), "\"true\"");
        assert_eq!(rewrite(&s(Style::Plain), "a: b"), "\"a: b\"");
        assert_eq!(rewrite(&s(Style::SingleQuoted), "it's"), "'it''s'");
    }
}
