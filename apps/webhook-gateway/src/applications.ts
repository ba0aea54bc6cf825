import { API_GROUP_VERSION, APPLICATION_RESOURCE, parseApplication, type Application, type Project } from '@sluice/delivery';
import { resourcePath, type Informer, type KubeClient, type KubeObject } from '@sluice/kube';
import type { Logger } from '@sluice/service';

/** Finds the Application configured for a GitLab project. */
export interface ApplicationLookup {
  /**
   * The Application for `project`: matched by id (stable across renames),
   * else by path (case-insensitive, as GitLab treats paths). When several
   * match, the first by name wins, so every replica picks the same one.
   */
  find(project: Project): Application | undefined;
}

/**
 * An in-memory index of the namespace's Applications by project id and
 * path. `upsert`/`remove` keep it current; {@link watchApplications} drives
 * them from an informer, tests call them directly.
 */
export class ApplicationStore implements ApplicationLookup {
  private readonly byName = new Map<string, Application>();
  private byId = new Map<number, Application>();
  private byPath = new Map<string, Application>();
  private stale = false;

  find(project: Project): Application | undefined {
    if (this.stale) this.reindex();
    return this.byId.get(project.id) ?? this.byPath.get(project.path.toLowerCase());
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
    const byId = new Map<number, Application>();
    const byPath = new Map<string, Application>();
    const names = [...this.byName.keys()].sort();
    for (const name of names) {
      const app = this.byName.get(name) as Application;
      if (!byId.has(app.spec.project.id)) byId.set(app.spec.project.id, app);
      const path = app.spec.project.path.toLowerCase();
      if (!byPath.has(path)) byPath.set(path, app);
    }
    this.byId = byId;
    this.byPath = byPath;
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
