'use strict';
/*
 * A custom projection, folded and read inside Samhandling (README: "Custom projections governed by
 * the policy"): per person, how many contacts each channel carried and when the latest happened.
 *
 *   CUSTOM_PROJECTIONS=examples/custom-projection/contacts-per-channel.js npm start
 *   curl "localhost:3000/subjects/$SUBJECT/projections/contacts-per-channel?purpose=follow_up" -H "Authorization: Bearer $TOKEN"
 *
 * Plain CommonJS, so it loads into any build; an ES module with `export default { … }` works too.
 * `evolve` is handed only events of the types below that carry no category outside `categories`:
 * a contact that touched on health is not counted here, so reading this needs no basis for health.
 */
module.exports = {
  name: 'contacts-per-channel',
  // Bump when evolve or the state's shape changes: the state is folded again from the log.
  version: 1,
  categories: ['contact_log'],
  eventTypes: ['ContactRecorded'],

  init: (subjectId) => ({ subjectId, channels: {} }),

  // Pure: no I/O, no clock. `event.data` is the ContactRecorded data (frozen); `event.ownerAgency`
  // and `event.categories` are the labels the policy decides on.
  evolve(state, event) {
    const { channel, occurredAt } = event.data;
    const known = state.channels[channel] || { contacts: 0, latestAt: occurredAt };
    const latestAt = Date.parse(known.latestAt) > Date.parse(occurredAt) ? known.latestAt : occurredAt;
    return { ...state, channels: { ...state.channels, [channel]: { contacts: known.contacts + 1, latestAt } } };
  },
};
