//! SailPoint's collection parameters: `filters` (`name sw "Fin" and saved eq
//! true`, `type in ("SPECIALIZED","COMMON")`), `sorters` (`-createdDate,name`),
//! `offset`, `limit` and `count`. Filters and sorters are applied to the
//! JSON of each item, through a per-collection list of the fields that may
//! be named (anything else is a 400, as upstream).

use std::cmp::Ordering;

use serde_json::Value;

/// What a collection lets callers filter and sort on: query name and the
/// dotted path in the item's JSON.
pub(crate) struct Fields {
    pub filters: &'static [(&'static str, &'static str)],
    pub sorters: &'static [(&'static str, &'static str)],
}

/// The parsed collection parameters of one request.
pub(crate) struct Query {
    filter: Option<Expr>,
    sorters: Vec<(String, bool)>,
    offset: usize,
    limit: usize,
    count: bool,
}

/// A page of a collection and, when asked for, the total.
pub(crate) struct Paged<T> {
    pub items: Vec<T>,
    pub total: Option<usize>,
}

/// The largest `limit` SailPoint accepts.
const MAX_LIMIT: usize = 250;

impl Query {
    /// Read `filters`, `sorters`, `offset`, `limit` and `count` from the
    /// query pairs, checking field names against `fields`.
    pub fn parse(pairs: &[(String, String)], fields: &Fields) -> Result<Query, String> {
        let get = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let filter = match get("filters").filter(|f| !f.trim().is_empty()) {
            Some(text) => {
                let mut expr = Parser::new(text)?.parse()?;
                expr.check(fields)?;
                resolve(&mut expr, fields);
                Some(expr)
            }
            None => None,
        };
        let mut sorters = Vec::new();
        for part in get("sorters").unwrap_or("").split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, descending) = match part.strip_prefix('-') {
                Some(name) => (name, true),
                None => (part.strip_prefix('+').unwrap_or(part), false),
            };
            let path = lookup_field(fields.sorters, name).ok_or_else(|| {
                let known: Vec<&str> = fields.sorters.iter().map(|(n, _)| *n).collect();
                format!("sorting by `{name}` is not supported; supported: {}", none_if_empty(&known))
            })?;
            sorters.push((path.to_owned(), descending));
        }
        let number = |name: &str, default: usize| -> Result<usize, String> {
            match get(name) {
                None => Ok(default),
                Some(v) => v.trim().parse::<usize>().map_err(|_| format!("{name} must be a non-negative integer, not {v:?}")),
            }
        };
        let offset = number("offset", 0)?;
        let limit = number("limit", MAX_LIMIT)?;
        if limit > MAX_LIMIT {
            return Err(format!("limit must be at most {MAX_LIMIT}, not {limit}"));
        }
        let count = match get("count") {
            None => false,
            Some(v) => v.parse::<bool>().map_err(|_| format!("count must be true or false, not {v:?}"))?,
        };
        Ok(Query { filter, sorters, offset, limit, count })
    }

    /// Filter, sort (stable, over the collection's own order) and page
    /// `items`, each judged by its JSON.
    pub fn apply<T>(&self, items: Vec<(Value, T)>) -> Paged<T> {
        let mut kept: Vec<(Value, T)> =
            items.into_iter().filter(|(json, _)| self.filter.as_ref().is_none_or(|f| f.eval(json))).collect();
        if !self.sorters.is_empty() {
            kept.sort_by(|(a, _), (b, _)| {
                self.sorters
                    .iter()
                    .map(|(path, descending)| {
                        let order = compare_values(get_path(a, path), get_path(b, path));
                        if *descending {
                            order.reverse()
                        } else {
                            order
                        }
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
        }
        let total = kept.len();
        let items = kept.into_iter().skip(self.offset).take(self.limit).map(|(_, item)| item).collect();
        Paged { items, total: self.count.then_some(total) }
    }
}

fn none_if_empty(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn lookup_field<'a>(fields: &'a [(&'static str, &'static str)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, path)| *path)
}

/// The value at a dotted path, `None` where it is missing.
fn get_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key)).filter(|v| !v.is_null())
}

/// Missing sorts first; numbers by value; strings that are both RFC 3339
/// times by time, else case-insensitively.
fn compare_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => compare_present(a, b).unwrap_or(Ordering::Equal),
    }
}

fn compare_present(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::String(x), Value::String(y)) => {
            match (chrono::DateTime::parse_from_rfc3339(x), chrono::DateTime::parse_from_rfc3339(y)) {
                (Ok(x), Ok(y)) => Some(x.cmp(&y)),
                _ => Some(x.to_lowercase().cmp(&y.to_lowercase())),
            }
        }
        // A number or boolean compared with its text form (`saved eq "true"`).
        (Value::String(x), other) => compare_present(&coerce(x, other)?, other),
        (other, Value::String(y)) => compare_present(other, &coerce(y, other)?),
        _ => None,
    }
}

fn coerce(text: &str, like: &Value) -> Option<Value> {
    match like {
        Value::Number(_) => text.trim().parse::<f64>().ok().and_then(|n| serde_json::Number::from_f64(n).map(Value::Number)),
        Value::Bool(_) => text.trim().parse::<bool>().ok().map(Value::Bool),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Sw,
    Co,
    In,
    Gt,
    Ge,
    Lt,
    Le,
    Pr,
    IsNull,
}

#[derive(Debug)]
enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare { field: String, path: String, op: Op, values: Vec<Value> },
}

impl Expr {
    /// Resolve field names to paths; unknown fields are an error.
    fn check(&self, fields: &Fields) -> Result<(), String> {
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.check(fields)?;
                b.check(fields)
            }
            Expr::Not(e) => e.check(fields),
            Expr::Compare { field, .. } => lookup_field(fields.filters, field).map(|_| ()).ok_or_else(|| {
                let known: Vec<&str> = fields.filters.iter().map(|(n, _)| *n).collect();
                format!("filtering on `{field}` is not supported; supported: {}", none_if_empty(&known))
            }),
        }
    }

    fn eval(&self, item: &Value) -> bool {
        match self {
            Expr::And(a, b) => a.eval(item) && b.eval(item),
            Expr::Or(a, b) => a.eval(item) || b.eval(item),
            Expr::Not(e) => !e.eval(item),
            Expr::Compare { path, op, values, .. } => {
                let actual = get_path(item, path);
                let first = values.first().unwrap_or(&Value::Null);
                let text = |v: &Value| match v {
                    Value::String(s) => s.to_lowercase(),
                    other => other.to_string().to_lowercase(),
                };
                match op {
                    Op::Pr => actual.is_some(),
                    Op::IsNull => actual.is_none(),
                    Op::Eq => equal(actual, first),
                    Op::Ne => !equal(actual, first),
                    Op::In => values.iter().any(|v| equal(actual, v)),
                    Op::Sw => actual.is_some_and(|a| text(a).starts_with(&text(first))),
                    Op::Co => actual.is_some_and(|a| text(a).contains(&text(first))),
                    Op::Gt | Op::Ge | Op::Lt | Op::Le => {
                        let Some(order) = actual.and_then(|a| compare_present(a, first)) else { return false };
                        match op {
                            Op::Gt => order.is_gt(),
                            Op::Ge => order.is_ge(),
                            Op::Lt => order.is_lt(),
                            _ => order.is_le(),
                        }
                    }
                }
            }
        }
    }
}

fn equal(actual: Option<&Value>, expected: &Value) -> bool {
    match (actual, expected) {
        (None, Value::Null) => true,
        (None, _) | (Some(_), Value::Null) => false,
        (Some(a), e) => compare_present(a, e) == Some(Ordering::Equal) && same_kind_or_text(a, e),
    }
}

/// Strings are equal only exactly (case-sensitively), not through the
/// case-insensitive ordering.
fn same_kind_or_text(a: &Value, e: &Value) -> bool {
    match (a, e) {
        (Value::String(x), Value::String(y)) => match (chrono::DateTime::parse_from_rfc3339(x), chrono::DateTime::parse_from_rfc3339(y)) {
            (Ok(_), Ok(_)) => true,
            _ => x == y,
        },
        _ => true,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    Comma,
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn new(text: &str) -> Result<Parser, String> {
        let mut tokens = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(&c) = chars.peek() {
            match c {
                c if c.is_whitespace() => {
                    chars.next();
                }
                '(' | ')' | ',' => {
                    chars.next();
                    tokens.push(match c {
                        '(' => Token::Open,
                        ')' => Token::Close,
                        _ => Token::Comma,
                    });
                }
                '"' => {
                    chars.next();
                    let mut s = String::new();
                    loop {
                        match chars.next() {
                            Some('\\') => s.extend(chars.next()),
                            Some('"') => break,
                            Some(c) => s.push(c),
                            None => return Err("invalid filter: unterminated string".into()),
                        }
                    }
                    tokens.push(Token::Text(s));
                }
                _ => {
                    let mut word = String::new();
                    while let Some(&c) = chars.peek() {
                        if c.is_whitespace() || matches!(c, '(' | ')' | ',' | '"') {
                            break;
                        }
                        word.push(c);
                        chars.next();
                    }
                    tokens.push(Token::Word(word));
                }
            }
        }
        Ok(Parser { tokens, at: 0 })
    }

    fn parse(mut self) -> Result<Expr, String> {
        let expr = self.or()?;
        match self.tokens.get(self.at) {
            None => Ok(expr),
            Some(t) => Err(format!("invalid filter: unexpected {} after a complete expression", describe(t))),
        }
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.keyword("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.keyword("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    other => Err(format!("invalid filter: expected `)`, found {}", other.as_ref().map_or("the end".into(), describe))),
                }
            }
            Some(Token::Word(field)) => {
                let op = match self.next() {
                    Some(Token::Word(op)) => match op.to_ascii_lowercase().as_str() {
                        "eq" => Op::Eq,
                        "ne" => Op::Ne,
                        "sw" => Op::Sw,
                        "co" => Op::Co,
                        "in" => Op::In,
                        "gt" => Op::Gt,
                        "ge" => Op::Ge,
                        "lt" => Op::Lt,
                        "le" => Op::Le,
                        "pr" => Op::Pr,
                        "isnull" => Op::IsNull,
                        _ => return Err(format!("invalid filter: unknown operator `{op}` after `{field}`")),
                    },
                    other => {
                        return Err(format!("invalid filter: expected an operator after `{field}`, found {}", other.as_ref().map_or("the end".into(), describe)))
                    }
                };
                let values = match op {
                    Op::Pr | Op::IsNull => Vec::new(),
                    Op::In => self.list()?,
                    _ => vec![self.value()?],
                };
                Ok(Expr::Compare { path: String::new(), field, op, values })
            }
            other => Err(format!("invalid filter: expected a field, found {}", other.as_ref().map_or("the end".into(), describe))),
        }
    }

    fn list(&mut self) -> Result<Vec<Value>, String> {
        if self.next() != Some(Token::Open) {
            return Err("invalid filter: `in` takes a list such as (\"a\",\"b\")".into());
        }
        let mut values = vec![self.value()?];
        loop {
            match self.next() {
                Some(Token::Comma) => values.push(self.value()?),
                Some(Token::Close) => return Ok(values),
                other => return Err(format!("invalid filter: expected `,` or `)`, found {}", other.as_ref().map_or("the end".into(), describe))),
            }
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        match self.next() {
            Some(Token::Text(s)) => Ok(Value::String(s)),
            Some(Token::Word(w)) => Ok(match w.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                _ => match w.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => match w.parse::<f64>() {
                        Ok(f) => Value::from(f),
                        Err(_) => return Err(format!("invalid filter: `{w}` is not a value; quote strings")),
                    },
                },
            }),
            other => Err(format!("invalid filter: expected a value, found {}", other.as_ref().map_or("the end".into(), describe))),
        }
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => format!("`{w}`"),
        Token::Text(t) => format!("\"{t}\""),
        Token::Open => "`(`".into(),
        Token::Close => "`)`".into(),
        Token::Comma => "`,`".into(),
    }
}

/// Resolve each comparison's field to its JSON path (after `check`).
fn resolve(expr: &mut Expr, fields: &Fields) {
    match expr {
        Expr::And(a, b) | Expr::Or(a, b) => {
            resolve(a, fields);
            resolve(b, fields);
        }
        Expr::Not(e) => resolve(e, fields),
        Expr::Compare { field, path, .. } => *path = lookup_field(fields.filters, field).unwrap_or(field).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: Fields = Fields {
        filters: &[("name", "name"), ("saved", "saved"), ("quality", "quality"), ("createdByName", "createdBy.displayName")],
        sorters: &[("name", "name"), ("quality", "quality")],
    };

    fn query(pairs: &[(&str, &str)]) -> Result<Query, String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Query::parse(&pairs, &FIELDS)
    }

    fn items() -> Vec<(Value, usize)> {
        let rows = [
            json!({"name": "Finance", "saved": true, "quality": 80, "createdBy": {"displayName": "Ann"}}),
            json!({"name": "Engineering", "saved": false, "quality": 60}),
            json!({"name": "Field sales", "saved": true, "quality": 70}),
        ];
        rows.into_iter().enumerate().map(|(i, v)| (v, i)).collect()
    }

    fn run(pairs: &[(&str, &str)]) -> Vec<usize> {
        query(pairs).unwrap().apply(items()).items
    }

    #[test]
    fn filters_sort_and_page() {
        assert_eq!(run(&[("filters", r#"name sw "F""#)]), [0, 2]);
        assert_eq!(run(&[("filters", r#"name sw "f" and saved eq "true""#)]), [0, 2]);
        assert_eq!(run(&[("filters", r#"name in ("Engineering","Finance")"#)]), [0, 1]);
        assert_eq!(run(&[("filters", "quality ge 70 and not saved eq false")]), [0, 2]);
        assert_eq!(run(&[("filters", r#"(name eq "Finance" or quality lt 65) and saved eq true"#)]), [0]);
        assert_eq!(run(&[("filters", "createdByName pr")]), [0]);
        assert_eq!(run(&[("sorters", "-quality")]), [0, 2, 1]);
        assert_eq!(run(&[("sorters", "name"), ("offset", "1"), ("limit", "1")]), [2]); // Engineering, Field sales, Finance
        let paged = query(&[("count", "true"), ("limit", "2")]).unwrap().apply(items());
        assert_eq!((paged.items.len(), paged.total), (2, Some(3)));
    }

    #[test]
    fn bad_parameters_are_named() {
        for (pairs, needle) in [
            (vec![("filters", "owner eq \"x\"")], "`owner` is not supported"),
            (vec![("filters", "name eq")], "expected a value"),
            (vec![("filters", "name like \"x\"")], "unknown operator"),
            (vec![("sorters", "-owner")], "sorting by `owner`"),
            (vec![("limit", "251")], "at most 250"),
            (vec![("offset", "-1")], "non-negative"),
            (vec![("count", "yes")], "true or false"),
        ] {
            let error = query(&pairs).err().unwrap_or_default();
            assert!(error.contains(needle), "{pairs:?}: {error}");
        }
    }
}
