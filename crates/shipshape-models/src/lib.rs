//! Serde-only models of the delivery files shipshape writes. No I/O.
//!
//! Fields follow the upstream APIs' names (camelCase) and are skipped when
//! empty, so a serialized object holds only what was set.

pub mod argo;
pub mod ci;
pub mod flux;
pub mod k8s;
pub mod kustomize;
pub mod monitoring;

/// `skip_serializing_if` helper for `false`.
pub fn is_false(value: &bool) -> bool {
    !*value
}
