import { GitlabError } from '../errors.js';

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decodes a Standard Webhooks signing token (`whsec_<base64>`) into the HMAC
 * key. Throws `GitlabError('invalid_config')` when the token is not in that
 * format; the message never contains the token.
 */
export function decodeSigningToken(token: string): Buffer {
  const encoded = token.trim().startsWith(PREFIX) ? token.trim().slice(PREFIX.length) : undefined;
  if (encoded === undefined || encoded.length % 4 !== 0 || !BASE64.test(encoded)) {
    throw new GitlabError(
      'invalid_config',
      'signing token must look like "whsec_<base64>" (copy it exactly as GitLab shows it when the webhook is created)',
    );
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16) {
    throw new GitlabError('invalid_config', `signing token key is ${key.length} bytes; GitLab issues 32-byte keys`);
  }
  return key;
}
