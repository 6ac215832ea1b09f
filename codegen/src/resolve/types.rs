//! Schemas -> Rust types. This is where a component schema becomes a struct,
//! a string enum, a union or an alias, and where inline schemas get names.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use super::integers::{integer_width, IntegerFit, Width};
use super::view::SchemaView;
use crate::bundle::Bundle;
use crate::error::{escape_token, Error, Warning};
use crate::ir::{EnumVariant, Field, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Union, UnionVariant};
use crate::names::{self, Clash, NameSet};

/// A schema position: a reference or an inline schema.
#[derive(Clone, Copy)]
pub enum SRef<'s> {
    Ref(&'s str),
    Item(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SRef<'s> {
    fn from(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SRef<'s> {
    fn from(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

/// Where a chain of component references ends.
pub struct Followed<'r, T> {
    /// The key of the first component in the chain.
    pub first_key: &'r str,
    /// The JSON pointer of the item the chain ends at.
    pub pointer: String,
    pub item: &'r T,
}

/// The Rust type of a schema use, and whether `null` is allowed there.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub ty: TypeRef,
    pub nullable: bool,
}

pub struct TypeResolver<'a> {
    spec: &'a OpenAPI,
    bundle: &'a Bundle,
    pub warnings: &'a mut Vec<Warning>,
    names: NameSet,
    /// Component schema key -> Rust type name.
    components: IndexMap<String, String>,
    defs: Vec<TypeDef>,
    /// Structurally identical inline schemas share one type.
    inline_cache: HashMap<String, String>,
}

const COMPONENT_PREFIX: &str = "#/components/schemas/";

impl<'a> TypeResolver<'a> {
    pub fn new(spec: &'a OpenAPI, bundle: &'a Bundle, warnings: &'a mut Vec<Warning>) -> Self {
        let mut names = NameSet::new();
        let mut components = IndexMap::new();
        let mut renamed = Vec::new();
        if let Some(c) = &spec.components {
            for key in c.schemas.keys() {
                let wanted = names::type_name(key);
                let (name, clash) = names.claim(wanted.clone(), &format!("schema `{key}`"));
                if let Some(clash) = clash {
                    let pointer = format!("/components/schemas/{}", escape_token(key));
                    renamed.push((pointer, clash_message(&format!("schema `{key}`"), &wanted, &clash, &name)));
                }
                components.insert(key.clone(), name);
            }
        }
        let mut resolver =
            TypeResolver { spec, bundle, warnings, names, components, defs: Vec::new(), inline_cache: HashMap::new() };
        for (pointer, message) in renamed {
            resolver.warn(&pointer, message);
        }
        resolver
    }

    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let location = self.bundle.locate(pointer);
        self.warnings.push(Warning { location, message: message.into() });
    }

    /// `file#pointer` for a pointer into the bundled document, for messages
    /// that mention a second place.
    pub fn locate(&self, pointer: &str) -> String {
        self.bundle.locate(pointer).to_string()
    }

    pub fn error(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::at(self.bundle.locate(pointer), message)
    }

    /// Define a type for every component schema, in spec order.
    pub fn resolve_components(&mut self) -> Result<(), Error> {
        let Some(components) = &self.spec.components else { return Ok(()) };
        for (key, schema) in &components.schemas {
            let name = self.components[key].clone();
            let pointer = format!("/components/schemas/{}", escape_token(key));
            let kind = match schema {
                ReferenceOr::Reference { reference } => {
                    TypeKind::Alias(self.resolve(SRef::Ref(reference), &name, &pointer)?.ty)
                }
                ReferenceOr::Item(schema) => self.define_kind(&name, schema, &pointer)?,
            };
            let (doc, deprecated, constraints) = match schema {
                ReferenceOr::Item(s) => (doc_of(s), s.schema_data.deprecated, super::constraints::of(s)),
                ReferenceOr::Reference { .. } => (None, false, Vec::new()),
            };
            let spec_name = Some(key.clone());
            self.defs.push(TypeDef { name, origin: format!("#{pointer}"), spec_name, constraints, doc, deprecated, kind });
        }
        Ok(())
    }

    /// Look up `#/components/schemas/X`, following component-to-component
    /// references (a chain that loops is an error naming the chain, not a
    /// hang). Returns the first component's key (the name the reference
    /// uses) and the schema the chain ends at.
    pub fn component(&self, reference: &str, pointer: &str) -> Result<(&'a str, &'a Schema), Error> {
        let spec: &'a OpenAPI = self.spec;
        let schemas = spec.components.as_ref().map(|c| &c.schemas);
        let target = self.follow("schemas", schemas, reference, pointer)?;
        Ok((target.first_key, target.item))
    }

    /// Follow `#/components/{section}/...` references until an item. A chain
    /// of references is fine; one that comes back on itself is a `$ref`
    /// cycle, reported with the whole chain. `pointer` is where `reference`
    /// was found.
    pub fn follow<'r, T>(
        &self,
        section: &str,
        items: Option<&'r IndexMap<String, ReferenceOr<T>>>,
        reference: &str,
        pointer: &str,
    ) -> Result<Followed<'r, T>, Error> {
        let prefix = format!("#/components/{section}/");
        let ref_pointer = format!("{pointer}/$ref");
        let what = match section {
            "requestBodies" => "request body",
            other => other.strip_suffix('s').unwrap_or(other),
        };
        let mut chain: Vec<&str> = Vec::new();
        let mut first_key: Option<&'r str> = None;
        let mut current = reference;
        loop {
            if let Some(start) = chain.iter().position(|r| *r == current) {
                chain.push(current);
                let cycle = chain[start..].join(" -> ");
                let message = if start == 0 {
                    format!("`$ref` cycle: {cycle}")
                } else {
                    format!("`$ref` {reference} leads into a `$ref` cycle: {cycle}")
                };
                return Err(self.error(&ref_pointer, message));
            }
            chain.push(current);
            let key = current.strip_prefix(&prefix).ok_or_else(|| {
                self.error(&ref_pointer, format!("unsupported `$ref` target {current}: only {prefix}... can name a {what} here"))
            })?;
            if key.contains('/') {
                // The bundler resolves pointers into components; one that is
                // still here was not read as a reference to a {what}.
                return Err(self.error(
                    &ref_pointer,
                    format!("unsupported `$ref` target {current}: it points inside a component, where no {what} is"),
                ));
            }
            let key = key.replace("~1", "/").replace("~0", "~");
            let (key, item) = items
                .and_then(|m| m.get_key_value(key.as_str()))
                .ok_or_else(|| self.error(&ref_pointer, format!("dangling `$ref`: {current} does not exist")))?;
            let first = *first_key.get_or_insert(key.as_str());
            match item {
                ReferenceOr::Item(item) => {
                    let pointer = format!("/components/{section}/{}", escape_token(key));
                    return Ok(Followed { first_key: first, pointer, item });
                }
                ReferenceOr::Reference { reference: next } => current = next,
            }
        }
    }

    /// The Rust type for a schema position. `hint` names any type that has to
    /// be created for an inline schema.
    pub fn resolve(&mut self, schema: SRef<'_>, hint: &str, pointer: &str) -> Result<Resolved, Error> {
        match schema {
            SRef::Ref(reference) => {
                let (key, target) = self.component(reference, pointer)?;
                let name = self.components[key].clone();
                Ok(Resolved { ty: TypeRef::Named(name), nullable: self.is_nullable(SRef::Item(target), 0) })
            }
            SRef::Item(schema) => self.inline(schema, hint, pointer),
        }
    }

    /// Does this schema admit `null`?
    fn is_nullable(&self, schema: SRef<'_>, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let schema = match schema {
            SRef::Ref(r) => match self.component(r, "") {
                Ok((_, s)) => s,
                Err(_) => return false,
            },
            SRef::Item(s) => s,
        };
        let view = SchemaView::new(schema);
        schema.schema_data.nullable
            || view.enum_has_null()
            || view.typ.as_deref() == Some("null")
            || view.all_of.iter().any(|m| {
                let m = SRef::from(m);
                matches!(m, SRef::Item(s) if SchemaView::new(s).is_annotation_only() && s.schema_data.nullable)
            })
            || view.one_of.iter().chain(view.any_of).any(|m| self.is_nullable(m.into(), depth + 1))
    }

    fn inline(&mut self, schema: &Schema, hint: &str, pointer: &str) -> Result<Resolved, Error> {
        let view = SchemaView::new(schema);
        let nullable = self.is_nullable(SRef::Item(schema), 0);
        let ty = self.inline_type(schema, &view, hint, pointer)?;
        Ok(Resolved { ty, nullable })
    }

    fn inline_type(&mut self, schema: &Schema, view: &SchemaView<'_>, hint: &str, pointer: &str) -> Result<TypeRef, Error> {
        if view.has_not {
            self.warn(pointer, "`not` is not supported; the value is typed as any JSON");
            return Ok(TypeRef::Json);
        }
        if let Some(tuple) = self.tuple_type(schema, hint, pointer)? {
            return Ok(tuple);
        }
        if !view.all_of.is_empty() {
            if let Some(single) = self.single_substantive(view.all_of) {
                let ptr = format!("{pointer}/allOf/{}", single);
                return Ok(self.resolve(SRef::from(&view.all_of[single]), hint, &ptr)?.ty);
            }
            return self.define_inline(schema, hint, pointer);
        }
        let alternatives = if view.one_of.is_empty() { view.any_of } else { view.one_of };
        if !alternatives.is_empty() {
            let keyword = if view.one_of.is_empty() { "anyOf" } else { "oneOf" };
            let real: Vec<usize> = (0..alternatives.len()).filter(|&i| !self.is_null_only(SRef::from(&alternatives[i]))).collect();
            if real.len() == 1 {
                let ptr = format!("{pointer}/{keyword}/{}", real[0]);
                return Ok(self.resolve(SRef::from(&alternatives[real[0]]), hint, &ptr)?.ty);
            }
            return self.define_inline(schema, hint, pointer);
        }
        match view.typ.as_deref() {
            Some("string") => {
                let values = view.non_null_enum();
                if !values.is_empty() && values.iter().all(|v| v.is_string()) {
                    return self.define_inline(schema, hint, pointer);
                }
                if !values.is_empty() {
                    self.warn(pointer, "a string enum with values that are not strings; read as a plain string");
                }
                Ok(match view.format.as_deref() {
                    Some("date-time") => TypeRef::DateTime,
                    Some("date") => TypeRef::Date,
                    Some("binary") => TypeRef::Bytes,
                    _ => TypeRef::String,
                })
            }
            Some("integer") => Ok(self.integer_type(view, pointer)),
            Some("number") => Ok(match view.format.as_deref() {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            Some("boolean") => Ok(TypeRef::Bool),
            Some("array") => self.array_type(view, hint, pointer),
            Some("object") | None if view.is_object_like() => {
                if view.items.is_some() {
                    self.warn(pointer, "`items` on a schema of type object is ignored");
                }
                if view.properties.is_some_and(|p| !p.is_empty()) {
                    return self.define_inline(schema, hint, pointer);
                }
                match view.additional_properties {
                    Some(AdditionalProperties::Schema(inner)) => {
                        let ptr = format!("{pointer}/additionalProperties");
                        let value = self.resolve(SRef::from(inner.as_ref()), &format!("{hint}Value"), &ptr)?;
                        Ok(TypeRef::Map(Box::new(option_if(value))))
                    }
                    _ => Ok(TypeRef::JsonObject),
                }
            }
            None if view.items.is_some() => self.array_type(view, hint, pointer),
            None if !view.non_null_enum().is_empty() => {
                if view.non_null_enum().iter().all(|v| v.is_string()) {
                    self.define_inline(schema, hint, pointer)
                } else {
                    Ok(TypeRef::Json)
                }
            }
            None => Ok(TypeRef::Json),
            Some("null") => Ok(TypeRef::Json),
            Some(other) => {
                let (ty, note) = match other {
                    "date-time" | "datetime" => (TypeRef::DateTime, "a string with format date-time"),
                    "date" => (TypeRef::Date, "a string with format date"),
                    "file" => (TypeRef::Bytes, "binary data"),
                    "int" | "long" => (TypeRef::I64, "an integer"),
                    "float" | "double" => (TypeRef::F64, "a number"),
                    "bool" => (TypeRef::Bool, "a boolean"),
                    _ => (TypeRef::Json, "any JSON value"),
                };
                self.warn(pointer, format!("unknown type `{other}`; read as {note}"));
                Ok(ty)
            }
        }
    }

    /// An integer schema's type: what its `format` says (`i32` without one),
    /// widened to hold every `enum` value and `minimum`/`maximum` bound: an
    /// enum of 3000000000 is not an `i32`. `u64` only for values beyond
    /// `i64::MAX` (with no negative ones); beyond both, `f64` with a warning.
    fn integer_type(&mut self, view: &SchemaView<'_>, pointer: &str) -> TypeRef {
        let fit = IntegerFit::of(view);
        if let Some(culprit) = fit.culprit.filter(|_| fit.width > fit.declared) {
            let rust = fit.width.rust_name();
            if fit.width == Width::Beyond {
                let values = match fit.negative {
                    Some(low) => format!("values {low} and {culprit} together fit"),
                    None => format!("value {culprit} fits"),
                };
                self.warn(pointer, format!("integer {values} neither i64 nor u64; typed as {rust}, which holds large values only approximately"));
            } else if let Some(format) = view.format.as_deref().filter(|f| matches!(*f, "int32" | "int64")) {
                self.warn(pointer, format!("integer value {culprit} does not fit format {format}; typed as {rust}"));
            }
        }
        fit.width.type_ref()
    }

    fn array_type(&mut self, view: &SchemaView<'_>, hint: &str, pointer: &str) -> Result<TypeRef, Error> {
        match view.items {
            Some(items) => {
                let ptr = format!("{pointer}/items");
                let item = self.resolve(SRef::from(items), &format!("{hint}Item"), &ptr)?;
                Ok(TypeRef::Vec(Box::new(option_if(item))))
            }
            None => {
                self.warn(pointer, "array without `items`; items are typed as any JSON");
                Ok(TypeRef::Vec(Box::new(TypeRef::Json)))
            }
        }
    }

    /// An OpenAPI 3.1 `prefixItems` tuple, which [`crate::openapi31`] passes
    /// through `openapiv3` as an extension: one Rust tuple item per entry.
    fn tuple_type(&mut self, schema: &Schema, hint: &str, pointer: &str) -> Result<Option<TypeRef>, Error> {
        let Some(entries) = schema.schema_data.extensions.get(crate::openapi31::PREFIX_ITEMS) else { return Ok(None) };
        let ptr = format!("{pointer}/prefixItems");
        let entries: Vec<ReferenceOr<Schema>> = serde_json::from_value(entries.clone())
            .map_err(|e| self.error(&ptr, format!("invalid `prefixItems`: {e}")))?;
        let mut items = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            let item = self.resolve(SRef::from(entry), &format!("{hint}Item{}", i + 1), &format!("{ptr}/{i}"))?;
            items.push(option_if(item));
        }
        Ok(Some(TypeRef::Tuple(items)))
    }

    /// `{nullable: true}` or `{type: "null"}` alternatives only add `null`.
    fn is_null_only(&self, schema: SRef<'_>) -> bool {
        match schema {
            SRef::Ref(_) => false,
            SRef::Item(s) => {
                let view = SchemaView::new(s);
                view.typ.as_deref() == Some("null")
                    || (view.is_annotation_only() && s.schema_data.nullable)
                    || (view.typ.is_none() && view.enumeration.iter().all(Value::is_null) && !view.enumeration.is_empty())
            }
        }
    }

    /// In `allOf`, the index of the only member with substance, if exactly
    /// one has it (the rest only annotate: description, nullable, ...).
    fn single_substantive(&self, members: &[ReferenceOr<Schema>]) -> Option<usize> {
        let substantive: Vec<usize> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| match SRef::from(*m) {
                SRef::Ref(_) => true,
                SRef::Item(s) => !SchemaView::new(s).is_annotation_only(),
            })
            .map(|(i, _)| i)
            .collect();
        (substantive.len() == 1).then(|| substantive[0])
    }

    /// Create (or reuse) a named type for an inline schema.
    fn define_inline(&mut self, schema: &Schema, hint: &str, pointer: &str) -> Result<TypeRef, Error> {
        // A `$ref` deep into this schema hoisted it as a component: the
        // schema where it is written is that type too.
        if let Some(name) = self.bundle.hoisted_at(pointer).and_then(|key| self.components.get(key)) {
            return Ok(TypeRef::Named(name.clone()));
        }
        let key = structural_key(schema);
        if let Some(name) = self.inline_cache.get(&key) {
            return Ok(TypeRef::Named(name.clone()));
        }
        let base = schema
            .schema_data
            .title
            .as_deref()
            .map(names::type_name)
            .filter(|t| !self.names.contains(t) && t.len() > 2)
            .unwrap_or_else(|| hint.to_owned());
        let name = self.names.unique(base);
        self.inline_cache.insert(key, name.clone());
        let kind = self.define_kind(&name, schema, pointer)?;
        self.defs.push(TypeDef {
            name: name.clone(),
            origin: format!("#{pointer}"),
            spec_name: schema.schema_data.title.clone().filter(|t| !t.trim().is_empty()),
            constraints: super::constraints::of(schema),
            doc: doc_of(schema),
            deprecated: schema.schema_data.deprecated,
            kind,
        });
        Ok(TypeRef::Named(name))
    }

    /// What a named schema becomes.
    fn define_kind(&mut self, name: &str, schema: &Schema, pointer: &str) -> Result<TypeKind, Error> {
        let view = SchemaView::new(schema);
        if !view.all_of.is_empty() && self.single_substantive(view.all_of).is_none() {
            return self.merged_struct(name, &view, pointer);
        }
        let alternatives = if view.one_of.is_empty() { view.any_of } else { view.one_of };
        let keyword = if view.one_of.is_empty() { "anyOf" } else { "oneOf" };
        let real: Vec<usize> =
            (0..alternatives.len()).filter(|&i| !self.is_null_only(SRef::from(&alternatives[i]))).collect();
        if real.len() > 1 {
            return self.union(name, schema, alternatives, &real, keyword, pointer);
        }
        let strings: Vec<&Value> = view.non_null_enum();
        let is_string_enum = !strings.is_empty()
            && matches!(view.typ.as_deref(), Some("string") | None)
            && strings.iter().all(|v| v.is_string());
        if is_string_enum && view.all_of.is_empty() && alternatives.is_empty() {
            return Ok(TypeKind::StringEnum(string_enum(&strings)));
        }
        if view.all_of.is_empty() && alternatives.is_empty() && view.properties.is_some_and(|p| !p.is_empty()) {
            if view.typ.as_deref().is_some_and(|t| t != "object") {
                self.warn(pointer, format!("`properties` on a schema of type {}; read as an object", view.typ.as_deref().unwrap_or("")));
            }
            let required: Vec<String> = view.required.to_vec();
            let mut props: Vec<(String, SRef<'_>, String)> = Vec::new();
            for (prop, s) in view.properties.into_iter().flatten() {
                props.push((prop.clone(), s.into(), format!("{pointer}/properties/{}", escape_token(prop))));
            }
            let additional = self.additional(name, &view, pointer)?;
            return self.build_struct(name, props, &required, additional);
        }
        Ok(TypeKind::Alias(self.inline_type(schema, &view, name, pointer)?))
    }

    fn additional(&mut self, name: &str, view: &SchemaView<'_>, pointer: &str) -> Result<Option<TypeRef>, Error> {
        match view.additional_properties {
            Some(AdditionalProperties::Schema(inner)) => {
                let ptr = format!("{pointer}/additionalProperties");
                let value = self.resolve(SRef::from(inner.as_ref()), &format!("{name}Value"), &ptr)?;
                Ok(Some(option_if(value)))
            }
            _ => Ok(None),
        }
    }

    fn build_struct(
        &mut self,
        name: &str,
        props: Vec<(String, SRef<'_>, String)>,
        required: &[String],
        additional: Option<TypeRef>,
    ) -> Result<TypeKind, Error> {
        let mut field_names = NameSet::new();
        if additional.is_some() {
            field_names.reserve("additional_properties");
        }
        let mut fields = Vec::with_capacity(props.len());
        for (prop, schema, ptr) in props {
            // The property's own words, without the `T` that `type_name` puts
            // before a leading digit (`1st` -> `T1st`) since here they follow
            // `name`. Only that `T`: `type` stays `Type`.
            let word = names::type_name(&prop);
            let word = match word.strip_prefix('T') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_owned(),
                _ => word,
            };
            let hint = format!("{name}{word}");
            let hint = if hint == name { format!("{name}Value") } else { hint };
            let resolved = self.resolve(schema, &hint, &ptr)?;
            let inline = match schema {
                SRef::Item(s) => Some(s),
                SRef::Ref(_) => None,
            };
            let data = inline.map(|s| &s.schema_data);
            if let Some(s) = inline {
                self.check_default(s, &ptr);
            }
            let wanted = names::field_name(&prop);
            let what = format!("property `{prop}`");
            let (rust_name, clash) = field_names.claim(wanted.clone(), &what);
            if let Some(clash) = clash {
                self.warn(&ptr, clash_message(&what, &wanted, &clash, &rust_name));
            }
            fields.push(Field {
                rust_name,
                json_name: prop.clone(),
                ty: resolved.ty,
                required: required.contains(&prop),
                nullable: resolved.nullable,
                doc: inline.and_then(doc_of),
                deprecated: data.is_some_and(|d| d.deprecated),
                read_only: data.is_some_and(|d| d.read_only),
                write_only: data.is_some_and(|d| d.write_only),
                default: data.and_then(|d| d.default.as_ref()).map(Value::to_string),
                boxed: false,
                constraints: inline.map(super::constraints::of).unwrap_or_default(),
            });
        }
        Ok(TypeKind::Struct(Struct { fields, additional }))
    }

    /// `allOf` with several object members: one struct with all properties.
    fn merged_struct(&mut self, name: &str, view: &SchemaView<'_>, pointer: &str) -> Result<TypeKind, Error> {
        let mut props: IndexMap<String, (SRef<'_>, String)> = IndexMap::new();
        let mut required = Vec::new();
        let mut additional = None;
        let mut stack: Vec<(SRef<'_>, String, usize)> =
            view.all_of.iter().enumerate().rev().map(|(i, m)| (SRef::from(m), format!("{pointer}/allOf/{i}"), 0)).collect();
        while let Some((member, ptr, depth)) = stack.pop() {
            if depth > 32 {
                return Err(self.error(&ptr, "`allOf` nests too deeply (cycle?)"));
            }
            let (schema, ptr) = match member {
                SRef::Ref(r) => {
                    let (key, s) = self.component(r, &ptr)?;
                    (s, format!("/components/schemas/{}", escape_token(key)))
                }
                SRef::Item(s) => (s, ptr),
            };
            let member_view = SchemaView::new(schema);
            for (i, m) in member_view.all_of.iter().enumerate().rev() {
                stack.push((SRef::from(m), format!("{ptr}/allOf/{i}"), depth + 1));
            }
            if member_view.is_annotation_only() || !member_view.all_of.is_empty() && member_view.properties.is_none() {
                continue;
            }
            if !member_view.is_object_like() {
                self.warn(&ptr, "`allOf` member is not an object; its constraints are not merged");
                continue;
            }
            for (prop, s) in member_view.properties.into_iter().flatten() {
                props.insert(prop.clone(), (s.into(), format!("{ptr}/properties/{}", escape_token(prop))));
            }
            required.extend(member_view.required.iter().cloned());
            if additional.is_none() {
                additional = self.additional(name, &member_view, &ptr)?;
            }
        }
        let props = props.into_iter().map(|(k, (s, p))| (k, s, p)).collect();
        self.build_struct(name, props, &required, additional)
    }

    fn union(
        &mut self,
        name: &str,
        schema: &Schema,
        alternatives: &[ReferenceOr<Schema>],
        real: &[usize],
        keyword: &str,
        pointer: &str,
    ) -> Result<TypeKind, Error> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variant_names = NameSet::new();
        let mut variants = Vec::new();
        for &i in real {
            let member = SRef::from(&alternatives[i]);
            let ptr = format!("{pointer}/{keyword}/{i}");
            let title = match member {
                SRef::Item(s) => s.schema_data.title.clone(),
                SRef::Ref(_) => None,
            };
            let hint = format!("{name}{}", title.as_deref().map(names::type_name).unwrap_or_else(|| format!("Variant{}", i + 1)));
            let resolved = self.resolve(member, &hint, &ptr)?;
            let label = match (&title, &resolved.ty) {
                (Some(t), _) => names::variant_name(t),
                (None, ty) => variant_label(ty),
            };
            let mut tag_values = Vec::new();
            if let (Some(d), SRef::Ref(r)) = (discriminator, member) {
                tag_values.extend(d.mapping.iter().filter(|(_, target)| target.as_str() == r).map(|(k, _)| k.clone()));
                if tag_values.is_empty() {
                    if let Some(key) = r.strip_prefix(COMPONENT_PREFIX) {
                        tag_values.push(key.to_owned());
                    }
                }
            }
            variants.push(UnionVariant { rust_name: variant_names.unique(label), ty: resolved.ty, tag_values });
        }
        Ok(TypeKind::Union(Union { variants, tag: discriminator.map(|d| d.property_name.clone()) }))
    }

    /// A default only documents what the server does (and, on a required
    /// header, is the value sent). One that the schema itself rules out (the
    /// wrong type, out of range, not among the `enum` values) is a flaw in
    /// the spec: a warning, and the default is still documented as written.
    /// A string schema whose default is a boolean is seen upstream.
    pub fn check_default(&mut self, schema: &Schema, pointer: &str) {
        let Some(default) = &schema.schema_data.default else { return };
        if default.is_null() {
            return;
        }
        let view = SchemaView::new(schema);
        if let Some(problem) = default_problem(&view, default) {
            self.warn(pointer, format!("default {default} {problem}"));
        }
    }

    /// Finish: box recursive fields and return every type, sorted by name.
    pub fn finish(mut self) -> Vec<TypeDef> {
        self.break_alias_cycles();
        let mut defs = self.defs;
        break_cycles(&mut defs);
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        defs
    }
}

impl TypeResolver<'_> {
    /// `type A = B; type B = A;` has no meaning (a schema that only refers to
    /// itself): such an alias becomes any JSON value.
    fn break_alias_cycles(&mut self) {
        let aliases: HashMap<String, String> = self
            .defs
            .iter()
            .filter_map(|d| match &d.kind {
                TypeKind::Alias(TypeRef::Named(target)) => Some((d.name.clone(), target.clone())),
                _ => None,
            })
            .collect();
        let mut cyclic = Vec::new();
        for start in aliases.keys() {
            let mut current = start;
            for _ in 0..=aliases.len() {
                match aliases.get(current) {
                    Some(next) if next == start => {
                        cyclic.push(start.clone());
                        break;
                    }
                    Some(next) => current = next,
                    None => break,
                }
            }
        }
        cyclic.sort();
        for name in cyclic {
            if let Some(def) = self.defs.iter_mut().find(|d| d.name == name) {
                def.kind = TypeKind::Alias(TypeRef::Json);
                let origin = def.origin.trim_start_matches('#').to_owned();
                self.warn(&origin, "the schema only refers to itself; typed as any JSON value");
            }
        }
    }
}

/// The warning for a spec name whose Rust name was taken: `what` wanted
/// `wanted`, got `got` instead.
pub fn clash_message(what: &str, wanted: &str, clash: &Clash, got: &str) -> String {
    let taken = match clash {
        Clash::With(other) => format!("{other} already is"),
        Clash::Reserved => "the generated code uses itself".to_owned(),
    };
    format!("{what} would be `{wanted}` in Rust, which {taken}; named `{got}` instead")
}

/// What is wrong with a (non-null) default, judged by its own schema.
fn default_problem(view: &SchemaView<'_>, default: &Value) -> Option<String> {
    let typ = view.typ.as_deref();
    let wrong_type = match typ {
        Some("string") if !default.is_string() => {
            return Some(format!("is not a string but the schema type is string; read as \"{}\"", plain(default)))
        }
        Some("integer") if integer_width(default).is_none() => Some("an integer"),
        Some("number") if !default.is_number() => Some("a number"),
        Some("boolean") if !default.is_boolean() => Some("a boolean"),
        Some("array") if !default.is_array() => Some("an array"),
        Some("object") if !default.is_object() => Some("an object"),
        _ => None,
    };
    if let Some(expected) = wrong_type {
        return Some(format!("is not {expected} but the schema type is {}", typ.unwrap_or_default()));
    }
    if typ == Some("integer") {
        let fit = IntegerFit::of(view);
        if !fit.holds(default) {
            return Some(format!("does not fit the type {}", fit.width.rust_name()));
        }
    }
    if matches!(typ, Some("integer" | "number")) {
        let n = default.as_f64()?;
        if let Some(max) = view.maximum.as_ref().and_then(Value::as_f64) {
            if n > max || (view.exclusive_maximum && n == max) {
                let relation = if view.exclusive_maximum { "is not below the exclusive" } else { "is above the" };
                return Some(format!("{relation} maximum {}", view.maximum.as_ref()?));
            }
        }
        if let Some(min) = view.minimum.as_ref().and_then(Value::as_f64) {
            if n < min || (view.exclusive_minimum && n == min) {
                let relation = if view.exclusive_minimum { "is not above the exclusive" } else { "is below the" };
                return Some(format!("{relation} minimum {}", view.minimum.as_ref()?));
            }
        }
    }
    let values = view.non_null_enum();
    let same = |v: &&Value| *v == default || matches!((v.as_f64(), default.as_f64()), (Some(a), Some(b)) if a == b);
    if !values.is_empty() && !values.iter().any(same) {
        return Some("is not one of the `enum` values".to_owned());
    }
    None
}


/// Render a JSON scalar without quotes.
pub fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn option_if(resolved: Resolved) -> TypeRef {
    if resolved.nullable {
        TypeRef::Option(Box::new(resolved.ty))
    } else {
        resolved.ty
    }
}

fn doc_of(schema: &Schema) -> Option<String> {
    schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone()).filter(|d| !d.trim().is_empty())
}

/// Identity of an inline schema for de-duplication. Prose does not make two
/// shapes different, so descriptions, titles and examples are left out.
fn structural_key(schema: &Schema) -> String {
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    strip_prose(&mut value);
    if let Some(title) = &schema.schema_data.title {
        // A title names the type: keep it so differently titled types stay apart.
        return format!("{title}\u{0}{value}");
    }
    value.to_string()
}

fn strip_prose(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in ["description", "title", "example", "examples", "externalDocs"] {
                map.remove(key);
            }
            map.retain(|k, _| !k.starts_with("x-") || k == crate::openapi31::PREFIX_ITEMS);
            map.values_mut().for_each(strip_prose);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_prose),
        _ => {}
    }
}

fn string_enum(values: &[&Value]) -> StringEnum {
    let mut names = NameSet::new();
    let mut variants = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for v in values {
        let value = v.as_str().unwrap_or_default().to_owned();
        if !seen.insert(value.clone()) {
            continue;
        }
        variants.push(EnumVariant { rust_name: names.unique(names::variant_name(&value)), value });
    }
    let unknown_variant = names.unique("Unknown".to_owned());
    StringEnum { variants, unknown_variant }
}

fn variant_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Boolean".into(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::JsonObject | TypeRef::Map(_) => "Object".into(),
        TypeRef::Vec(_) => "Array".into(),
        TypeRef::Tuple(_) => "Tuple".into(),
        TypeRef::Option(inner) => variant_label(inner),
        TypeRef::Unit => "Null".into(),
    }
}

/// A struct that contains itself by value (directly or through other
/// structs, options or unions) has infinite size: box the field that closes
/// the cycle. Vec and maps already add indirection.
fn break_cycles(defs: &mut [TypeDef]) {
    let index: HashMap<String, usize> = defs.iter().enumerate().map(|(i, d)| (d.name.clone(), i)).collect();
    // Named types held by value: through options and tuples.
    fn direct(ty: &TypeRef) -> Vec<&str> {
        match ty {
            TypeRef::Named(n) => vec![n],
            TypeRef::Option(inner) => direct(inner),
            TypeRef::Tuple(items) => items.iter().flat_map(direct).collect(),
            _ => Vec::new(),
        }
    }
    fn edges(def: &TypeDef) -> Vec<String> {
        match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().filter(|f| !f.boxed).flat_map(|f| direct(&f.ty)).map(str::to_owned).collect(),
            TypeKind::Union(u) => u.variants.iter().flat_map(|v| direct(&v.ty)).map(str::to_owned).collect(),
            TypeKind::Alias(t) => direct(t).into_iter().map(str::to_owned).collect(),
            TypeKind::StringEnum(_) => Vec::new(),
        }
    }
    fn reaches(defs: &[TypeDef], index: &HashMap<String, usize>, from: &str, target: &str, seen: &mut Vec<String>) -> bool {
        if from == target {
            return true;
        }
        if seen.iter().any(|s| s == from) {
            return false;
        }
        seen.push(from.to_owned());
        let Some(&i) = index.get(from) else { return false };
        edges(&defs[i]).iter().any(|next| reaches(defs, index, next, target, seen))
    }
    for i in 0..defs.len() {
        let name = defs[i].name.clone();
        let field_count = match &defs[i].kind {
            TypeKind::Struct(s) => s.fields.len(),
            _ => 0,
        };
        for f in 0..field_count {
            let targets: Vec<String> = match &defs[i].kind {
                TypeKind::Struct(s) => direct(&s.fields[f].ty).into_iter().map(str::to_owned).collect(),
                _ => Vec::new(),
            };
            for target in targets {
                if reaches(defs, &index, &target, &name, &mut Vec::new()) {
                    if let TypeKind::Struct(s) = &mut defs[i].kind {
                        s.fields[f].boxed = true;
                    }
                }
            }
        }
    }
}
