//! Replacing byte ranges of a file and nothing else, so a migrated file differs from its input
//! only in the values that changed.

use std::ops::Range;

/// Replace the bytes of `range` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// `text` with every edit made. Edits are applied in file order; an edit overlapping one before
/// it is dropped (two walks asking to change the same value agree on the new text).
pub fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        if e.range.start < at {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Inserts `text` at byte `at`.
pub fn insert(at: usize, text: String) -> Edit {
    Edit {
        range: at..at,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_edited_bytes_change() {
        let edits = vec![
            Edit {
                range: 6..11,
                text: "there".into(),
            },
            insert(0, ">".into()),
            Edit {
                range: 7..9,
                text: "no".into(),
            },
        ];
        assert_eq!(apply("hello world!", edits), ">hello there!");
        assert_eq!(apply("same", vec![]), "same");
    }
}
