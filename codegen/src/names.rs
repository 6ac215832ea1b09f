//! Turning spec names into Rust identifiers.

use std::collections::HashMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves. Usable as raw identifiers (`r#type`) except the few
/// in [`NOT_RAW`].
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Keep ASCII letters and digits; other ASCII separates words. Accented
/// Latin letters become their base letters (`größe` -> `groesse`); other
/// non-ASCII characters are dropped (identifiers stay plain ASCII).
fn ascii_words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_ascii() {
            out.push(' ');
        } else if let Some(plain) = transliterate(c) {
            out.push_str(plain);
        }
    }
    out
}

fn transliterate(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãå", "a"), ("ä", "ae"), ("æ", "ae"), ("ç", "c"), ("èéêë", "e"), ("ìíîï", "i"), ("ñ", "n"),
        ("òóôõø", "o"), ("ö", "oe"), ("ùúû", "u"), ("ü", "ue"), ("ýÿ", "y"), ("ß", "ss"),
        ("ÀÁÂÃÅ", "A"), ("Ä", "Ae"), ("Æ", "Ae"), ("Ç", "C"), ("ÈÉÊË", "E"), ("ÌÍÎÏ", "I"), ("Ñ", "N"),
        ("ÒÓÔÕØ", "O"), ("Ö", "Oe"), ("ÙÚÛ", "U"), ("Ü", "Ue"), ("Ý", "Y"),
    ];
    TABLE.iter().find(|(from, _)| from.contains(c)).map(|(_, to)| *to)
}

/// `session-id`, `sessionId` -> `session_id`; keywords become raw (`r#type`).
pub fn field_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = "field".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("_{name}");
    }
    escape_keyword(name)
}

/// A snake_case function name (no raw identifiers: they read badly in calls).
pub fn fn_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = "operation".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("op_{name}");
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `role mining-session` -> `RoleMiningSession`.
pub fn type_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Type".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("T{name}");
    }
    // `Self`, the one UpperCamelCase keyword, cannot be raw. No underscore
    // (`Self_`): type names are also prefixes of other names (`{builder}Body`)
    // and `Self_Body` is not UpperCamelCase (a `non_camel_case_types` warning).
    if KEYWORDS.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// Enum variant for a wire value: `IDENTITIES_OBTAINED` -> `IdentitiesObtained`.
pub fn variant_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = match raw {
            "" => "Empty".to_owned(),
            "-" => "Minus".to_owned(),
            "+" => "Plus".to_owned(),
            "*" => "Star".to_owned(),
            _ => "Value".to_owned(),
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    // `Self` cannot be raw, and `Self_` would become `Self_2` (not
    // UpperCamelCase) beside another `self`.
    if KEYWORDS.contains(&name.as_str()) {
        name.push_str("Value");
    }
    name
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Hands out names, adding `2`, `3`, ... when two spec names collide after
/// case conversion (`fooBar` and `foo_bar`).
#[derive(Debug, Default)]
pub struct NameSet {
    /// Each name handed out, with what it was handed to (`None`: reserved
    /// by the generator, or made up by it).
    taken: HashMap<String, Option<String>>,
}

/// Why [`NameSet::claim`] could not hand out the name asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clash {
    /// The generator reserved it (or made it up for something else).
    Reserved,
    /// Something from the spec has it: the owner given to `claim`.
    With(String),
}

impl NameSet {
    pub fn new() -> Self {
        NameSet::default()
    }

    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned(), None);
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains_key(name)
    }

    pub fn unique(&mut self, base: String) -> String {
        self.hand_out(base, None).0
    }

    /// [`Self::unique`] for something the spec names, remembered as `owner`
    /// (a description for messages); says whom the wanted name belongs to
    /// when it had to be changed, so the caller can warn.
    pub fn claim(&mut self, base: String, owner: &str) -> (String, Option<Clash>) {
        self.hand_out(base, Some(owner.to_owned()))
    }

    fn hand_out(&mut self, base: String, owner: Option<String>) -> (String, Option<Clash>) {
        let clash = match self.taken.get(&base) {
            None => {
                self.taken.insert(base.clone(), owner);
                return (base, None);
            }
            Some(None) => Clash::Reserved,
            Some(Some(other)) => Clash::With(other.clone()),
        };
        // A suffixed keyword is no longer a keyword: drop the `r#`.
        let stem = base.strip_prefix("r#").unwrap_or(&base).to_owned();
        let mut n = 2;
        loop {
            let candidate = format!("{stem}{n}");
            if !self.taken.contains_key(&candidate) {
                self.taken.insert(candidate.clone(), owner);
                return (candidate, Some(clash));
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(field_name("sessionId"), "session_id");
        assert_eq!(field_name("min-entitlement-popularity"), "min_entitlement_popularity");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("2fa"), "_2fa");
        assert_eq!(field_name("X-SailPoint-Experimental"), "x_sail_point_experimental");
        assert_eq!(field_name("größe"), "groesse");
        assert_eq!(type_name("Größe"), "Groesse");
        assert_eq!(field_name("名前"), "field");
    }

    #[test]
    fn types_and_variants() {
        assert_eq!(type_name("EntityCreatedByDTO"), "EntityCreatedByDto");
        assert_eq!(type_name("Role Mining Session"), "RoleMiningSession");
        assert_eq!(type_name("401"), "T401");
        assert_eq!(type_name("self"), "SelfType");
        assert_eq!(variant_name("IDENTITIES_OBTAINED"), "IdentitiesObtained");
        assert_eq!(variant_name("3.0"), "V30");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("self"), "SelfValue");
        assert_eq!(fn_name("getRoleMiningSessions"), "get_role_mining_sessions");
        assert_eq!(fn_name("match"), "match_");
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut names = NameSet::new();
        assert_eq!(names.unique("foo_bar".into()), "foo_bar");
        assert_eq!(names.unique("foo_bar".into()), "foo_bar2");
        assert_eq!(names.unique("r#type".into()), "r#type");
        assert_eq!(names.unique("r#type".into()), "type2");
    }

    #[test]
    fn claims_name_the_owner_they_collide_with() {
        let mut names = NameSet::new();
        names.reserve("new");
        assert_eq!(names.claim("FooBar".into(), "schema `foo_bar`"), ("FooBar".into(), None));
        let (name, clash) = names.claim("FooBar".into(), "schema `FooBar`");
        assert_eq!((name.as_str(), clash), ("FooBar2", Some(Clash::With("schema `foo_bar`".into()))));
        assert_eq!(names.claim("new".into(), "operation `new`"), ("new2".into(), Some(Clash::Reserved)));
        assert_eq!(names.claim("FooBar2".into(), "schema `FooBar2`").1, Some(Clash::With("schema `FooBar`".into())));
    }
}
