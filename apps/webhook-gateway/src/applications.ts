import { API_GROUP_VERSION, APPLICATION_RESOURCE, parseApplication, type Application, type Project } from '@sluice/delivery';
import { resourcePath, type Informer, type KubeClient, type KubeObject } from '@sluice/kube';
import type { Logger } from '@sluice/service';

/** Which Application a GitLab project's webhooks go to. */
export type ApplicationMatch =
  | { readonly kind: 'one'; readonly application: Application }
  | { readonly kind: 'none' }
  /** Several valid Applications claim the project id: none of them is trusted with it (the deployer marks them `DuplicateProject`). */
  | { readonly kind: 'ambiguous'; readonly names: readonly string[] };

/** Finds the Application configured for a GitLab project. */
export interface ApplicationLookup {
  /**
   * The Application of `project`, by its numeric id only (stable across
   * renames, and never reused by GitLab). The path is for display: a new
   * project that took a renamed project's old path is not its Application's.
   */
  find(project: Project): ApplicationMatch;
}

/**
 * An in-memory index of the namespace's valid Applications by project id.
 * `upsert`/`remove` keep it current; {@link watchApplications} drives them
 * from an informer, tests call them directly.
 */
export class ApplicationStore implements ApplicationLookup {
  private readonly byName = new Map<string, Application>();
  private byId = new Map<number, Application[]>();
  private stale = false;

  find(project: Project): ApplicationMatch {
    if (this.stale) this.reindex();
    const claims = this.byId.get(project.id) ?? [];
    const [first] = claims;
    if (first === undefined) return { kind: 'none' };
    if (claims.length === 1) return { kind: 'one', application: first };
    return { kind: 'ambiguous', names: claims.map((app) => app.metadata.name) };
  }

  /** Adds or replaces an Application. */
  upsert(app: Application): void {
    this.byName.set(app.metadata.name, app);
    this.stale = true;
  }

  /** Forgets an Application. */
  remove(name: string): void {
    if (this.byName.delete(name)) this.stale = true;
  }

  // Applications change rarely and are few; rebuilding on the next lookup keeps the rules in one place.
  private reindex(): void {
    const byId = new Map<number, Application[]>();
    for (const name of [...this.byName.keys()].sort()) {
      const app = this.byName.get(name) as Application;
      const claims = byId.get(app.spec.project.id);
      if (claims === undefined) byId.set(app.spec.project.id, [app]);
      else claims.push(app);
    }
    this.byId = byId;
    this.stale = false;
  }
}

/**
 * Keeps `store` in step with the Applications of `namespace` through an
 * informer (list, then watch; no polling). An Application that fails
 * validation is left out and logged, so a broken one routes nothing.
 */
export function watchApplications(client: KubeClient, namespace: string, store: ApplicationStore, logger: Logger): Informer<KubeObject> {
  const path = resourcePath({ apiVersion: API_GROUP_VERSION, plural: APPLICATION_RESOURCE.plural, namespace });
  return client.informer<KubeObject>({
    path,
    onEvent: (event) => {
      if (event.type === 'RESYNC') return;
      const name = event.object.metadata.name ?? '';
      if (event.type === 'DELETED') return store.remove(name);
      const parsed = parseApplication(event.object);
      if (parsed.ok) store.upsert(parsed.value);
      else {
        store.remove(name);
        logger.warn({ application: name, namespace, problems: parsed.error.message }, 'ignoring an Application that does not validate');
      }
    },
    onError: (error) => logger.warn({ err: error, code: error.code, resource: 'applications' }, 'application watch interrupted; retrying'),
  });
}
