import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isEhrgateError } from '../errors.ts';
import { resolveStoreLocation } from './store-location.ts';

describe('resolveStoreLocation', () => {
  it('defaults to ./data/ehrgate.sqlite, or ehrgate.sqlite inside dataDir', () => {
    assert.deepEqual(resolveStoreLocation(), {
      dialect: 'sqlite',
      path: join('data', 'ehrgate.sqlite'),
      description: `sqlite ${join('data', 'ehrgate.sqlite')}`,
    });
    assert.equal(
      resolveStoreLocation({ dataDir: '/var/lib/ehrgate' }).description,
      'sqlite /var/lib/ehrgate/ehrgate.sqlite',
    );
  });

  it('reads sqlite: URLs, bare paths and :memory:', () => {
    const path = (url: string) => {
      const location = resolveStoreLocation({ url });
      assert.equal(location.dialect, 'sqlite');
      return location.dialect === 'sqlite' ? location.path : '';
    };
    assert.equal(path('sqlite:./x.sqlite'), './x.sqlite');
    assert.equal(path('sqlite:///srv/x.sqlite'), '/srv/x.sqlite');
    assert.equal(path('sqlite::memory:'), ':memory:');
    assert.equal(path(':memory:'), ':memory:');
    assert.equal(path('/srv/y.sqlite'), '/srv/y.sqlite');
  });

  it('selects PostgreSQL for postgres:// and postgresql:// and describes it without credentials', () => {
    const a = resolveStoreLocation({
      url: 'postgres://gate:hunter2@db.internal:6432/ehrgate?sslmode=require',
    });
    assert.equal(a.dialect, 'postgres');
    assert.equal(a.description, 'postgres db.internal:6432/ehrgate');
    const b = resolveStoreLocation({ url: 'postgresql://gate@10.0.0.5/ehr' });
    assert.equal(b.description, 'postgres 10.0.0.5:5432/ehr');
  });

  it('rejects a PostgreSQL URL it cannot parse without echoing it', () => {
    assert.throws(
      () => resolveStoreLocation({ url: 'postgres://gate:hunter2@[bad' }),
      (error) => isEhrgateError(error, 'ERR_CONFIG_INVALID') && !error.message.includes('hunter2'),
    );
  });
});
