//! Rules for the kubernetes domain.

mod apparmor_unconfined;
mod capabilities_not_dropped;
mod cluster_admin_bound_to_broad_subject;
mod container_may_run_as_root;
mod container_runs_as_low_uid;
mod dangerous_capabilities_added;
mod default_namespace;
mod deprecated_api_version;
mod docker_socket_mounted;
mod duplicate_env_var;
mod duplicate_manifest_key;
mod host_namespace_shared;
mod host_path_volume;
mod host_port_used;
mod hpa_min_replicas_above_max;
mod hpa_target_missing;
mod hpa_target_sets_replicas;
mod image_pull_policy_mismatch;
mod ingress_backend_not_found;
mod ingress_nginx_snippet_annotation;
mod ingress_without_tls;
mod invalid_field_type;
mod liveness_probe_same_as_readiness;
mod missing_cpu_limit;
mod missing_liveness_probe;
mod missing_memory_limit;
mod missing_network_policy;
mod missing_pod_disruption_budget;
mod missing_readiness_probe;
mod missing_resource_requests;
mod missing_seccomp_profile;
mod pdb_blocks_eviction;
mod privilege_escalation_allowed;
mod privileged_container;
mod probe_port_not_declared;
mod rbac_escalation_verb;
mod rbac_wildcard;
mod resource_request_exceeds_limit;
mod rolling_update_all_unavailable;
mod schema;
mod secret_data_in_manifest;
mod secret_in_env_var;
mod secret_literal_in_env;
mod service_account_can_read_secrets;
mod service_account_token_automounted;
mod service_selector_matches_nothing;
mod service_target_port_not_declared;
mod service_type_nodeport;
mod unknown_field;
mod unmasked_proc_mount;
mod unsafe_sysctl;
mod workload_selector_mismatch;
mod writable_root_filesystem;

pub use apparmor_unconfined::ApparmorUnconfined;
pub use capabilities_not_dropped::CapabilitiesNotDropped;
pub use cluster_admin_bound_to_broad_subject::ClusterAdminBoundToBroadSubject;
pub use container_may_run_as_root::ContainerMayRunAsRoot;
pub use container_runs_as_low_uid::ContainerRunsAsLowUid;
pub use dangerous_capabilities_added::DangerousCapabilitiesAdded;
pub use default_namespace::DefaultNamespace;
pub use deprecated_api_version::DeprecatedApiVersion;
pub use docker_socket_mounted::DockerSocketMounted;
pub use duplicate_env_var::DuplicateEnvVar;
pub(crate) use duplicate_manifest_key::is_object_document;
pub use duplicate_manifest_key::DuplicateManifestKey;
pub use host_namespace_shared::HostNamespaceShared;
pub use host_path_volume::HostPathVolume;
pub use host_port_used::HostPortUsed;
pub use hpa_min_replicas_above_max::HpaMinReplicasAboveMax;
pub use hpa_target_missing::HpaTargetMissing;
pub use hpa_target_sets_replicas::HpaTargetSetsReplicas;
pub use image_pull_policy_mismatch::ImagePullPolicyMismatch;
pub use ingress_backend_not_found::IngressBackendNotFound;
pub use ingress_nginx_snippet_annotation::IngressNginxSnippetAnnotation;
pub use ingress_without_tls::IngressWithoutTls;
pub use invalid_field_type::InvalidFieldType;
pub use liveness_probe_same_as_readiness::LivenessProbeSameAsReadiness;
pub use missing_cpu_limit::MissingCpuLimit;
pub use missing_liveness_probe::MissingLivenessProbe;
pub use missing_memory_limit::MissingMemoryLimit;
pub use missing_network_policy::MissingNetworkPolicy;
pub use missing_pod_disruption_budget::MissingPodDisruptionBudget;
pub use missing_readiness_probe::MissingReadinessProbe;
pub use missing_resource_requests::MissingResourceRequests;
pub use missing_seccomp_profile::MissingSeccompProfile;
pub use pdb_blocks_eviction::PdbBlocksEviction;
pub use privilege_escalation_allowed::PrivilegeEscalationAllowed;
pub use privileged_container::PrivilegedContainer;
pub use probe_port_not_declared::ProbePortNotDeclared;
pub use rbac_escalation_verb::RbacEscalationVerb;
pub use rbac_wildcard::RbacWildcard;
pub use resource_request_exceeds_limit::ResourceRequestExceedsLimit;
pub use rolling_update_all_unavailable::RollingUpdateAllUnavailable;
pub use secret_data_in_manifest::SecretDataInManifest;
pub use secret_in_env_var::SecretInEnvVar;
pub use secret_literal_in_env::SecretLiteralInEnv;
pub use service_account_can_read_secrets::ServiceAccountCanReadSecrets;
pub use service_account_token_automounted::ServiceAccountTokenAutomounted;
pub use service_selector_matches_nothing::ServiceSelectorMatchesNothing;
pub use service_target_port_not_declared::ServiceTargetPortNotDeclared;
pub use service_type_nodeport::ServiceTypeNodeport;
pub use unknown_field::UnknownField;
pub use unmasked_proc_mount::UnmaskedProcMount;
pub use unsafe_sysctl::UnsafeSysctl;
pub use workload_selector_mismatch::WorkloadSelectorMismatch;
pub use writable_root_filesystem::WritableRootFilesystem;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[
    &DuplicateManifestKey,
    &PrivilegedContainer,
    &PrivilegeEscalationAllowed,
    &ContainerMayRunAsRoot,
    &ContainerRunsAsLowUid,
    &DangerousCapabilitiesAdded,
    &CapabilitiesNotDropped,
    &WritableRootFilesystem,
    &MissingSeccompProfile,
    &ApparmorUnconfined,
    &UnmaskedProcMount,
    &HostNamespaceShared,
    &HostPathVolume,
    &DockerSocketMounted,
    &HostPortUsed,
    &UnsafeSysctl,
    &ServiceAccountTokenAutomounted,
    &SecretLiteralInEnv,
    &SecretInEnvVar,
    &SecretDataInManifest,
    &DuplicateEnvVar,
    &MissingResourceRequests,
    &MissingMemoryLimit,
    &MissingCpuLimit,
    &ResourceRequestExceedsLimit,
    &ImagePullPolicyMismatch,
    &MissingLivenessProbe,
    &MissingReadinessProbe,
    &ProbePortNotDeclared,
    &LivenessProbeSameAsReadiness,
    &WorkloadSelectorMismatch,
    &RollingUpdateAllUnavailable,
    &MissingPodDisruptionBudget,
    &PdbBlocksEviction,
    &HpaMinReplicasAboveMax,
    &HpaTargetMissing,
    &HpaTargetSetsReplicas,
    &ServiceSelectorMatchesNothing,
    &ServiceTargetPortNotDeclared,
    &ServiceTypeNodeport,
    &IngressWithoutTls,
    &IngressBackendNotFound,
    &IngressNginxSnippetAnnotation,
    &MissingNetworkPolicy,
    &RbacWildcard,
    &RbacEscalationVerb,
    &ClusterAdminBoundToBroadSubject,
    &ServiceAccountCanReadSecrets,
    &UnknownField,
    &InvalidFieldType,
    &DeprecatedApiVersion,
    &DefaultNamespace,
];
