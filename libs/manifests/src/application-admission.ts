import type { V1ValidatingAdmissionPolicy, V1ValidatingAdmissionPolicyBinding } from '@kubernetes/client-node';
import { ANNOTATIONS, API_GROUP, API_GROUP_VERSION, APPLICATION_RESOURCE, LABEL_KEYS, TEAM_LABEL } from '@sluice/delivery';
import { MANAGED_BY, assertDnsLabel } from './validate.js';

/** Names of the two policies (each bound by a binding of the same name). */
export const APPLICATION_ADMISSION_POLICIES = Object.freeze({
  /** Target namespaces serve the Application (label) and its image is under their prefix (annotation). */
  targets: 'sluice-application-targets',
  /** One Application per GitLab project id. */
  project: 'sluice-application-project',
} as const);

/** Options of {@link applicationAdmission}. */
export interface ApplicationAdmissionProps {
  /** Namespace the Applications live in; the bindings match only it. */
  readonly namespace: string;
}

// A label or annotation map that may be absent, as CEL sees it.
const labelsOf = (o: string) => `(has(${o}.metadata.labels) ? ${o}.metadata.labels : {})`;
const annotationsOf = (o: string) => `(has(${o}.metadata.annotations) ? ${o}.metadata.annotations : {})`;
const q = (s: string) => `'${s}'`;

const APPLICATIONS_RULE = {
  apiGroups: [API_GROUP],
  apiVersions: ['*'],
  operations: ['CREATE', 'UPDATE'],
  resources: [APPLICATION_RESOURCE.plural],
};

/**
 * Only writes that change what the policy judges are judged again: the
 * deployer's own metadata patches (consuming an action annotation) must not be
 * refused because a namespace's labels changed after the Application was admitted.
 */
const changed = (fields: readonly string[], name = 'spec-or-labels-changed') => ({
  name,
  expression: [`request.operation == 'CREATE'`, ...fields.map((f) => `${f.replaceAll('$', 'object')} != ${f.replaceAll('$', 'oldObject')}`)].join(' || '),
});

/**
 * Admission for Applications (ValidatingAdmissionPolicy, CEL, no webhook
 * server): what one team's Application may claim is decided when it is
 * written, by facts the platform team controls.
 *
 * - `sluice-application-targets`, evaluated against every Namespace (its
 *   params): a namespace the Application deploys to must carry
 *   `sluice.dev/application=<name>` or `sluice.dev/team=<the Application's
 *   sluice.dev/team label>`, and its annotation `sluice.dev/image-prefix` must
 *   be a prefix (up to a `/`) of `spec.build.repository`.
 * - `sluice-application-project`, evaluated against every other Application
 *   of the namespace: no two claim one `spec.project.id`.
 *
 * Neither can see a write that races it (two Applications created at the same
 * moment), nor a namespace created later: the deployer checks the namespace
 * again before every write, and both claimants of a project are marked
 * `DuplicateProject` and ignored by the gateway (`ambiguous_application`).
 */
export function applicationAdmission(props: ApplicationAdmissionProps): (V1ValidatingAdmissionPolicy | V1ValidatingAdmissionPolicyBinding)[] {
  assertDnsLabel('applicationAdmission', 'namespace', props.namespace);
  const metadata = (name: string) => ({ name, labels: { ...MANAGED_BY } });
  const targets: V1ValidatingAdmissionPolicy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: metadata(APPLICATION_ADMISSION_POLICIES.targets),
    spec: {
      failurePolicy: 'Fail',
      paramKind: { apiVersion: 'v1', kind: 'Namespace' },
      matchConstraints: { resourceRules: [APPLICATIONS_RULE] },
      matchConditions: [changed(['$.spec', labelsOf('$')])],
      variables: [
        { name: 'appLabels', expression: labelsOf('object') },
        { name: 'team', expression: `${q(TEAM_LABEL)} in variables.appLabels ? variables.appLabels[${q(TEAM_LABEL)}] : ''` },
        {
          name: 'targets',
          expression: `[object.spec.environments.production.namespace] + (has(object.spec.environments.staging) ? [object.spec.environments.staging.namespace] : [])`,
        },
        { name: 'targeted', expression: `params.metadata.name in variables.targets` },
        { name: 'nsLabels', expression: labelsOf('params') },
        { name: 'nsAnnotations', expression: annotationsOf('params') },
        { name: 'prefix', expression: `${q(ANNOTATIONS.imagePrefix)} in variables.nsAnnotations ? variables.nsAnnotations[${q(ANNOTATIONS.imagePrefix)}] : ''` },
      ],
      validations: [
        {
          expression: [
            '!variables.targeted',
            `(${q(LABEL_KEYS.application)} in variables.nsLabels && variables.nsLabels[${q(LABEL_KEYS.application)}] == object.metadata.name)`,
            `(variables.team != '' && ${q(TEAM_LABEL)} in variables.nsLabels && variables.nsLabels[${q(TEAM_LABEL)}] == variables.team)`,
          ].join(' || '),
          messageExpression: `'namespace ' + params.metadata.name + ' does not serve Application ' + object.metadata.name + ': it needs the label ${LABEL_KEYS.application}=' + object.metadata.name + (variables.team != '' ? ' or ${TEAM_LABEL}=' + variables.team : ' (or the Application a ${TEAM_LABEL} label the namespace carries)')`,
          reason: 'Forbidden',
        },
        {
          expression: `!variables.targeted || (variables.prefix != '' && object.spec.build.repository.startsWith(variables.prefix.endsWith('/') ? variables.prefix : variables.prefix + '/'))`,
          messageExpression: `variables.prefix == '' ? 'namespace ' + params.metadata.name + ' has no ${ANNOTATIONS.imagePrefix} annotation, so no image may be deployed to it' : 'spec.build.repository ' + object.spec.build.repository + ' is not under ' + variables.prefix + ', the image prefix of namespace ' + params.metadata.name`,
          reason: 'Forbidden',
        },
      ],
    },
  };

  const project: V1ValidatingAdmissionPolicy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: metadata(APPLICATION_ADMISSION_POLICIES.project),
    spec: {
      failurePolicy: 'Fail',
      paramKind: { apiVersion: API_GROUP_VERSION, kind: 'Application' },
      matchConstraints: { resourceRules: [APPLICATIONS_RULE] },
      matchConditions: [changed(['$.spec.project.id'], 'project-changed')],
      validations: [
        {
          expression: `params.metadata.name == object.metadata.name || !has(params.spec.project) || params.spec.project.id != object.spec.project.id`,
          messageExpression: `'spec.project.id ' + string(object.spec.project.id) + ' is already claimed by Application ' + params.metadata.name + ': a GitLab project is delivered by one Application'`,
          reason: 'Invalid',
        },
      ],
    },
  };

  // paramRef.selector {}: every Namespace (cluster-scoped), every Application of the admitted one's namespace.
  const binding = (policyName: string, parameterNotFoundAction: 'Allow' | 'Deny'): V1ValidatingAdmissionPolicyBinding => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: metadata(policyName),
    spec: {
      policyName,
      validationActions: ['Deny'],
      paramRef: { selector: {}, parameterNotFoundAction },
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } } },
    },
  });

  return [targets, binding(targets.metadata?.name ?? '', 'Deny'), project, binding(project.metadata?.name ?? '', 'Allow')];
}
