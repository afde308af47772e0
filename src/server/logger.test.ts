import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, REDACTION_CENSOR } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), text: () => lines.join('') };
}

describe('logger', () => {
  it('redacts FHIR PHI elements and credentials wherever a careless log call puts them', () => {
    const { logger, text } = capture();
    logger.info(
      {
        patient: { name: [{ family: 'Quixote-Lopez' }], birthDate: '1961-04-02' },
        resource: {
          birthDate: '1961-04-02',
          telecom: [{ value: '555-0142' }],
          identifier: [{ value: 'MRN-778812' }],
        },
        req: { headers: { authorization: 'Bearer secret-token-value' } },
        tool: { args: { memberId: 'W123456789' } },
        access_token: 'secret-token-value',
      },
      'something happened',
    );
    const out = text();
    for (const phi of [
      'Quixote-Lopez',
      '1961-04-02',
      '555-0142',
      'MRN-778812',
      'secret-token-value',
      'W123456789',
    ]) {
      assert.ok(!out.includes(phi), `${phi} leaked: ${out}`);
    }
    assert.ok(out.includes(REDACTION_CENSOR));
    assert.equal(JSON.parse(out).msg, 'something happened');
  });

  it('logs request paths without query strings, where search parameters carry names and birth dates', () => {
    const { logger, text } = capture();
    logger.info(
      { req: { method: 'GET', url: '/fhir/R4/Patient?family=Quixote&birthdate=1961-04-02', id: 'r1' } },
      'req',
    );
    const line = JSON.parse(text());
    assert.equal(line.req.path, '/fhir/R4/Patient');
    assert.ok(!text().includes('Quixote'));
  });
});
