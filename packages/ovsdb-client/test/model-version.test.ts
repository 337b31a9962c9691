import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OvnNorthbound, OvnSouthbound, chooseModel, modelFits } from '../src';

describe('modelFits', () => {
  it('accepts the same major version with at least the model minor version', () => {
    assert.equal(modelFits('7.0.0', '7.0.0'), true);
    assert.equal(modelFits('7.3.1', '7.0.0'), true);
    assert.equal(modelFits('7.0.5', '7.0.0'), true);
    assert.equal(modelFits('6.9.0', '7.0.0'), false);
    assert.equal(modelFits('7.0.0', '7.1.0'), false);
    assert.equal(modelFits('8.0.0', '7.0.0'), false);
  });

  it('refuses what is not a version', () => {
    assert.throws(() => modelFits('7.0', '7.0.0'), /not a schema version/);
  });
});

describe('chooseModel', () => {
  const older = { SCHEMA_NAME: 'OVN_Northbound', SCHEMA_VERSION: '7.0.0', tag: 'old' };
  const newer = { SCHEMA_NAME: 'OVN_Northbound', SCHEMA_VERSION: '7.3.0', tag: 'new' };

  it('picks the newest model of the server database that fits', () => {
    assert.equal(chooseModel({ name: 'OVN_Northbound', version: '7.5.0' }, [older, newer])?.tag, 'new');
    assert.equal(chooseModel({ name: 'OVN_Northbound', version: '7.2.0' }, [newer, older])?.tag, 'old');
    assert.equal(chooseModel({ name: 'OVN_Northbound', version: '8.0.0' }, [older, newer]), undefined);
  });

  it('matches the bundled models by database name', () => {
    assert.equal(
      chooseModel({ name: 'OVN_Southbound', version: OvnSouthbound.SCHEMA_VERSION }, [OvnNorthbound, OvnSouthbound]),
      OvnSouthbound,
    );
  });
});
