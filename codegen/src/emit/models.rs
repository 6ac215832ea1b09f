//! Named types -> `models.rs`: structs, string enums, unions, aliases.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{code_line, docs};
use super::operations::cfg_attr;
use super::rust_type::{ident, rust_type, Scope, TypeIndex};
use crate::ir::{Field, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Union};
use crate::tags::TagPlan;
use crate::text::code_span;

/// With a tag plan, each type compiles only under the features of the
/// operations that reach it.
pub fn models(types: &[TypeDef], index: &TypeIndex<'_>, plan: Option<&TagPlan>) -> TokenStream {
    let mut items = Vec::new();
    for def in types {
        let cfg = plan.and_then(|p| p.type_cfg(&def.name)).map(|f| cfg_attr(&f)).unwrap_or_default();
        items.push(type_def(def, index, &cfg));
    }
    quote! {
        #![allow(deprecated)]
        #(#items)*
    }
}

/// A type's items, each under `cfg` (empty, or the type's `#[cfg(...)]`).
fn type_def(def: &TypeDef, index: &TypeIndex<'_>, cfg: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let mut doc = docs(def.doc.as_deref(), &[format!("Generated from {}.", code_span(&def.origin))]);
    if def.deprecated {
        doc.extend(quote!(#[deprecated]));
    }
    let doc = quote!(#cfg #doc);
    match &def.kind {
        TypeKind::Struct(s) => structure(&name, doc, s, index, cfg),
        TypeKind::StringEnum(e) => string_enum(&name, doc, e, cfg),
        TypeKind::Union(u) => union(&name, doc, u, index, cfg),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, Scope::Models);
            quote! { #doc pub type #name = #ty; }
        }
    }
}

/// Prelude names are spelled out in full in `models.rs`, where a schema may
/// be called `Option` or `Box` and shadow them.
fn field_type(field: &Field) -> TokenStream {
    let inner = rust_type(&field.ty, Scope::Models);
    let inner = if field.boxed { quote!(::std::boxed::Box<#inner>) } else { inner };
    if field.is_optional() && !matches!(field.ty, TypeRef::Option(_)) {
        quote!(::std::option::Option<#inner>)
    } else {
        inner
    }
}

fn structure(name: &proc_macro2::Ident, doc: TokenStream, s: &Struct, index: &TypeIndex<'_>, cfg: &TokenStream) -> TokenStream {
    let all_default = s.fields.iter().all(|f| f.is_optional() || index.has_default(&f.ty) && !f.boxed);
    let eq = s.fields.iter().all(|f| index.is_eq(&f.ty, 0)) && s.additional.as_ref().is_none_or(|a| index.is_eq(a, 0));
    let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if eq {
        derives.push(quote!(Eq));
    }
    if all_default {
        derives.push(quote!(Default));
    }
    let fields = s.fields.iter().map(|f| {
        let rust = ident(&f.rust_name);
        let ty = field_type(f);
        let mut notes = Vec::new();
        if f.required && f.nullable {
            notes.push("Required, but may be `null`.".to_owned());
        }
        if let Some(default) = &f.default {
            notes.push(format!("Server default: {}.", code_span(default)));
        }
        if f.read_only {
            notes.push("Read-only: set by the server, ignored in requests.".to_owned());
        }
        if f.write_only {
            notes.push("Write-only: sent in requests, never returned.".to_owned());
        }
        let doc = if f.doc.is_none() && notes.is_empty() {
            let text = format!("The {} field.", code_span(&f.json_name));
            docs(Some(&text), &[])
        } else {
            docs(f.doc.as_deref(), &notes)
        };
        let deprecated = if f.deprecated { quote!(#[deprecated]) } else { quote!() };
        quote! { #doc #deprecated pub #rust: #ty, }
    });
    let additional = s.additional.as_ref().map(|ty| {
        let ty = rust_type(ty, Scope::Models);
        quote! {
            /// Properties beyond the declared ones.
            pub additional_properties: ::std::collections::HashMap<::std::string::String, #ty>,
        }
    });
    let serde = json_object(name, s);
    quote! {
        #doc
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #cfg
        #serde
    }
}

/// `Serialize` and `Deserialize` for a struct: a call of the runtime's
/// `json_object!` (see `runtime/object.rs`) listing each field's kind, Rust
/// name and JSON key, in declaration order.
fn json_object(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let kind = match (f.required, f.is_optional()) {
            (true, false) => quote!(required),
            (true, true) => quote!(nullable),
            (false, _) => quote!(optional),
        };
        let rust = ident(&f.rust_name);
        let json = Literal::string(&f.json_name);
        quote!(#kind #rust = #json)
    });
    let additional = s.additional.as_ref().map(|_| quote!(additional_properties));
    quote! {
        crate::runtime::json_object!(#name { #(#fields),* } #additional);
    }
}

fn string_enum(name: &proc_macro2::Ident, doc: TokenStream, e: &StringEnum, cfg: &TokenStream) -> TokenStream {
    let unknown = ident(&e.unknown_variant);
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = code_line("", &v.value, "");
        quote! { #doc #variant, }
    });
    let values = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = Literal::string(&v.value);
        quote!(#variant = #value)
    });
    // The impls come from the runtime's `wire_enum!` (`runtime/wire_enum.rs`).
    quote! {
        #doc
        ///
        /// Values the server adds later decode as the catch-all variant
        /// instead of failing.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value not known when this crate was generated, kept verbatim.
            #unknown(::std::string::String),
        }

        #cfg
        crate::runtime::wire_enum!(#name, #unknown { #(#values),* });
    }
}

fn union(name: &proc_macro2::Ident, doc: TokenStream, u: &Union, index: &TypeIndex<'_>, cfg: &TokenStream) -> TokenStream {
    if u.is_tagged() {
        return tagged_union(name, doc, u, cfg);
    }
    let eq = u.variants.iter().all(|v| index.is_eq(&v.ty, 0));
    let eq = if eq { quote!(Eq,) } else { quote!() };
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = rust_type(&v.ty, Scope::Models);
        let text = format!(" The value as {}.", v.rust_name);
        quote! { #[doc = #text] #variant(#ty), }
    });
    quote! {
        #doc
        ///
        /// Decoding tries the alternatives in order and keeps the first that fits.
        #[derive(Debug, Clone, PartialEq, #eq ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// A `oneOf` with a `discriminator`: the named property picks the variant,
/// so alternatives that look alike cannot be confused. A value the spec does
/// not know is kept as JSON rather than failing.
fn tagged_union(name: &proc_macro2::Ident, doc: TokenStream, u: &Union, cfg: &TokenStream) -> TokenStream {
    let tag = u.tag.as_deref().unwrap_or_default();
    let mut names = crate::names::NameSet::new();
    for v in &u.variants {
        names.reserve(&v.rust_name);
    }
    let unknown = ident(&names.unique("Unknown".to_owned()));
    // A tag value the spec gives two variants (the same `$ref` twice, or a
    // mapping onto another variant's name) selects the first: later arms
    // leave it out (an unreachable pattern is a warning), and an arm left
    // with no value goes.
    let mut seen = std::collections::HashSet::new();
    let selected: Vec<Vec<&str>> =
        u.variants.iter().map(|v| v.tag_values.iter().map(String::as_str).filter(|t| seen.insert(*t)).collect()).collect();
    let variants = u.variants.iter().zip(&selected).map(|(v, values)| {
        let variant = ident(&v.rust_name);
        let ty = rust_type(&v.ty, Scope::Models);
        let text = if values.is_empty() {
            format!(" Never selected by {}: the spec gives its values to an earlier variant.", code_span(tag))
        } else {
            let values: Vec<String> = values.iter().map(|t| code_span(t)).collect();
            format!(" {} is {}.", code_span(tag), values.join(" or "))
        };
        quote! { #[doc = #text] #variant(#ty), }
    });
    let arms = u.variants.iter().zip(&selected).filter(|(_, values)| !values.is_empty()).map(|(v, values)| {
        let variant = ident(&v.rust_name);
        let values = values.iter().map(|t| Literal::string(t));
        quote! {
            ::std::option::Option::Some(#(#values)|*) => ::serde_json::from_value(value).map(Self::#variant).map_err(::serde::de::Error::custom),
        }
    });
    let unknown_doc = format!(" A {} this crate does not know, kept as JSON.", code_span(tag));
    let selects_doc = format!(" The {} property selects the variant.", code_span(tag));
    quote! {
        #doc
        ///
        #[doc = #selects_doc]
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            #unknown(::serde_json::Value),
        }

        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::#unknown(value)),
                }
            }
        }
    }
}
