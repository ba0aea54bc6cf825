/** Generates deploy/ (kustomize base, overlays, README.md, PERMISSIONS.md, node/) from @sluice/manifests. */
export { KUBELET_SECCOMP_DIR, NODE_SECCOMP_FILE, buildsReadmeSection, renderNodeFiles } from './builds.js';
export { PORT_FORWARD_PORT, RUN_PAGE_PATHS, WEBHOOK_PATHS, gatewayIngresses, runPagesUrl } from './exposure.js';
export { PORTS, SERVICE_SECRETS, endpointPort, installManifests, manifestKey, telemetryEgress } from './install.js';
export type { Manifest } from './install.js';
export { planOverlay } from './overlay.js';
export type { OverlayPlan } from './overlay.js';
export { BASE, LOCAL, LOCAL_EXTERNAL_SERVICES, LOCAL_HOST_PORTS, OVERLAYS, PRODUCTION_EXAMPLE } from './profile.js';
export type { ExternalPeer, ExternalServiceProfile, InClusterPeer, InstallProfile, ObservabilityProfile, RunPagesProfile, TelemetryDestination } from './profile.js';
export { namespacesOf, renderDeploy, renderPermissions } from './render.js';
export { staleFiles, writeFiles } from './write.js';
