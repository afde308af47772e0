import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBasicAuthorization, secretMatches } from './client-secret.ts';

test('decodes Basic credentials form-decoded after splitting at the first colon (RFC 6749 2.3.1)', () => {
  const header = `Basic ${Buffer.from('my+client:p%3Ass:word').toString('base64')}`;
  assert.deepEqual(parseBasicAuthorization(header), { clientId: 'my client', secret: 'p:ss:word' });
});

test('rejects headers that are not Basic credentials', () => {
  assert.equal(parseBasicAuthorization('Bearer abc'), undefined);
  assert.equal(parseBasicAuthorization(`Basic ${Buffer.from('no-colon').toString('base64')}`), undefined);
  assert.equal(parseBasicAuthorization(`Basic ${Buffer.from(':secret').toString('base64')}`), undefined);
});

test('matches a secret only when it is identical', () => {
  assert.equal(secretMatches('s3cret', 's3cret'), true);
  assert.equal(secretMatches('s3cret', 's3cret '), false);
});
