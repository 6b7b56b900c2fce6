//! The one list of rules. Each domain module lists its rules explicitly;
//! this module chains those lists and nothing registers itself.

use std::sync::LazyLock;

use crate::rule::Rule;
use crate::rules;

static ALL: LazyLock<Vec<&'static dyn Rule>> = LazyLock::new(|| {
    let mut all: Vec<&'static dyn Rule> = Vec::new();
    all.extend_from_slice(rules::general::RULES);
    all.extend_from_slice(rules::dockerfile::RULES);
    all.extend_from_slice(rules::kubernetes::RULES);
    all.extend_from_slice(rules::secrets::RULES);
    all.extend_from_slice(rules::github_actions::RULES);
    all.extend_from_slice(rules::gitlab_ci::RULES);
    all.extend_from_slice(rules::kustomize::RULES);
    all.extend_from_slice(rules::gitops::RULES);
    all.extend_from_slice(rules::cross_file::RULES);
    all
});

pub fn all() -> &'static [&'static dyn Rule] {
    &ALL
}

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    all().iter().copied().find(|r| r.meta().id == id)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::all;
    use crate::docs::REQUIRED_SECTIONS;

    #[test]
    fn ids_are_unique_kebab_case_and_name_what_they_flag() {
        let mut seen = BTreeSet::new();
        for rule in all() {
            let id = rule.meta().id;
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id} is not kebab-case"
            );
            for prefix in ["no-", "disallow-", "use-", "avoid-"] {
                assert!(!id.starts_with(prefix), "{id}: name what is flagged, not the advice");
            }
        }
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in all() {
            let meta = rule.meta();
            let docs = meta.documentation();
            for section in REQUIRED_SECTIONS {
                assert!(docs.contains(section), "{}: doc comment lacks `{section}`", meta.id);
            }
            assert!(!meta.summary.ends_with('.'), "{}: summary should not end with a period", meta.id);
        }
    }
}
