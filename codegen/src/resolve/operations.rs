//! Paths and operations -> [`Operation`]s: parameters, request bodies and
//! responses, with their types resolved through [`TypeResolver`].

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{
    MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, RequestBody,
    Response as OaResponse, StatusCode,
};

use super::types::{clash_message, plain, Resolved, SRef, TypeResolver};
use super::view::SchemaView;
use crate::error::{escape_token, Error};
use crate::ir::{
    BodyKind, ErrorBodyVariant, ErrorResponse, Operation, Param, ParamLocation, ParamStyle, RequestBody as IrBody, Response,
    ResponseKind, TypeRef,
};
use crate::names::{self, NameSet};

pub struct Operations {
    pub operations: Vec<Operation>,
    pub error_bodies: Vec<ErrorBodyVariant>,
}

pub fn resolve_operations(types: &mut TypeResolver<'_>, spec: &OpenAPI) -> Result<Operations, Error> {
    let mut method_names = NameSet::new();
    // Inherent methods of the generated client: operations must not shadow them.
    for reserved in ["new", "from_env", "from_runtime", "runtime", "base_path", "clone"] {
        method_names.reserve(reserved);
    }
    let mut builder_names = NameSet::new();
    // `builders.rs` names these prelude items unqualified: a builder struct
    // with one of their names would shadow it.
    for reserved in ["Result", "Option", "Box", "Send", "String", "Vec", "Into"] {
        builder_names.reserve(reserved);
    }
    let mut ctx = OpContext { spec, error_bodies: Vec::new(), error_index: HashMap::new(), headers_checked: HashSet::new() };
    let mut operations = Vec::new();
    // operationId -> the pointer of the operation that has it first.
    let mut operation_ids: HashMap<String, String> = HashMap::new();
    for (path, item) in spec.paths.iter() {
        let item_ptr = format!("/paths/{}", escape_token(path));
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                return Err(types.error(&item_ptr, format!("path item `$ref` {reference} is not supported")))
            }
        };
        let (template_vars, unclosed) = path_variables(path);
        if unclosed {
            types.warn(&item_ptr, format!("a `{{` in the path `{path}` is never closed; the rest of the path is sent as written"));
        }
        // Path-item parameters, each (name, location) once: a repeat is a
        // flaw (the last one wins). Checked here, once for all operations.
        let mut path_level = Vec::with_capacity(item.parameters.len());
        for (i, p) in item.parameters.iter().enumerate() {
            path_level.push(ctx.parameter(types, p, format!("{item_ptr}/parameters/{i}"))?);
        }
        warn_repeated_parameters(types, &path_level, &format!("{item_ptr}/parameters"));
        for (method, op) in item.iter() {
            let ptr = format!("{item_ptr}/{method}");
            let operation_id = match &op.operation_id {
                Some(id) if !id.trim().is_empty() => id.clone(),
                _ => {
                    let derived = names::fn_name(&format!("{method} {path}"));
                    types.warn(&ptr, format!("operation has no operationId; using `{derived}`"));
                    derived
                }
            };
            let repeated_id = operation_ids.get(&operation_id).cloned();
            if repeated_id.is_none() {
                operation_ids.insert(operation_id.clone(), ptr.clone());
            }
            let owner = format!("the method of operation `{operation_id}`");
            let wanted = names::fn_name(&operation_id);
            let (method_name, method_clash) = method_names.claim(wanted.clone(), &owner);
            let wanted_builder = names::type_name(&operation_id);
            let (builder_name, builder_clash) =
                builder_names.claim(wanted_builder.clone(), &format!("the request builder of operation `{operation_id}`"));
            if let Some(first) = &repeated_id {
                let first = types.locate(first);
                types.warn(
                    &ptr,
                    format!("operationId `{operation_id}` is not unique (also at {first}); this operation's method is named `{method_name}`"),
                );
            } else if let Some(clash) = &method_clash {
                types.warn(&ptr, clash_message(&owner, &wanted, clash, &method_name));
            } else if let Some(clash) = &builder_clash {
                let what = format!("the request builder of operation `{operation_id}`");
                types.warn(&ptr, clash_message(&what, &wanted_builder, clash, &builder_name));
            }
            let mut params = Vec::new();
            let mut param_names = NameSet::new();
            // The builder's own field and methods: an optional parameter's
            // setter must not shadow them (`stream` calls `self.clone()`).
            for reserved in ["client", "body", "send", "send_raw", "stream", "collect_all", "send_page", "clone"] {
                param_names.reserve(reserved);
            }
            // Path-item parameters apply unless the operation redefines them
            // (OpenAPI: same name and location), which it may do silently.
            let mut declared: IndexMap<(String, ParamLocation), (&Parameter, String)> = IndexMap::new();
            for (p, p_ptr) in &path_level {
                declared.insert((p.parameter_data_ref().name.clone(), location(p)), (*p, p_ptr.clone()));
            }
            let mut op_level = Vec::with_capacity(op.parameters.len());
            for (i, p) in op.parameters.iter().enumerate() {
                op_level.push(ctx.parameter(types, p, format!("{ptr}/parameters/{i}"))?);
            }
            warn_repeated_parameters(types, &op_level, &format!("{ptr}/parameters"));
            for (p, p_ptr) in op_level {
                declared.insert((p.parameter_data_ref().name.clone(), location(p)), (p, p_ptr));
            }
            for ((name, loc), (p, p_ptr)) in &declared {
                if *loc == ParamLocation::Path && !template_vars.contains(name) {
                    types.warn(p_ptr, format!("path parameter `{name}` does not appear in the path; it is ignored"));
                    continue;
                }
                if *loc == ParamLocation::Header
                    && ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
                {
                    types.warn(p_ptr, format!("header parameter `{name}` is managed by the client; it is ignored"));
                    continue;
                }
                params.push(param(types, p, *loc, &builder_name, &mut param_names, p_ptr)?);
            }
            for var in &template_vars {
                if !declared.contains_key(&(var.clone(), ParamLocation::Path)) {
                    types.warn(&ptr, format!("path parameter `{var}` is used in the path but not declared; typed as a string"));
                    let what = format!("path parameter `{var}`");
                    let wanted = names::field_name(var);
                    let (rust_name, clash) = param_names.claim(wanted.clone(), &what);
                    if let Some(clash) = clash {
                        types.warn(&ptr, clash_message(&what, &wanted, &clash, &rust_name));
                    }
                    params.push(Param {
                        name: var.clone(),
                        rust_name,
                        location: ParamLocation::Path,
                        ty: TypeRef::String,
                        required: true,
                        doc: None,
                        deprecated: false,
                        default: None,
                        maximum: None,
                        constant: None,
                        explode: false,
                        style: ParamStyle::Simple,
                        constraints: Vec::new(),
                    });
                }
            }
            // Path parameters in path order first: they are the leading arguments.
            params.sort_by_key(|p| match p.location {
                ParamLocation::Path => template_vars.iter().position(|v| *v == p.name).unwrap_or(0),
                _ => usize::MAX,
            });
            let body = match &op.request_body {
                Some(body) => ctx.request_body(types, body, &builder_name, &format!("{ptr}/requestBody"))?,
                None => None,
            };
            let (success, errors, default_error) = ctx.responses(types, op, &builder_name, &ptr)?;
            let returns = unify_success(types, &success, &ptr);
            let pagination = pagination(&params, &returns);
            operations.push(Operation {
                operation_id,
                method_name,
                builder_name,
                http_method: method.to_ascii_uppercase(),
                path: path.clone(),
                tags: op.tags.clone(),
                summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
                doc: op.description.clone().filter(|s| !s.trim().is_empty()),
                deprecated: op.deprecated,
                params,
                body,
                success,
                returns,
                errors,
                default_error,
                pagination,
            });
        }
    }
    Ok(Operations { operations, error_bodies: ctx.error_bodies })
}

/// Warn about a parameter list that declares one (name, location) twice.
/// `list` holds the resolved parameters of `list_ptr`, in order.
fn warn_repeated_parameters(types: &mut TypeResolver<'_>, list: &[(&Parameter, String)], list_ptr: &str) {
    let mut first_at: HashMap<(&str, ParamLocation), usize> = HashMap::new();
    for (i, (p, _)) in list.iter().enumerate() {
        let name = p.parameter_data_ref().name.as_str();
        let loc = location(p);
        if let Some(first) = first_at.insert((name, loc), i) {
            // Keep pointing at the first one for a third repeat.
            first_at.insert((name, loc), first);
            let first = types.locate(&format!("{list_ptr}/{first}"));
            types.warn(
                &format!("{list_ptr}/{i}"),
                format!("{} parameter `{name}` is declared twice (also at {first}); the last declaration is used", location_word(loc)),
            );
        }
    }
}

fn location_word(loc: ParamLocation) -> &'static str {
    match loc {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn location(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// `{a}` names in a path template, in order, each once (the runtime fills
/// every place a name appears), and whether a `{` is never closed.
fn path_variables(path: &str) -> (Vec<String>, bool) {
    let mut vars: Vec<String> = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { return (vars, true) };
        let name = &rest[start + 1..start + len];
        if !vars.iter().any(|v| v == name) {
            vars.push(name.to_owned());
        }
        rest = &rest[start + len + 1..];
    }
    (vars, false)
}

fn param(
    types: &mut TypeResolver<'_>,
    p: &Parameter,
    loc: ParamLocation,
    builder_name: &str,
    names_used: &mut NameSet,
    ptr: &str,
) -> Result<Param, Error> {
    let data = p.parameter_data_ref();
    let hint = format!("{builder_name}{}", names::type_name(&data.name));
    let maximum = match &data.format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Integer(i)) => i.maximum,
            _ => None,
        },
        _ => None,
    };
    let (resolved, default, constant_enum) = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            let sref = SRef::from(schema);
            let resolved = types.resolve(sref, &hint, &format!("{ptr}/schema"))?;
            let (default, single) = match sref {
                SRef::Item(s) => {
                    types.check_default(s, &format!("{ptr}/schema"));
                    let view = SchemaView::new(s);
                    let values = view.non_null_enum();
                    let single = (values.len() == 1).then(|| plain(values[0]));
                    (s.schema_data.default.as_ref().map(plain), single)
                }
                SRef::Ref(_) => (None, None),
            };
            (resolved, default, single)
        }
        ParameterSchemaOrContent::Content(_) => {
            types.warn(ptr, "parameter with `content` is sent as a plain string");
            (Resolved { ty: TypeRef::String, nullable: false }, None, None)
        }
    };
    let required = data.required || loc == ParamLocation::Path;
    let constant = if loc == ParamLocation::Header && required { constant_enum.or_else(|| default.clone()) } else { None };
    let explode = match p {
        Parameter::Query { style, .. } => data.explode.unwrap_or(matches!(style, QueryStyle::Form)),
        _ => data.explode.unwrap_or(false),
    };
    let style = match p {
        Parameter::Query { style, .. } => match style {
            QueryStyle::Form => ParamStyle::Form,
            QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
            QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
            QueryStyle::DeepObject => ParamStyle::Other("deepObject"),
        },
        Parameter::Path { style, .. } => match style {
            PathStyle::Simple => ParamStyle::Simple,
            PathStyle::Matrix => ParamStyle::Other("matrix"),
            PathStyle::Label => ParamStyle::Other("label"),
        },
        Parameter::Header { .. } => ParamStyle::Simple,
        Parameter::Cookie { .. } => ParamStyle::Form,
    };
    let constraints = match &data.format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => super::constraints::of(schema),
        _ => Vec::new(),
    };
    let what = format!("{} parameter `{}`", location_word(loc), data.name);
    let wanted = names::field_name(&data.name);
    let (rust_name, clash) = names_used.claim(wanted.clone(), &what);
    if let Some(clash) = clash {
        types.warn(ptr, clash_message(&what, &wanted, &clash, &rust_name));
    }
    Ok(Param {
        name: data.name.clone(),
        rust_name,
        location: loc,
        ty: resolved.ty,
        required,
        doc: data.description.clone().filter(|d| !d.trim().is_empty()),
        deprecated: data.deprecated.unwrap_or(false),
        default,
        maximum,
        constant,
        explode,
        style,
        constraints,
    })
}

/// `offset` and `limit` integer query parameters on an operation that returns
/// a JSON array: a collection the client can page through.
fn pagination(params: &[Param], returns: &Response) -> Option<crate::ir::Pagination> {
    let TypeRef::Vec(item) = &returns.ty else { return None };
    if returns.kind != ResponseKind::Json {
        return None;
    }
    let find = |name: &str| {
        params.iter().find(|p| {
            p.location == ParamLocation::Query && p.name == name && !p.required && matches!(p.ty, TypeRef::I32 | TypeRef::I64)
        })
    };
    let (offset, limit) = (find("offset")?, find("limit")?);
    if offset.ty != limit.ty {
        return None;
    }
    let page_size = limit.maximum.or_else(|| limit.default.as_ref()?.parse().ok()).filter(|n| *n > 0).unwrap_or(250);
    Some(crate::ir::Pagination {
        offset_field: offset.rust_name.clone(),
        limit_field: limit.rust_name.clone(),
        index_type: limit.ty.clone(),
        page_size,
        item: (**item).clone(),
    })
}

struct OpContext<'s> {
    spec: &'s OpenAPI,
    error_bodies: Vec<ErrorBodyVariant>,
    error_index: HashMap<TypeRef, usize>,
    /// Responses whose headers were checked (a shared response once).
    headers_checked: HashSet<String>,
}

/// How a media type's body is carried.
fn body_kind(content_type: &str, schema_is_binary: bool) -> BodyKind {
    let ct = content_type.to_ascii_lowercase();
    if ct.contains("json") {
        BodyKind::Json
    } else if ct == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if ct.starts_with("multipart/") {
        BodyKind::Multipart
    } else if ct.starts_with("text/") && !schema_is_binary {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    }
}

/// Prefer JSON, then forms, then whatever comes first.
fn pick_content(content: &IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    let rank = |ct: &str| {
        let ct = ct.to_ascii_lowercase();
        if ct == "application/json" {
            0
        } else if ct.contains("json") {
            1
        } else if ct == "application/x-www-form-urlencoded" {
            2
        } else if ct.starts_with("multipart/") {
            3
        } else {
            4
        }
    };
    content.iter().min_by_key(|(ct, _)| rank(ct))
}

/// Validation keywords of an inline body schema (a `$ref`'s are on its type).
fn media_constraints(media: &MediaType) -> Vec<crate::ir::Constraint> {
    match &media.schema {
        Some(ReferenceOr::Item(schema)) => super::constraints::of(schema),
        _ => Vec::new(),
    }
}

fn is_binary_schema(media: &MediaType) -> bool {
    match &media.schema {
        Some(ReferenceOr::Item(s)) => SchemaView::new(s).format.as_deref() == Some("binary"),
        _ => false,
    }
}

/// Reason phrase used to name inline error bodies (`UnauthorizedBody`).
fn reason(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        204 => "NoContent",
        _ => "",
    }
}

impl<'s> OpContext<'s> {
    fn parameter<'p>(
        &self,
        types: &TypeResolver<'_>,
        p: &'p ReferenceOr<Parameter>,
        ptr: String,
    ) -> Result<(&'p Parameter, String), Error>
    where
        's: 'p,
    {
        match p {
            ReferenceOr::Item(p) => Ok((p, ptr)),
            ReferenceOr::Reference { reference } => {
                let params = self.spec.components.as_ref().map(|c| &c.parameters);
                let target = types.follow("parameters", params, reference, &ptr)?;
                Ok((target.item, target.pointer))
            }
        }
    }

    fn request_body(
        &mut self,
        types: &mut TypeResolver<'_>,
        body: &ReferenceOr<RequestBody>,
        builder_name: &str,
        ptr: &str,
    ) -> Result<Option<IrBody>, Error> {
        let (body, ptr) = match body {
            ReferenceOr::Item(b) => (b, ptr.to_owned()),
            ReferenceOr::Reference { reference } => {
                let bodies = self.spec.components.as_ref().map(|c| &c.request_bodies);
                let target = types.follow("requestBodies", bodies, reference, ptr)?;
                (target.item, target.pointer)
            }
        };
        let Some((content_type, media)) = pick_content(&body.content) else {
            return Ok(None);
        };
        let media_ptr = format!("{ptr}/content/{}", escape_token(content_type));
        let mut kind = body_kind(content_type, is_binary_schema(media));
        let mut doc = body.description.clone().filter(|d| !d.trim().is_empty());
        if kind == BodyKind::Multipart {
            // Sent as a runtime `Multipart` form; the docs list the parts the spec names.
            let fields = multipart_fields(types, media);
            if !fields.is_empty() {
                let listed = format!("Form parts: {}.", fields.join(", "));
                doc = Some(match doc {
                    Some(d) => format!("{d} {listed}"),
                    None => listed,
                });
            }
        }
        let ty = match (&media.schema, kind) {
            (_, BodyKind::Multipart) => TypeRef::Json,
            (_, BodyKind::Bytes) => TypeRef::Bytes,
            (_, BodyKind::Text) => TypeRef::String,
            (Some(schema), _) => {
                let r = types.resolve(SRef::from(schema), &format!("{builder_name}Body"), &format!("{media_ptr}/schema"))?;
                match r.ty {
                    // Binary data labelled as JSON (`format: binary`): the
                    // caller's bytes, sent as they are with that content type.
                    TypeRef::Bytes if kind == BodyKind::Json => {
                        kind = BodyKind::Bytes;
                        TypeRef::Bytes
                    }
                    ty if r.nullable => TypeRef::Option(Box::new(ty)),
                    ty => ty,
                }
            }
            (None, _) => TypeRef::Json,
        };
        Ok(Some(IrBody {
            content_type: content_type.clone(),
            kind,
            ty,
            required: body.required,
            doc,
            constraints: media_constraints(media),
        }))
    }

    fn response<'r>(
        &self,
        types: &TypeResolver<'_>,
        r: &'r ReferenceOr<OaResponse>,
        ptr: &str,
    ) -> Result<(&'r OaResponse, String, Option<String>), Error>
    where
        's: 'r,
    {
        match r {
            ReferenceOr::Item(r) => Ok((r, ptr.to_owned(), None)),
            ReferenceOr::Reference { reference } => {
                let responses = self.spec.components.as_ref().map(|c| &c.responses);
                let target = types.follow("responses", responses, reference, ptr)?;
                Ok((target.item, target.pointer, Some(target.first_key.to_owned())))
            }
        }
    }

    /// Response headers are not read by the client, so a `$ref` cycle among
    /// them is a warning, not an error (a dangling `$ref` is an error from
    /// the bundler).
    fn check_headers(&mut self, types: &mut TypeResolver<'_>, response: &OaResponse, ptr: &str) {
        if !self.headers_checked.insert(ptr.to_owned()) {
            return;
        }
        let components = self.spec.components.as_ref().map(|c| &c.headers);
        for (name, header) in &response.headers {
            if let ReferenceOr::Reference { reference } = header {
                let header_ptr = format!("{ptr}/headers/{}", escape_token(name));
                if let Err(e) = types.follow("headers", components, reference, &header_ptr) {
                    let message = format!("response header `{name}`: {}; tolerated because response headers are not used", e.message);
                    types.warn(&format!("{header_ptr}/$ref"), message);
                }
            }
        }
    }

    /// One response's body: kind, type and content type.
    fn response_body(
        &self,
        types: &mut TypeResolver<'_>,
        response: &OaResponse,
        hint: &str,
        ptr: &str,
    ) -> Result<(ResponseKind, TypeRef, Option<String>), Error> {
        let Some((content_type, media)) = pick_content(&response.content) else {
            return Ok((ResponseKind::Empty, TypeRef::Unit, None));
        };
        let media_ptr = format!("{ptr}/content/{}", escape_token(content_type));
        let (kind, ty) = match body_kind(content_type, is_binary_schema(media)) {
            BodyKind::Json => match &media.schema {
                Some(schema) => {
                    let r = types.resolve(SRef::from(schema), hint, &format!("{media_ptr}/schema"))?;
                    match r.ty {
                        // Binary data labelled as JSON: hand over the bytes.
                        TypeRef::Bytes => (ResponseKind::Bytes, TypeRef::Bytes),
                        ty => (ResponseKind::Json, if r.nullable { TypeRef::Option(Box::new(ty)) } else { ty }),
                    }
                }
                None => (ResponseKind::Json, TypeRef::Json),
            },
            BodyKind::Text => (ResponseKind::Text, TypeRef::String),
            _ => (ResponseKind::Bytes, TypeRef::Bytes),
        };
        Ok((kind, ty, Some(content_type.clone())))
    }

    fn error_body(&mut self, ty: &TypeRef) -> Option<usize> {
        let TypeRef::Named(name) = ty else { return None };
        if let Some(&i) = self.error_index.get(ty) {
            return Some(i);
        }
        self.error_bodies.push(ErrorBodyVariant { rust_name: name.clone(), ty: ty.clone() });
        self.error_index.insert(ty.clone(), self.error_bodies.len() - 1);
        Some(self.error_bodies.len() - 1)
    }

    #[allow(clippy::type_complexity)]
    fn responses(
        &mut self,
        types: &mut TypeResolver<'_>,
        op: &openapiv3::Operation,
        builder_name: &str,
        op_ptr: &str,
    ) -> Result<(Vec<Response>, Vec<ErrorResponse>, Option<ErrorResponse>), Error> {
        let mut success = Vec::new();
        let mut errors = Vec::new();
        for (code, r) in &op.responses.responses {
            let (status, range) = match code {
                StatusCode::Code(c) => (Some(*c), *c / 100),
                StatusCode::Range(r) => (None, *r),
            };
            let ptr = format!("{op_ptr}/responses/{code}");
            let (response, ptr, component) = self.response(types, r, &ptr)?;
            self.check_headers(types, response, &ptr);
            let is_success = range == 2;
            let hint = match (&component, status, is_success) {
                (Some(name), _, _) if name.parse::<u16>().is_err() => format!("{}Body", names::type_name(name)),
                (_, Some(s), false) if !reason(s).is_empty() => format!("{}Body", reason(s)),
                (_, _, true) => format!("{builder_name}Response"),
                _ => format!("{builder_name}{code}Body"),
            };
            let (kind, ty, content_type) = self.response_body(types, response, &hint, &ptr)?;
            if is_success {
                let doc = Some(response.description.clone()).filter(|d| !d.trim().is_empty());
                let constraints = pick_content(&response.content).map(|(_, m)| media_constraints(m)).unwrap_or_default();
                success.push(Response { status, content_type, kind, ty, doc, constraints });
            } else {
                let body = if kind == ResponseKind::Json { self.error_body(&ty) } else { None };
                let range = status.is_none().then_some(range);
                errors.push(ErrorResponse { status, range, body });
            }
        }
        let mut default_error = None;
        if let Some(r) = &op.responses.default {
            let ptr = format!("{op_ptr}/responses/default");
            let (response, ptr, _) = self.response(types, r, &ptr)?;
            self.check_headers(types, response, &ptr);
            let (kind, ty, content_type) = self.response_body(types, response, &format!("{builder_name}DefaultBody"), &ptr)?;
            if success.is_empty() {
                // Only `default` declared: it describes success too.
                let doc = Some(response.description.clone()).filter(|d| !d.trim().is_empty());
                let constraints = pick_content(&response.content).map(|(_, m)| media_constraints(m)).unwrap_or_default();
                success.push(Response { status: None, content_type, kind, ty: ty.clone(), doc, constraints });
            }
            let body = if kind == ResponseKind::Json { self.error_body(&ty) } else { None };
            default_error = Some(ErrorResponse { status: None, range: None, body });
        }
        Ok((success, errors, default_error))
    }
}

/// One return type for `send()`. Several success responses with different
/// bodies decode as a JSON value; a body-less alternative makes it optional.
fn unify_success(types: &mut TypeResolver<'_>, success: &[Response], ptr: &str) -> Response {
    let with_body: Vec<&Response> = success.iter().filter(|r| r.kind != ResponseKind::Empty).collect();
    let Some(first) = with_body.first() else {
        return Response {
            status: None,
            content_type: None,
            kind: ResponseKind::Empty,
            ty: TypeRef::Unit,
            doc: None,
            constraints: Vec::new(),
        };
    };
    let mut returns = (*first).clone();
    if with_body.iter().any(|r| r.kind != first.kind || r.ty != first.ty) {
        types.warn(ptr, "success responses have different bodies; `send()` returns them as a JSON value");
        returns.kind = ResponseKind::Json;
        returns.ty = TypeRef::Json;
        returns.content_type = Some("application/json".into());
        return returns;
    }
    // A free-form object may come back empty (e.g. `202 Accepted`): a JSON
    // value decodes an empty body as `null`, a map would fail.
    if returns.kind == ResponseKind::Json && returns.ty == TypeRef::JsonObject {
        returns.ty = TypeRef::Json;
    }
    let some_empty = with_body.len() < success.len();
    if some_empty && returns.kind == ResponseKind::Json && !matches!(returns.ty, TypeRef::Option(_) | TypeRef::Json | TypeRef::Unit) {
        returns.ty = TypeRef::Option(Box::new(returns.ty));
    }
    returns
}

/// `name` (type, required) for each property of a multipart body's schema.
fn multipart_fields(types: &TypeResolver<'_>, media: &MediaType) -> Vec<String> {
    let schema = match &media.schema {
        Some(ReferenceOr::Item(s)) => s,
        Some(ReferenceOr::Reference { reference }) => match types.component(reference, "") {
            Ok((_, s)) => s,
            Err(_) => return Vec::new(),
        },
        None => return Vec::new(),
    };
    let view = SchemaView::new(schema);
    view.properties
        .into_iter()
        .flatten()
        .map(|(name, prop)| {
            let kind = match prop {
                ReferenceOr::Item(p) => {
                    let v = SchemaView::new(p);
                    match (v.typ.as_deref(), v.format.as_deref()) {
                        (_, Some("binary")) => "file".to_owned(),
                        (Some(t), _) => t.to_owned(),
                        _ => "value".to_owned(),
                    }
                }
                ReferenceOr::Reference { .. } => "JSON".to_owned(),
            };
            let required = if view.required.contains(name) { ", required" } else { "" };
            format!("{} ({kind}{required})", crate::text::code_span(name))
        })
        .collect()
}
