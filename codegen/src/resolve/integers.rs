//! Which Rust integer type an integer schema gets: what its `format` says
//! (`i32` without one), widened to hold every `enum` value and bound, so an
//! enum of 3000000000 is not an `i32`.

use serde_json::Value;

use super::view::SchemaView;
use crate::ir::TypeRef;

/// The Rust integer types, narrowest first; `Beyond` fits none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Width {
    I32,
    I64,
    U64,
    Beyond,
}

impl Width {
    pub(super) fn rust_name(self) -> &'static str {
        match self {
            Width::I32 => "i32",
            Width::I64 => "i64",
            Width::U64 => "u64",
            Width::Beyond => "f64",
        }
    }

    pub(super) fn type_ref(self) -> TypeRef {
        match self {
            Width::I32 => TypeRef::I32,
            Width::I64 => TypeRef::I64,
            Width::U64 => TypeRef::U64,
            Width::Beyond => TypeRef::F64,
        }
    }
}

/// Which integer type an integer schema needs.
pub(super) struct IntegerFit<'v> {
    /// The type chosen.
    pub(super) width: Width,
    /// The type `format` asks for.
    pub(super) declared: Width,
    /// The widest enum value or bound, if any.
    pub(super) culprit: Option<&'v Value>,
    /// A negative enum value or bound, if any.
    pub(super) negative: Option<&'v Value>,
}

impl<'v> IntegerFit<'v> {
    pub(super) fn of(view: &'v SchemaView<'_>) -> Self {
        let declared = match view.format.as_deref() {
            Some("int64") | Some("uint64") | Some("uint32") => Width::I64,
            _ => Width::I32,
        };
        let mut widest: Option<(Width, &Value)> = None;
        let mut negative: Option<&Value> = None;
        for value in view.enumeration.iter().chain(&view.minimum).chain(&view.maximum) {
            let Some((width, is_negative)) = integer_width(value) else { continue };
            if is_negative && negative.is_none() {
                negative = Some(value);
            }
            if widest.is_none_or(|(w, _)| width > w) {
                widest = Some((width, value));
            }
        }
        let mut width = widest.map_or(declared, |(w, _)| w.max(declared));
        if width == Width::U64 && negative.is_some() {
            width = Width::Beyond;
        }
        // Without a `format` the integer is unbounded: a default the server
        // may send back widens the type too (to u64 at most; beyond, and
        // against a declared format, it is only a flaw of the default).
        if view.format.is_none() {
            if let Some((w, is_negative)) = view.default.and_then(integer_width) {
                let fits_beside = !(is_negative && width == Width::U64 || w == Width::U64 && negative.is_some());
                if w > width && w <= Width::U64 && fits_beside {
                    width = w;
                }
            }
        }
        IntegerFit { width, declared, culprit: widest.map(|(_, v)| v), negative }
    }

    /// Does the chosen type hold this whole number?
    pub(super) fn holds(&self, value: &Value) -> bool {
        match integer_width(value) {
            Some((_, true)) if self.width == Width::U64 => false,
            Some((w, _)) => w <= self.width || self.width == Width::Beyond,
            None => false,
        }
    }
}

/// The narrowest integer type holding a value, and whether it is negative;
/// `None` for anything that is not a whole number.
pub(super) fn integer_width(value: &Value) -> Option<(Width, bool)> {
    let number = value.as_number()?;
    if let Some(i) = number.as_i64() {
        let width = if i32::try_from(i).is_ok() { Width::I32 } else { Width::I64 };
        return Some((width, i < 0));
    }
    if number.as_u64().is_some() {
        return Some((Width::U64, false));
    }
    let f = number.as_f64()?;
    if !f.is_finite() || f.fract() != 0.0 {
        return None;
    }
    // 2^63 itself counts as i64: it is how `i64::MAX` reads as a float.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    let width = if (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&f) {
        Width::I32
    } else if (-TWO_63..=TWO_63).contains(&f) {
        Width::I64
    } else if (0.0..=2.0 * TWO_63).contains(&f) {
        Width::U64
    } else {
        Width::Beyond
    };
    Some((width, f < 0.0))
}
