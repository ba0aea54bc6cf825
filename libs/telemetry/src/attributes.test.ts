import * as semconv from '@opentelemetry/semantic-conventions';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import type { Delivery } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { deliveryAttributes, deliveryErrorType, deploymentAttributes, jobAttributes, pipelineResult, stageErrorType, taskAttributes } from './attributes.js';
import { ATTR } from './catalog.js';

const delivery = {
  metadata: { name: 'shop-main-0a1b2c3' },
  spec: {
    application: 'shop',
    repositoryUrl: 'https://gitlab.example.com/team/shop.git',
    ref: 'main',
    refType: 'branch',
    checkoutSha: 'a'.repeat(40),
  },
} as unknown as Delivery;

describe('catalog attribute keys', () => {
  it('are the semantic-convention keys where a convention exists, so backends and dashboards recognise them', () => {
    expect(ATTR.pipelineName).toBe(incubating.ATTR_CICD_PIPELINE_NAME);
    expect(ATTR.pipelineRunId).toBe(incubating.ATTR_CICD_PIPELINE_RUN_ID);
    expect(ATTR.pipelineResult).toBe(incubating.ATTR_CICD_PIPELINE_RESULT);
    expect(ATTR.taskName).toBe(incubating.ATTR_CICD_PIPELINE_TASK_NAME);
    expect(ATTR.taskResult).toBe(incubating.ATTR_CICD_PIPELINE_TASK_RUN_RESULT);
    expect(ATTR.environment).toBe(incubating.ATTR_DEPLOYMENT_ENVIRONMENT_NAME);
    expect(ATTR.errorType).toBe(semconv.ATTR_ERROR_TYPE);
    expect(ATTR.httpStatus).toBe(semconv.ATTR_HTTP_RESPONSE_STATUS_CODE);
  });
});

describe('Delivery attributes', () => {
  it('name the Application, the Delivery and the exact commit', () => {
    expect(deliveryAttributes(delivery)).toEqual({
      'cicd.pipeline.name': 'shop',
      'cicd.pipeline.run.id': 'shop-main-0a1b2c3',
      'vcs.repository.url.full': 'https://gitlab.example.com/team/shop.git',
      'vcs.ref.head.name': 'main',
      'vcs.ref.head.type': 'branch',
      'vcs.ref.head.revision': 'a'.repeat(40),
    });
  });

  it('name the Kubernetes objects that carry a stage out', () => {
    expect(jobAttributes('sluice-test', 'shop-main-0a1b2c3-test')).toEqual({ 'k8s.namespace.name': 'sluice-test', 'k8s.job.name': 'shop-main-0a1b2c3-test' });
    expect(deploymentAttributes('production', 'shop', 'shop-blue')).toEqual({
      'deployment.environment.name': 'production',
      'k8s.namespace.name': 'shop',
      'k8s.deployment.name': 'shop-blue',
    });
  });

  it('name each task and its result once it ended', () => {
    expect(taskAttributes({ name: 'deploy', environment: 'staging', state: 'running' })).toEqual({ 'cicd.pipeline.task.name': 'deploy:staging' });
    expect(taskAttributes({ name: 'test', state: 'failed' })).toEqual({ 'cicd.pipeline.task.name': 'test', 'cicd.pipeline.task.run.result': 'failure' });
    expect(taskAttributes({ name: 'build', state: 'skipped' })).toMatchObject({ 'cicd.pipeline.task.run.result': 'skip' });
  });
});

describe('results and error types', () => {
  it.each([
    ['Live', 'success'],
    ['Passed', 'success'],
    ['Failed', 'failure'],
    ['RolledBack', 'failure'],
    ['Superseded', 'cancellation'],
    ['Canceled', 'cancellation'],
    ['Deploying', undefined],
  ] as const)('a Delivery that is %s has pipeline result %s', (phase, result) => {
    expect(pipelineResult(phase)).toBe(result);
  });

  it('calls a switched-back Delivery RolledBack, and otherwise uses its failure reason', () => {
    expect(deliveryErrorType({ phase: 'RolledBack', reason: 'PostPromotionUnhealthy' })).toBe('RolledBack');
    expect(deliveryErrorType({ phase: 'Failed', reason: 'TestsFailed' })).toBe('TestsFailed');
    expect(deliveryErrorType({ phase: 'Superseded' })).toBe('Superseded');
    expect(deliveryErrorType({ phase: 'Live' })).toBeUndefined();
  });

  it('gives a failed stage its reason, the rolled-back deploy RolledBack, and a good stage none', () => {
    expect(stageErrorType({ state: 'failed', reason: 'ReadinessFailed' }, 'Failed')).toBe('ReadinessFailed');
    expect(stageErrorType({ state: 'failed', reason: 'PostPromotionUnhealthy' }, 'RolledBack')).toBe('RolledBack');
    expect(stageErrorType({ state: 'canceled', reason: 'Superseded' }, 'Superseded')).toBe('Superseded');
    expect(stageErrorType({ state: 'succeeded' }, 'Live')).toBeUndefined();
  });
});
