import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serverMonitorShowsLoss } from '../src/monitor';

describe(serverMonitorShowsLoss.name, () => {
  const db = (u: Record<string, unknown>) => ({ Database: { 'a-uuid': u } });

  it('reads a whole row without leader or connected as false: ovsdb-server leaves out columns at their default', () => {
    assert.equal(serverMonitorShowsLoss(db({ initial: {} }), false), 'server disconnected from its cluster');
    assert.equal(serverMonitorShowsLoss(db({ initial: { connected: true } }), true), 'server lost cluster leadership');
    assert.equal(
      serverMonitorShowsLoss(db({ initial: { connected: true } }), false),
      undefined,
      'a follower is fine where the leader is not wanted',
    );
    assert.equal(serverMonitorShowsLoss(db({ initial: { connected: true, leader: true } }), true), undefined);
  });

  it('reads a modify as naming only what changed', () => {
    assert.equal(serverMonitorShowsLoss(db({ modify: { index: 7 } }), true), undefined);
    assert.equal(serverMonitorShowsLoss(db({ modify: { connected: false } }), false), 'server disconnected from its cluster');
    assert.equal(serverMonitorShowsLoss(db({ modify: { leader: false } }), true), 'server lost cluster leadership');
    assert.equal(serverMonitorShowsLoss(db({ delete: null }), false), 'database removed from server');
  });
});
