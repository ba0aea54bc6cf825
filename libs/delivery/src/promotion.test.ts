import { describe, expect, it } from 'vitest';
import type { DeliveryStatus } from './delivery.js';
import { approvePromotion, awaitPromotion, waitingForPromotion, WAITING_FOR_PROMOTION } from './promotion.js';

const deploying: DeliveryStatus = {
  phase: 'Deploying',
  posted: {},
  stages: [
    { name: 'deploy', environment: 'staging', state: 'succeeded' },
    { name: 'deploy', environment: 'production', state: 'running' },
  ],
};

describe('promotion state', () => {
  it('a deploy stage waits at the gate as a field, with the message people see, then is approved', () => {
    const waiting = awaitPromotion(deploying, 'production');
    expect(waitingForPromotion(waiting?.stages ?? [])).toMatchObject({ environment: 'production', promotion: 'waiting', message: WAITING_FOR_PROMOTION });
    expect(awaitPromotion(waiting as DeliveryStatus, 'production')).toBeUndefined();
    const approved = approvePromotion(waiting as DeliveryStatus, 'production', '2026-01-01T12:00:00.000Z');
    expect(approved?.stages[1]).toMatchObject({ promotion: 'approved', approvedAt: '2026-01-01T12:00:00.000Z' });
    expect(waitingForPromotion(approved?.stages ?? [])).toBeUndefined();
    expect(approvePromotion(approved as DeliveryStatus, 'production', 'later')).toBeUndefined();
  });

  it('a message alone does not make a stage wait for promotion', () => {
    expect(waitingForPromotion([{ name: 'deploy', environment: 'production', state: 'running', message: WAITING_FOR_PROMOTION }])).toBeUndefined();
  });

  it('only a running deploy stage can wait', () => {
    expect(awaitPromotion(deploying, 'staging')).toBeUndefined();
  });
});
