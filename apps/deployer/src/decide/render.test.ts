import { describe, expect, it } from 'vitest';
import { NEW, application } from './fixtures.testkit.js';
import { renderDeployment, type RenderInput } from './render.js';

const input = (app: RenderInput['application']): RenderInput => ({
  application: app,
  environment: 'production',
  target: app.spec.environments.production,
  color: 'green',
  sha: NEW,
  image: `registry.example.com/team/sample@sha256:${'1'.repeat(64)}`,
  delivery: 'd-1',
  replicas: 2,
  minReadySeconds: 5,
});

const commands = (app: RenderInput['application']) =>
  (renderDeployment(input(app)).spec as { template: { spec: { containers: { command?: string[] }[] } } }).template.spec.containers.map((c) => c.command);

describe('rendered Deployment', () => {
  it("runs the Application's spec.command", () => {
    expect(commands({ ...application, spec: { ...application.spec, command: ['node', 'server.js'] } })).toEqual([['node', 'server.js']]);
  });

  it("keeps the image's own command when spec.command is not set", () => {
    const { command: _command, ...spec } = application.spec;
    expect(commands({ ...application, spec })).toEqual([undefined]);
  });
});
