import { describe, expect, it } from 'vitest';
import { ManifestError } from './errors.js';
import { DeploymentBuilder, JobBuilder } from './workload.js';

const container = { name: 'main', image: 'busybox:1' };

function deployment(): DeploymentBuilder {
  return new DeploymentBuilder('test', { name: 'web', namespace: 'apps', labels: { app: 'web' } }, { replicas: 1, selector: { matchLabels: { app: 'web' } } }, { enableServiceLinks: false });
}

describe('workload builders', () => {
  it('return the wire form, with the labels on the object and its pods', () => {
    const d = deployment().addLabels({ tier: 'front' });
    d.pod.addContainer(container);
    const wire = d.build();
    expect(wire).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps', labels: { app: 'web', tier: 'front' } } });
    expect(wire.spec?.template.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
    expect(JSON.stringify(wire)).not.toMatch(/"_[a-z]/);
  });

  it('keep object annotations off the pods', () => {
    const d = deployment().addAnnotations({ 'sluice.dev/revision': 'abc' });
    d.pod.addContainer(container).addAnnotations({ 'prometheus.io/scrape': 'true' });
    const wire = d.build();
    expect(wire.metadata.annotations).toEqual({ 'sluice.dev/revision': 'abc' });
    expect(wire.spec?.template.metadata?.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
  });

  it('run init containers in the order added and extend a container added earlier', () => {
    const j = new JobBuilder('test', { name: 'once', namespace: 'jobs' }, { backoffLimit: 0 }, { restartPolicy: 'Never' });
    j.pod.addInitContainer({ name: 'first', image: 'a' }).addInitContainer({ name: 'second', image: 'b' }).addContainer(container);
    j.pod.addEnv('second', { name: 'X', value: '1' });
    const pod = j.build().spec?.template.spec;
    expect(pod?.initContainers?.map((c) => c.name)).toEqual(['first', 'second']);
    expect(pod?.initContainers?.[1]?.env).toEqual([{ name: 'X', value: '1' }]);
  });

  it('refuse inconsistent pods with a message saying how to fix them', () => {
    const noVolume = deployment();
    noVolume.pod.addContainer({ ...container, volumeMounts: [{ name: 'data', mountPath: '/data' }] });
    expect(() => noVolume.build()).toThrow(/mounts volume "data".*addVolume/);
    const twice = deployment();
    twice.pod.addContainer(container).addContainer(container);
    expect(() => twice.build()).toThrow(/two containers are named "main"/);
    expect(() => deployment().pod.addEnv('nope', { name: 'X', value: '1' })).toThrow(ManifestError);
    expect(() => deployment().build()).toThrow(/no container/);
    expect(() => deployment().addLabels({ app: 'other' })).toThrow(/label "app" is set twice/);
  });
});
