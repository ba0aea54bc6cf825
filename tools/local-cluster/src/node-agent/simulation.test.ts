import { describe, expect, it } from 'vitest';
import { SIM_ANNOTATIONS, simAnnotationFor, simulationFor } from './simulation.js';

describe('simulationFor', () => {
  it('runs containers for real without annotations', () => {
    expect(simulationFor(undefined, 'main', 'app')).toBeUndefined();
    expect(simulationFor({ other: 'x' }, 'main', 'app')).toBeUndefined();
  });

  it('reads exit code, delay and termination message', () => {
    const sim = simulationFor(
      { [SIM_ANNOTATIONS.exitCode]: '3', [SIM_ANNOTATIONS.exitAfterMs]: '50', [SIM_ANNOTATIONS.terminationMessage]: 'boom' },
      'main',
      'app',
    );
    expect(sim).toMatchObject({ exit: { code: 3, afterMs: 50, reason: 'Error' }, terminationMessage: 'boom' });
  });

  it('models OOM kills and crash loops', () => {
    expect(simulationFor({ [SIM_ANNOTATIONS.oom]: 'true' }, 'm', 'app')?.exit).toEqual({
      code: 137,
      afterMs: 100,
      reason: 'OOMKilled',
    });
    expect(simulationFor({ [SIM_ANNOTATIONS.crashLoop]: 'true' }, 'm', 'app')?.exit).toMatchObject({ code: 1 });
  });

  it('keeps a container without exit annotations running, ready after the delay', () => {
    expect(simulationFor({ [SIM_ANNOTATIONS.readyAfterMs]: '250' }, 'm', 'app')).toMatchObject({
      readyAfterMs: 250,
      neverReady: false,
      exit: undefined,
    });
  });

  it('lets pod-wide annotations pass init containers and scoped ones target one container', () => {
    const ann = { [SIM_ANNOTATIONS.exitCode]: '2' };
    expect(simulationFor(ann, 'init', 'init')?.exit).toMatchObject({ code: 0, reason: 'Completed' });
    const scoped = { [simAnnotationFor('exitCode', 'clone')]: '128' };
    expect(simAnnotationFor('exitCode', 'clone')).toBe('clone.sim.sluice.dev/exit-code');
    expect(simulationFor(scoped, 'clone', 'init')?.exit).toMatchObject({ code: 128, reason: 'Error' });
    expect(simulationFor(scoped, 'test', 'app')).toBeUndefined();
  });

  it('lets a scoped value override the pod-wide one', () => {
    const ann = { [SIM_ANNOTATIONS.exitCode]: '2', [simAnnotationFor('exitCode', 'b')]: '0' };
    expect(simulationFor(ann, 'a', 'app')?.exit?.code).toBe(2);
    expect(simulationFor(ann, 'b', 'app')?.exit).toMatchObject({ code: 0, reason: 'Completed' });
  });
});
