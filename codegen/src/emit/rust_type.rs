//! [`TypeRef`] -> Rust type tokens, and facts about named types the
//! operation emitter needs (is this a scalar usable in a query string?).

use std::collections::HashMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// An identifier, raw (`r#type`) when needed.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Where the code being emitted sits relative to the models module.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Inside `models.rs`.
    Models,
    /// In the API module (`mod.rs`).
    Api,
    /// Inside `builders.rs`.
    Builders,
}

/// Named types by name, to answer questions about them.
pub struct TypeIndex<'a> {
    defs: HashMap<&'a str, &'a TypeDef>,
}

impl<'a> TypeIndex<'a> {
    pub fn new(defs: &'a [TypeDef]) -> Self {
        TypeIndex { defs: defs.iter().map(|d| (d.name.as_str(), d)).collect() }
    }

    /// Usable as a path segment, query value or header: a primitive, a
    /// string enum, or an alias of one.
    pub fn is_scalar(&self, ty: &TypeRef) -> bool {
        self.is_scalar_within(ty, 0)
    }

    fn is_scalar_within(&self, ty: &TypeRef, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match ty {
            TypeRef::String
            | TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::DateTime
            | TypeRef::Date => true,
            TypeRef::Named(name) => match self.defs.get(name.as_str()).map(|d| &d.kind) {
                Some(TypeKind::StringEnum(_)) => true,
                Some(TypeKind::Alias(inner)) => self.is_scalar_within(inner, depth + 1),
                _ => false,
            },
            _ => false,
        }
    }

    /// Does this type implement `Default` (so a struct containing it can)?
    pub fn has_default(&self, ty: &TypeRef) -> bool {
        self.has_default_within(ty, 0)
    }

    fn has_default_within(&self, ty: &TypeRef, depth: usize) -> bool {
        // A type that needs itself to be defaulted (required recursion) has no
        // default; the depth bound also stops us walking such a cycle forever.
        if depth > 32 {
            return false;
        }
        match ty {
            TypeRef::Named(name) => match self.defs.get(name.as_str()).map(|d| &d.kind) {
                Some(TypeKind::Struct(s)) => {
                    s.fields.iter().all(|f| f.is_optional() || self.has_default_within(&f.ty, depth + 1))
                }
                Some(TypeKind::Alias(inner)) => self.has_default_within(inner, depth + 1),
                _ => false,
            },
            TypeRef::DateTime | TypeRef::Date => false,
            TypeRef::Tuple(items) => items.iter().all(|t| self.has_default_within(t, depth + 1)),
            _ => true,
        }
    }

    /// Is `PartialEq` + `Eq` derivable (no floats inside)?
    pub fn is_eq(&self, ty: &TypeRef, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match ty {
            TypeRef::F32 | TypeRef::F64 | TypeRef::Json | TypeRef::JsonObject => false,
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => self.is_eq(inner, depth + 1),
            TypeRef::Tuple(items) => items.iter().all(|t| self.is_eq(t, depth + 1)),
            TypeRef::Named(name) => match self.defs.get(name.as_str()).map(|d| &d.kind) {
                Some(TypeKind::Struct(s)) => {
                    s.fields.iter().all(|f| self.is_eq(&f.ty, depth + 1))
                        && s.additional.as_ref().is_none_or(|a| self.is_eq(a, depth + 1))
                }
                // A discriminated union keeps an unknown tag's value as
                // `serde_json::Value`, which is not `Eq`.
                Some(TypeKind::Union(u)) => !u.is_tagged() && u.variants.iter().all(|v| self.is_eq(&v.ty, depth + 1)),
                Some(TypeKind::Alias(inner)) => self.is_eq(inner, depth + 1),
                Some(TypeKind::StringEnum(_)) => true,
                None => false,
            },
            _ => true,
        }
    }
}

/// Rust tokens for a type used in `scope`.
pub fn rust_type(ty: &TypeRef, scope: Scope) -> TokenStream {
    // Prelude names are spelled out in full inside `models.rs`, where a
    // schema may be called `Option`, `Vec` or `String` and shadow them.
    let models = scope == Scope::Models;
    let string = || if models { quote!(::std::string::String) } else { quote!(String) };
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Models => quote!(#name),
                Scope::Api => quote!(models::#name),
                Scope::Builders => quote!(super::models::#name),
            }
        }
        TypeRef::String => string(),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        // Inside JSON documents binary data can only travel as a string.
        TypeRef::Bytes if models => string(),
        TypeRef::Bytes => quote!(::bytes::Bytes),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::JsonObject => {
            let string = string();
            quote!(::serde_json::Map<#string, ::serde_json::Value>)
        }
        TypeRef::Vec(inner) => {
            let inner = rust_type(inner, scope);
            if models {
                quote!(::std::vec::Vec<#inner>)
            } else {
                quote!(Vec<#inner>)
            }
        }
        TypeRef::Tuple(items) => {
            // `(A,)` for one item: a tuple, not a parenthesised type.
            let items = items.iter().map(|t| rust_type(t, scope));
            quote!((#(#items,)*))
        }
        TypeRef::Map(inner) => {
            let (string, inner) = (string(), rust_type(inner, scope));
            quote!(::std::collections::HashMap<#string, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = rust_type(inner, scope);
            if models {
                quote!(::std::option::Option<#inner>)
            } else {
                quote!(Option<#inner>)
            }
        }
        TypeRef::Unit => quote!(()),
    }
}
