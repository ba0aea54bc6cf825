/**
 * Sluice's policy as Kubernetes manifests: pure builders returning plain
 * objects typed with `@kubernetes/client-node`'s `V1*` types. Deterministic
 * (same input, same output, stable key order), no I/O. Invalid input throws
 * a {@link ManifestError} whose message says how to fix it.
 *
 * Workloads (test and build Jobs, color and service Deployments) come from
 * builders that can be extended (`pod.addContainer`, `addVolume`, `addEnv`,
 * `addLabels`, `addAnnotations`, …) and return the {@link Wire} form once,
 * ready for `@sluice/kube` or a YAML file. The other builders return
 * client-node models, some with TypeScript-only field names (`_from`,
 * `_default`, `_enum`, `x_kubernetes_*`): pass those through {@link toWire}.
 */
export { ManifestError } from './errors.js';
export { cidrsOverlap, parseCidr } from './cidr.js';
export type { Cidr } from './cidr.js';
export type { ManifestErrorCode } from './errors.js';

// Namespaces and their guard rails.
export { namespace, podSecurityLabels } from './namespace.js';
export type { NamespaceProps, PodSecurityLevel } from './namespace.js';
export { resourceQuota } from './resource-quota.js';
export type { ResourceQuotaProps } from './resource-quota.js';
export { limitRange } from './limit-range.js';
export type { LimitRangeProps } from './limit-range.js';
export { serviceAccount } from './service-account.js';
export type { ServiceAccountProps } from './service-account.js';

// Admission: what an Application may claim, checked by the apiserver (CEL).
export { APPLICATION_ADMISSION_POLICIES, applicationAdmission } from './application-admission.js';
export type { ApplicationAdmissionProps } from './application-admission.js';

// RBAC: one permission table, Roles and RoleBindings generated from it.
export { NAMESPACE_ROLES, PERMISSIONS, SLUICE_SERVICES, permissionsOf } from './rbac-table.js';
export type { NamespaceRole, Permission, SluiceService, Verb } from './rbac-table.js';
export { roleBindingFor, roleFor, roleName, serviceAccountFor, serviceAccountName } from './rbac.js';
export type { SluiceNamespaces } from './rbac.js';

// NetworkPolicies: building blocks and the per-namespace sets.
export { KUBE_DNS, allowDnsEgressPolicy, allowEgressPolicy, allowIngressPolicy, defaultDenyPolicy } from './network-policy.js';
export type { AllowDnsProps, AllowEgressProps, AllowIngressProps, DefaultDenyProps, EgressEndpoint, EgressPeer, PeerSelector } from './network-policy.js';
export { DEPLOYER_POD_LABELS, INGRESS_NGINX, SLUICE_DEPLOYER, buildNamespacePolicies, productionNamespacePolicies, systemNamespacePolicies, testNamespacePolicies } from './namespace-policies.js';
export type { BuildNamespacePoliciesProps, IsolatedNamespacePoliciesProps, ProductionNamespacePoliciesProps, SystemNamespacePoliciesProps, TestNamespacePoliciesProps } from './namespace-policies.js';

// Workloads.
export { DEFAULT_RUN_AS_USER, hardenedContainerSecurityContext, hardenedPodSecurityContext } from './pod-security.js';
export { BUILDER_SECCOMP_PROFILE_PATH, builderSeccompProfile } from './builder-seccomp.js';
export type { SeccompProfile } from './builder-seccomp.js';
export type { ComputeResources, CpuMemory } from './resources.js';
export { DeploymentBuilder, JobBuilder } from './workload.js';
export type { WorkloadMeta } from './workload.js';
export { PodTemplateBuilder } from './pod-template.js';
export type { PodSettings } from './pod-template.js';
export { testJob, testJobBuilder } from './test-job.js';
export type { TestJobProps } from './test-job.js';
export { GIT_CREDENTIALS_DIR, REF_HISTORY_DEPTH, REF_MISMATCH_EXIT_CODE, TERMINATION_MESSAGE_PATH, TEST_JOB_CONTAINERS, WORKDIR } from './test-job-scripts.js';
export { JUNIT_AWK } from './junit-scripts.js';
export { BUILD_JOB_CONTAINERS, REGISTRY_CREDENTIALS_DIR, buildJob, buildJobBuilder } from './build-job.js';
export type { BuildJobProps, BuildOutput } from './build-job.js';
export { APP_LABEL, COLORS, COLOR_LABEL, ENVIRONMENT_LABEL, colorDeployment, colorDeploymentBuilder, otherColor } from './color-deployment.js';
export type { Color, ColorDeploymentProps, HttpProbe } from './color-deployment.js';
export { activeService } from './active-service.js';
export type { ActiveServiceProps } from './active-service.js';

// Custom resource definitions, derived from @sluice/delivery's zod schemas.
export { applicationCrd, deliveryCrd } from './crds.js';
export { toStructuralSchema } from './structural-schema.js';
export type { WireSchema } from './structural-schema.js';
export { toWire } from './wire.js';
export type { Wire } from './wire.js';

// Sluice's own services.
export { serviceDeployment, serviceDeploymentBuilder } from './service-deployment.js';
export type { SecretMount, ServiceDeploymentProps } from './service-deployment.js';
export { clusterService } from './cluster-service.js';
export type { ClusterServiceProps } from './cluster-service.js';
export { externalService } from './external-service.js';
export type { ExternalServicePort, ExternalServiceProps } from './external-service.js';
export { podDisruptionBudget } from './pod-disruption-budget.js';
export type { PodDisruptionBudgetProps } from './pod-disruption-budget.js';
export { INGRESS_PATH_TYPES, tlsIngress } from './ingress.js';
export type { IngressPath, IngressPathType, TlsIngressProps } from './ingress.js';

// Observability: the OpenTelemetry Collector, the Grafana dashboard built from @sluice/telemetry's catalog.
export { DEFAULT_COLLECTOR_PORTS, METRICS_OTLP_HTTP_EXPORTER, otelCollectorConfig } from './observability/collector-config.js';
export type { CollectorPorts, MetricsOtlpHttp, OtelCollectorConfig, OtelCollectorConfigProps } from './observability/collector-config.js';
export { DEFAULT_COLLECTOR_IMAGE, OBSERVABILITY_COMPONENT, collectorConfigYaml, otelCollector } from './observability/collector.js';
export type { OtelCollectorObjects, OtelCollectorProps } from './observability/collector.js';
export { observabilityNamespacePolicies } from './observability/policies.js';
export type { ObservabilityNamespacePoliciesProps, TelemetryEgress } from './observability/policies.js';
export { DASHBOARD_UID, sluiceDashboard } from './observability/dashboard.js';
export type { MetricCatalog, SluiceDashboardProps } from './observability/dashboard.js';
export { GRAFANA_DASHBOARD_LABEL, dashboardJson, grafanaDashboardConfigMap } from './observability/dashboard-config-map.js';
export type { GrafanaDashboardConfigMapProps } from './observability/dashboard-config-map.js';
export { PIPELINE_LABELS, dashboardQueries, dashboardReferences } from './observability/dashboard-refs.js';
export type { DashboardQuery, DashboardReferences, DashboardTraceQuery } from './observability/dashboard-refs.js';
export { DS_PROMETHEUS, DS_TEMPO } from './observability/grafana.js';
export type { Json, JsonObject } from './observability/grafana.js';
export { prometheusLabelName, prometheusMetricName, prometheusSeries } from './observability/prometheus-names.js';
export type { OtelMetricIdentity } from './observability/prometheus-names.js';
export { promqlRefs } from './observability/promql-refs.js';
export type { LabelMatcher, PromqlRefs } from './observability/promql-refs.js';

// A team's own workload from its repository's deploy/ directory, checked and rendered per color.
export { APP_CONTAINER_ANNOTATION, TEAM_KINDS, checkTeamManifests } from './team-workload/team-manifests.js';
export type { TeamDocument, TeamManifests, TeamManifestsCheck } from './team-workload/team-manifests.js';
export { TEAM_REVISION_ENV, renderTeamColor, renderTeamService, versionedConfigMapName } from './team-workload/render-color.js';
export type { TeamColorInput, TeamColorObjects } from './team-workload/render-color.js';
