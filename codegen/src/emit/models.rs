//! Named types -> `models.rs`: structs, string enums, unions, aliases.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{code_line, docs};
use super::rust_type::{ident, prelude, rust_type, Scope, TypeIndex};
use crate::ir::{Field, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Union};
use crate::tags::TagPlan;
use crate::text::code_span;

/// With a tag plan, each type compiles only under the features of the
/// operations that reach it.
pub fn models(types: &[TypeDef], index: &TypeIndex<'_>, plan: Option<&TagPlan>) -> Result<TokenStream, String> {
    let mut items = Vec::new();
    for def in types {
        let tokens = type_def(def, index);
        match plan.and_then(|p| p.type_cfg(&def.name)) {
            Some(features) => items.push(super::with_cfg(tokens, &features)?),
            None => items.push(tokens),
        }
    }
    Ok(quote! {
        #![allow(deprecated)]
        #(#items)*
    })
}

fn type_def(def: &TypeDef, index: &TypeIndex<'_>) -> TokenStream {
    let name = ident(&def.name);
    let mut doc = docs(def.doc.as_deref(), &[format!("Generated from {}.", code_span(&def.origin))]);
    if def.deprecated {
        doc.extend(quote!(#[deprecated]));
    }
    match &def.kind {
        TypeKind::Struct(s) => structure(&name, doc, s, index),
        TypeKind::StringEnum(e) => string_enum(&name, doc, e),
        TypeKind::Union(u) => union(&name, doc, u, index),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, Scope::Models);
            quote! { #doc pub type #name = #ty; }
        }
    }
}

fn field_type(field: &Field) -> TokenStream {
    let p = prelude(Scope::Models);
    let (boxed, option) = (p.boxed, p.option);
    let inner = rust_type(&field.ty, Scope::Models);
    let inner = if field.boxed { quote!(#boxed<#inner>) } else { inner };
    if field.is_optional() && !matches!(field.ty, TypeRef::Option(_)) {
        quote!(#option<#inner>)
    } else {
        inner
    }
}

fn structure(name: &proc_macro2::Ident, doc: TokenStream, s: &Struct, index: &TypeIndex<'_>) -> TokenStream {
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
        let mut serde_args = Vec::new();
        if f.rust_name.trim_start_matches("r#") != f.json_name {
            let json = &f.json_name;
            serde_args.push(quote!(rename = #json));
        }
        // (Decoding is `struct_deserialize`'s; these attributes serialize.)
        if !f.required && f.is_optional() {
            serde_args.push(quote!(skip_serializing_if = "::std::option::Option::is_none"));
        }
        let serde = if serde_args.is_empty() { quote!() } else { quote!(#[serde(#(#serde_args),*)]) };
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
        quote! { #doc #deprecated #serde pub #rust: #ty, }
    });
    let additional = s.additional.as_ref().map(|ty| {
        let ty = rust_type(ty, Scope::Models);
        quote! {
            /// Properties beyond the declared ones.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::HashMap<::std::string::String, #ty>,
        }
    });
    let deserialize = struct_deserialize(name, s);
    quote! {
        #doc
        #[derive(#(#derives),*, ::serde::Serialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #deserialize
    }
}

/// `Deserialize` for a struct, written out rather than derived: a JSON
/// object read key by key, unknown keys skipped (or collected into
/// `additional_properties`). It decodes what serde's derive (with the field
/// attributes above) decodes, but a derive also emits a field-identifier
/// type, a sequence visitor, and for `flatten` a buffered second pass; in a
/// crate of a whole API those made up most of `cargo check`'s time.
fn struct_deserialize(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let option = quote!(::std::option::Option);
    let expecting = format!("a JSON object ({name})");
    let slots: Vec<proc_macro2::Ident> = (0..s.fields.len()).map(|i| quote::format_ident!("__field{}", i)).collect();
    let mut declare = Vec::new();
    let mut arms = Vec::new();
    let mut build = Vec::new();
    for (f, slot) in s.fields.iter().zip(&slots) {
        let ty = field_type(f);
        let rust = ident(&f.rust_name);
        let json = Literal::string(&f.json_name);
        if f.is_optional() {
            // Absent and `null` are both `None`, as with serde's derive.
            declare.push(quote!(let mut #slot: #ty = #option::None;));
            arms.push(quote!(#json => #slot = map.next_value()?,));
            build.push(quote!(#rust: #slot,));
        } else {
            declare.push(quote!(let mut #slot: #option<#ty> = #option::None;));
            arms.push(quote!(#json => #slot = #option::Some(map.next_value()?),));
            build.push(quote! {
                #rust: match #slot {
                    #option::Some(value) => value,
                    #option::None => return ::std::result::Result::Err(<__A::Error as ::serde::de::Error>::missing_field(#json)),
                },
            });
        }
    }
    let (declare_additional, other, build_additional) = match &s.additional {
        Some(ty) => {
            let ty = rust_type(ty, Scope::Models);
            (
                quote!(let mut additional = ::std::collections::HashMap::<::std::string::String, #ty>::new();),
                quote!(other => { additional.insert(other.to_owned(), map.next_value()?); }),
                quote!(additional_properties: additional,),
            )
        }
        None => (quote!(), quote!(_ => { map.next_value::<::serde::de::IgnoredAny>()?; }), quote!()),
    };
    // A `match` needs at least one named arm to be worth writing.
    let read = if arms.is_empty() && s.additional.is_none() {
        quote! {
            while map.next_key::<::serde::de::IgnoredAny>()?.is_some() {
                map.next_value::<::serde::de::IgnoredAny>()?;
            }
        }
    } else {
        quote! {
            while let #option::Some(key) = map.next_key::<crate::runtime::FieldKey<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    #other
                }
            }
        }
    };
    // `__D`, `__A`, `__Visitor`: a spec may name its own types `D` or `A`.
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;

                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::std::result::Result<#name, __A::Error> {
                        #(#declare)*
                        #declare_additional
                        #read
                        ::std::result::Result::Ok(#name {
                            #(#build)*
                            #build_additional
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

fn string_enum(name: &proc_macro2::Ident, doc: TokenStream, e: &StringEnum) -> TokenStream {
    let unknown = ident(&e.unknown_variant);
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = code_line("", &v.value, "");
        quote! { #doc #variant, }
    });
    let to_str = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = Literal::string(&v.value);
        quote! { #name::#variant => #value, }
    });
    let from_str = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = Literal::string(&v.value);
        quote! { #value => #name::#variant, }
    });
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

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #name::#unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => #name::#unknown(other.to_owned()),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            // Not `Self::Err`: ambiguous beside a variant called `Err`.
            fn from_str(value: &str) -> ::std::result::Result<Self, ::std::convert::Infallible> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::deserialize_wire_enum(deserializer)
            }
        }

        impl crate::runtime::ParamValue for #name {
            fn to_param(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
        }
    }
}

fn union(name: &proc_macro2::Ident, doc: TokenStream, u: &Union, index: &TypeIndex<'_>) -> TokenStream {
    if u.is_tagged() {
        return tagged_union(name, doc, u);
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
fn tagged_union(name: &proc_macro2::Ident, doc: TokenStream, u: &Union) -> TokenStream {
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
