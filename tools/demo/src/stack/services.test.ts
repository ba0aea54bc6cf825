import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { serviceKubeconfig } from './services.js';

describe('a service’s kubeconfig', () => {
  it('reaches the admin kubeconfig’s cluster but authenticates with the ServiceAccount token only', () => {
    const admin = { clusters: [{ name: 'sluice-local', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Q0E=' } }] };
    const kc = new KubeConfig();
    kc.loadFromString(serviceKubeconfig(admin, 'deployer', 'the-token'));
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://127.0.0.1:6443', caData: 'Q0E=' });
    expect(kc.getCurrentUser()).toEqual(expect.objectContaining({ name: 'system:serviceaccount:sluice-system:deployer', token: 'the-token' }));
    expect(kc.getCurrentUser()?.certData).toBeUndefined();
  });
});
