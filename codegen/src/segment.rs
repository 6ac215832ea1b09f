//! Splitting run-together file names into words: `roleminingsessionstate.yaml`
//! names the schema `RoleMiningSessionState`, not `Roleminingsessionstate`.
//!
//! The vocabulary is the spec itself (keys, operation ids, descriptions), so
//! the split follows the API's own words. Unigram segmentation: of all ways to
//! cut the name into known words, keep the likeliest.

use std::collections::HashMap;

use serde_json::Value;

#[derive(Debug, Default)]
pub struct Vocabulary {
    counts: HashMap<String, u32>,
    total: u32,
}

impl Vocabulary {
    /// Count every word in every key and string of `value`.
    pub fn add_document(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    self.add_text(key);
                    // File names in references are the run-together words we
                    // want to split: they must not count as words themselves.
                    if key != "$ref" {
                        self.add_document(child);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.add_document(item)),
            Value::String(text) => self.add_text(text),
            _ => {}
        }
    }

    /// Words of `text`, split at non-letters and at camelCase humps.
    fn add_text(&mut self, text: &str) {
        let mut word = String::new();
        let mut previous_lower = false;
        for c in text.chars().chain(std::iter::once(' ')) {
            let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && previous_lower);
            if boundary && !word.is_empty() {
                *self.counts.entry(std::mem::take(&mut word)).or_default() += 1;
                self.total += 1;
            }
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }

    /// The likeliest split of `name` into known words, if there is one.
    pub fn split(&self, name: &str) -> Option<Vec<String>> {
        let name = name.to_ascii_lowercase();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) || self.total == 0 {
            return None;
        }
        let total = f64::from(self.total);
        // best[i]: score and start of the last word of the best split of name[..i].
        let mut best: Vec<Option<(f64, usize)>> = vec![None; name.len() + 1];
        best[0] = Some((0.0, 0));
        // A span the spec never uses as a word is allowed, at a cost that
        // grows with its length: known words always win where they fit.
        let unknown = |len: usize| (0.5 / total).ln() - 2.2 * len as f64;
        let mut known_words = vec![0usize; name.len() + 1];
        for end in 1..=name.len() {
            for start in end.saturating_sub(24)..end {
                let Some((score, _)) = best[start] else { continue };
                let (word_score, known) = match self.counts.get(&name[start..end]) {
                    Some(&count) => ((f64::from(count) / total).ln(), 1),
                    None => (unknown(end - start), 0),
                };
                let candidate = score + word_score;
                if best[end].is_none_or(|(s, _)| candidate > s) {
                    best[end] = Some((candidate, start));
                    known_words[end] = known_words[start] + known;
                }
            }
        }
        if known_words[name.len()] == 0 {
            return None;
        }
        let mut words = Vec::new();
        let mut end = name.len();
        while end > 0 {
            let (_, start) = best[end]?;
            words.push(name[start..end].to_owned());
            end = start;
        }
        words.reverse();
        Some(words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_the_specs_own_words() {
        let mut vocab = Vocabulary::default();
        vocab.add_document(&serde_json::json!({
            "operationId": "getRoleMiningSessions",
            "description": "The state of a potential role export; the scope of a session.",
            "provisionState": "x",
        }));
        let split = |s: &str| vocab.split(s).map(|w| w.join(" "));
        assert_eq!(split("roleminingpotentialroleexportstate").as_deref(), Some("role mining potential role export state"));
        assert_eq!(split("roleminingsessionscope").as_deref(), Some("role mining session scope"));
        assert_eq!(split("zzzq"), None);
        assert_eq!(split("provisionstatezzz").as_deref(), Some("provision state zzz"));
    }
}
