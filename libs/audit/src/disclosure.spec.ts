import { disclosureId } from './disclosure';

describe('disclosureId', () => {
  it('is the UUIDv5 of its parts, the same as every earlier version made, so re-deliveries of old events still find their records', () => {
    // Computed with uuid's v5 over the joined string, as the first version did.
    expect(disclosureId('push', '6f1c2f7e-3d0e-4a8e-9a55-1b2f3c4d5e6f', 'oslo-helse-ø')).toBe('0c36de25-cea9-55d3-b77e-eee80dbd3fbb');
  });

  it('differs when any part differs, and parts cannot be shifted into one another', () => {
    const ids = new Set([disclosureId('push', 'e1', 'a'), disclosureId('push', 'e1', 'b'), disclosureId('pull', 'e1', 'a'), disclosureId('push', 'e1a', ''), disclosureId('push', 'e', '1a')]);
    expect(ids.size).toBe(5);
  });
});
