//! One side of a comparison: a spec loaded through the generator's own
//! pipeline (bundle, parse, resolve) into the IR, so `spec-diff` sees exactly
//! what `cargo xtask generate` would turn into Rust.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use sailpoint_codegen::{bundle, names};
use sailpoint_codegen::ir::{Api, Operation, TypeDef, TypeKind, TypeRef};
use sailpoint_codegen::Warning;

/// A resolved spec and indexes over it.
pub struct Side {
    pub api: Api,
    /// Type name -> index into `api.types`.
    by_name: HashMap<String, usize>,
    /// Identity (see [`Side::identity`]) -> indexes into `api.types`.
    by_spec_name: HashMap<String, Vec<usize>>,
    /// The types in scope: all of them, or with `--tag` those the kept
    /// operations reach.
    pub in_scope: BTreeSet<String>,
    /// Whether the document names schemas as components at all (a
    /// dereferenced document does not, so it cannot tell us about a type
    /// alias that every use inlines).
    pub has_components: bool,
}

impl Side {
    /// Load `path` (single- or multi-file; external `$ref`s may read inside
    /// `ref_root`, by default the spec's directory).
    pub fn load(path: &Path, ref_root: Option<&Path>, warnings: &mut Vec<Warning>) -> Result<Side, String> {
        let options = bundle::Options { ref_root: ref_root.map(Path::to_path_buf), ..Default::default() };
        let api = sailpoint_codegen::load_api_with(path, &options, warnings).map_err(|e| e.to_string())?;
        Ok(Side::new(api))
    }

    pub fn new(api: Api) -> Side {
        let by_name = api.types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
        let mut by_spec_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, t) in api.types.iter().enumerate() {
            if let Some(spec_name) = &t.spec_name {
                by_spec_name.entry(names::type_name(spec_name)).or_default().push(i);
            }
        }
        let in_scope = api.types.iter().map(|t| t.name.clone()).collect();
        let has_components = api.types.iter().any(|t| t.origin.starts_with("#/components/schemas/"));
        Side { api, by_name, by_spec_name, in_scope, has_components }
    }

    /// Keep only the operations tagged `tag`, and only the types they reach.
    pub fn retain_tag(&mut self, tag: &str, label: &str) -> Result<(), String> {
        self.api.operations.retain(|op| op.tags.iter().any(|t| t == tag));
        if self.api.operations.is_empty() {
            return Err(format!("{label}: no operation has the tag `{tag}`"));
        }
        self.in_scope = self.reachable();
        Ok(())
    }

    pub fn ty(&self, name: &str) -> Option<&TypeDef> {
        self.by_name.get(name).map(|&i| &self.api.types[i])
    }

    /// The types with this identity.
    pub fn named(&self, identity: &str) -> impl Iterator<Item = &TypeDef> {
        self.by_spec_name.get(identity).into_iter().flatten().map(|&i| &self.api.types[i])
    }

    /// What makes a type the same type in another document: the Rust name
    /// the spec's own name for it (component key or title) becomes, so
    /// `EntityCreatedByDTO` and a file named `entitycreatedbydto.yaml` are
    /// one type, as they are one Rust type. `None` for a type named after
    /// its position.
    pub fn identity(&self, name: &str) -> Option<String> {
        self.ty(name).and_then(|t| t.spec_name.as_deref()).map(names::type_name)
    }

    /// What a type alias stands for (`type Id = String` -> `String`); any
    /// other type as it is. Aliases are transparent to the compiler.
    pub fn see_through<'t>(&'t self, mut ty: &'t TypeRef) -> &'t TypeRef {
        for _ in 0..32 {
            match ty {
                TypeRef::Named(name) => match self.ty(name).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => ty = target,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// Every type the operations reach (parameters, bodies, responses,
    /// error bodies), following fields, variants and aliases.
    pub fn reachable(&self) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&TypeRef> = Vec::new();
        for op in &self.api.operations {
            stack.extend(operation_types(&self.api, op));
        }
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Named(name) => {
                    if !seen.insert(name.clone()) {
                        continue;
                    }
                    if let Some(def) = self.ty(name) {
                        stack.extend(type_children(def));
                    }
                }
                TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => stack.push(inner),
                TypeRef::Tuple(items) => stack.extend(items),
                _ => {}
            }
        }
        seen
    }
}

/// The type positions of one operation.
pub fn operation_types<'a>(api: &'a Api, op: &'a Operation) -> Vec<&'a TypeRef> {
    let mut out: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    out.extend(op.body.iter().map(|b| &b.ty));
    out.extend(op.success.iter().map(|r| &r.ty));
    out.push(&op.returns.ty);
    for e in op.errors.iter().chain(&op.default_error) {
        if let Some(b) = e.body.and_then(|b| api.error_bodies.get(b)) {
            out.push(&b.ty);
        }
    }
    out
}

/// The type positions inside a type definition.
pub fn type_children(def: &TypeDef) -> Vec<&TypeRef> {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).chain(&s.additional).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(t) => vec![t],
        TypeKind::StringEnum(_) => Vec::new(),
    }
}
