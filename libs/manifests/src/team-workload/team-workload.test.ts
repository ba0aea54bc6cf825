import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { APP_CONTAINER_ANNOTATION, checkTeamManifests, type TeamDocument, type TeamManifests } from './team-manifests.js';
import { renderTeamColor, renderTeamService, versionedConfigMapName } from './render-color.js';

// A team's deploy/ directory as a real service keeps it: env from a Secret, a ConfigMap volume,
// an init container, a sidecar, an autoscaler and a disruption budget.
const DEPLOY_YAML = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  annotations:
    ${APP_CONTAINER_ANNOTATION}: web
spec:
  selector: { matchLabels: { team-app: shop } }
  template:
    metadata:
      labels: { team-app: shop }
    spec:
      serviceAccountName: shop
      initContainers:
        - name: migrate
          image: registry.local/shop-migrate@sha256:1111111111111111111111111111111111111111111111111111111111111111
          envFrom: [{ configMapRef: { name: shop-settings } }]
      containers:
        - name: log-shipper
          image: registry.local/shipper:1.2
        - name: web
          image: placeholder
          env:
            - { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: shop-db, key: password } } }
            - { name: GREETING, valueFrom: { configMapKeyRef: { name: shop-settings, key: greeting } } }
            - { name: SLUICE_REVISION, value: stale }
          volumeMounts: [{ name: settings, mountPath: /etc/shop }]
      volumes:
        - name: settings
          configMap: { name: shop-settings }
        - name: shared
          configMap: { name: platform-ca }
---
apiVersion: v1
kind: Service
metadata: { name: shop }
spec:
  ports: [{ name: http, port: 80, targetPort: 8080 }]
  selector: { team-app: shop }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: shop-settings }
data: { greeting: hello, limit: "10" }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: shop }
  minReplicas: 2
  maxReplicas: 5
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } } }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: shop }
spec:
  maxUnavailable: 1
  selector: { matchLabels: { team-app: shop } }
`;

const SHA = 'a'.repeat(40);
const IMAGE = 'registry.local/team/shop@sha256:2222222222222222222222222222222222222222222222222222222222222222';

function documents(text: string, source = 'deploy/app.yaml'): TeamDocument[] {
  return parseAllDocuments(text).map((doc, i) => ({ source: `${source}#${i + 1}`, object: doc.toJS() }));
}

function checked(text = DEPLOY_YAML): TeamManifests {
  const result = checkTeamManifests(documents(text), { namespace: 'shop-prod' });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.manifests;
}

const render = (manifests: TeamManifests, color: 'blue' | 'green' = 'green', sha = SHA) =>
  renderTeamColor({ manifests, app: 'shop', namespace: 'shop-prod', environment: 'production', color, image: IMAGE, sha, delivery: 'd-1', owner: 'sluice-system/shop', replicas: 2, minReadySeconds: 5, progressDeadlineSeconds: 120 });

describe('checkTeamManifests', () => {
  it('accepts a Deployment with its Service, ConfigMaps, autoscaler and disruption budget', () => {
    const manifests = checked();
    expect(manifests.appContainer).toBe('web');
    expect(manifests.configMaps.map((c) => c.metadata?.name)).toEqual(['shop-settings']);
    expect(manifests.service?.metadata?.name).toBe('shop');
    expect(manifests.autoscaler?.spec?.maxReplicas).toBe(5);
    expect(manifests.disruptionBudget?.spec?.maxUnavailable).toBe(1);
  });

  it('refuses an object that asks for another namespace, naming it and where it came from', () => {
    const result = checkTeamManifests(documents(DEPLOY_YAML.replace('metadata: { name: shop-settings }', 'metadata: { name: shop-settings, namespace: kube-system }')), { namespace: 'shop-prod' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([expect.stringMatching(/deploy\/app\.yaml#3 \(ConfigMap shop-settings\): metadata\.namespace "kube-system" is another namespace; Sluice deploys only to "shop-prod"/)]);
  });

  it('names the field of an invalid template', () => {
    const broken = DEPLOY_YAML.replace('      containers:\n        - name: log-shipper', '      containers:\n        - image: nameless\n        - name: log-shipper');
    const result = checkTeamManifests(documents(broken), { namespace: 'shop-prod' });
    expect(!result.ok && result.problems.join('\n')).toMatch(/Deployment shop\): spec\.template\.spec\.containers\[0\]\.name/);
  });

  it('refuses Secrets, other kinds, a missing or second Deployment, and labels Sluice owns', () => {
    const extra = `${DEPLOY_YAML}---
apiVersion: v1
kind: Secret
metadata: { name: shop-db }
stringData: { password: hunter2 }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: shop-admin }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: other, labels: { color: blue } }
spec: { template: { spec: { containers: [{ name: c, image: i }] } } }
`;
    const result = checkTeamManifests(documents(extra), { namespace: 'shop-prod' });
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Secret shop-db\): Secrets are not kept in Git/),
        expect.stringMatching(/ClusterRole shop-admin\): rbac\.authorization\.k8s\.io\/v1 ClusterRole is not deployed by Sluice/),
        expect.stringMatching(/Deployment other\): metadata\.labels "color" are set by Sluice/),
        'deploy/ holds 2 Deployments; keep one',
      ]),
    );
    expect(checkTeamManifests(documents('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: only }\n'), { namespace: 'x' })).toEqual({
      ok: false,
      problems: ['deploy/ holds no Deployment: add the Deployment whose pod template Sluice runs'],
    });
  });

  it('refuses an autoscaler aimed at something else and an app container that does not exist', () => {
    const wrong = DEPLOY_YAML.replace('scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: shop }', 'scaleTargetRef: { apiVersion: apps/v1, kind: StatefulSet, name: db }').replace(`${APP_CONTAINER_ANNOTATION}: web`, `${APP_CONTAINER_ANNOTATION}: api`);
    const result = checkTeamManifests(documents(wrong), { namespace: 'shop-prod' });
    expect(!result.ok && result.problems).toEqual([
      expect.stringMatching(/names "api", which is not one of its containers \(log-shipper, web\)/),
      expect.stringMatching(/spec\.scaleTargetRef must be the Deployment shop \(apps\/v1\), not StatefulSet db/),
    ]);
  });

  it('refuses a Service that would expose the app outside the cluster', () => {
    const result = checkTeamManifests(documents(DEPLOY_YAML.replace('ports: [{ name: http, port: 80, targetPort: 8080 }]', 'type: LoadBalancer\n  ports: [{ name: http, port: 80, targetPort: 8080 }]')), { namespace: 'shop-prod' });
    expect(!result.ok && result.problems.join('\n')).toMatch(/Service shop\): spec\.type: must be ClusterIP/);
  });
});

describe('renderTeamColor', () => {
  it("runs the template's pod as written, with the build's image and revision in the app container only", () => {
    const { deployment } = render(checked());
    const pod = deployment.spec?.template.spec;
    expect(deployment.metadata?.name).toBe('shop-green');
    expect(pod?.serviceAccountName).toBe('shop');
    expect(pod?.containers.map((c) => [c.name, c.image])).toEqual([
      ['log-shipper', 'registry.local/shipper:1.2'],
      ['web', IMAGE],
    ]);
    const web = pod?.containers.find((c) => c.name === 'web');
    expect(web?.env?.filter((e) => e.name === 'SLUICE_REVISION')).toEqual([{ name: 'SLUICE_REVISION', value: SHA }]);
    expect(web?.env?.find((e) => e.name === 'DB_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'shop-db', key: 'password' });
    expect(pod?.initContainers?.[0]?.name).toBe('migrate');
  });

  it('selects its pods by app and color, and stamps environment, revision, owner and managed-by', () => {
    const { deployment } = render(checked(), 'blue');
    expect(deployment.spec?.selector).toEqual({ matchLabels: { app: 'shop', color: 'blue' } });
    expect(deployment.spec?.template.metadata?.labels).toMatchObject({ 'team-app': 'shop', app: 'shop', color: 'blue', 'sluice.dev/environment': 'production', 'sluice.dev/revision': SHA });
    expect(deployment.metadata?.annotations).toMatchObject({ 'sluice.dev/owner': 'sluice-system/shop', 'sluice.dev/revision': SHA, 'sluice.dev/delivery': 'd-1' });
    expect(deployment.metadata?.annotations).not.toHaveProperty(APP_CONTAINER_ANNOTATION);
    expect(deployment.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  it("versions the template's ConfigMaps by content and points every reference at the copy", () => {
    const objects = render(checked());
    const [settings] = objects.configMaps;
    expect(settings?.metadata?.name).toMatch(/^shop-settings-[0-9a-f]{10}$/);
    expect(settings?.immutable).toBe(true);
    expect(settings?.data).toEqual({ greeting: 'hello', limit: '10' });
    const pod = objects.deployment.spec?.template.spec;
    expect(pod?.volumes?.map((v) => v.configMap?.name)).toEqual([settings?.metadata?.name, 'platform-ca']);
    expect(pod?.initContainers?.[0]?.envFrom?.[0]?.configMapRef?.name).toBe(settings?.metadata?.name);
    expect(pod?.containers[1]?.env?.find((e) => e.name === 'GREETING')?.valueFrom?.configMapKeyRef?.name).toBe(settings?.metadata?.name);
  });

  it('gives a changed configuration a new name and an unchanged one the same, so a rollback finds its own', () => {
    const v1 = render(checked(), 'blue', 'b'.repeat(40)).configMaps[0]?.metadata?.name;
    const v1Again = render(checked(), 'green', 'c'.repeat(40)).configMaps[0]?.metadata?.name;
    const v2 = render(checked(DEPLOY_YAML.replace('greeting: hello', 'greeting: bonjour'))).configMaps[0]?.metadata?.name;
    expect(v1Again).toBe(v1);
    expect(v2).not.toBe(v1);
    expect(versionedConfigMapName({ metadata: { name: 'x' }, data: { b: '2', a: '1' } })).toBe(versionedConfigMapName({ metadata: { name: 'x' }, data: { a: '1', b: '2' } }));
  });

  it('makes the autoscaler and the disruption budget for the color', () => {
    const { autoscaler, disruptionBudget } = render(checked(), 'blue');
    expect(autoscaler?.metadata?.name).toBe('shop-blue');
    expect(autoscaler?.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-blue' });
    expect(autoscaler?.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(disruptionBudget?.metadata?.name).toBe('shop-blue');
    expect(disruptionBudget?.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'shop', color: 'blue' } } });
  });

  it('leaves the checked template untouched', () => {
    const manifests = checked();
    const before = structuredClone(manifests);
    render(manifests);
    expect(manifests).toEqual(before);
  });
});

describe('renderTeamService', () => {
  it("keeps the team's ports and name and selects the live color", () => {
    const service = renderTeamService({ manifests: checked(), app: 'shop', namespace: 'shop-prod', color: 'green', owner: 'sluice-system/shop' });
    expect(service?.metadata?.name).toBe('shop');
    expect(service?.spec?.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
    expect(service?.spec?.selector).toEqual({ app: 'shop', color: 'green' });
    expect(service?.metadata?.annotations).toEqual({ 'sluice.dev/owner': 'sluice-system/shop' });
  });
});
